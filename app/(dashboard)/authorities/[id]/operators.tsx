"use client";

import { useActionState, useState } from "react";
import type { FormState } from "@/lib/form-state";
import { FormAlert, FormDone, SubmitButton, useRemountKey } from "../../../ui/form";
import { setOperatorsAction } from "../actions";

type Operator = { id: string; label: string };

/** Admins choose whether every operator may issue from this CA, or only some. */
export function AuthorityOperators({ id, operators, allowedIds }: { id: string; operators: Operator[]; allowedIds: string[] | null }) {
  const [state, action] = useActionState<FormState, FormData>(setOperatorsAction.bind(null, id), { ok: true });
  // Remounted after each save: React resets a form after its action, and the fields must show
  // what was saved (the page's fresh props), not the reset defaults.
  const key = useRemountKey(state);
  return (
    <section className="card space-y-3" aria-labelledby="operators-heading">
      <h2 id="operators-heading">Who may issue from this CA</h2>
      <OperatorsForm key={key} action={action} state={state} operators={operators} allowedIds={allowedIds} />
    </section>
  );
}

function OperatorsForm({
  action,
  state,
  operators,
  allowedIds,
}: {
  action: (form: FormData) => void;
  state: FormState;
  operators: Operator[];
  allowedIds: string[] | null;
}) {
  const [restrict, setRestrict] = useState(allowedIds !== null);
  return (
    <form action={action} className="space-y-3">
      <FormAlert state={state} fields={[]} />
      <FormDone state={state} />
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" name="restrict" defaultChecked={restrict} onChange={(e) => setRestrict(e.currentTarget.checked)} />
        Only the operators ticked below (admins always may)
      </label>
      {restrict &&
        (operators.length === 0 ? (
          <p className="hint">There are no operators yet: add users or API tokens with the operator role.</p>
        ) : (
          <fieldset className="grid gap-1 sm:grid-cols-2">
            <legend className="sr-only">Allowed operators</legend>
            {operators.map((o) => (
              <label key={o.id} className="flex items-center gap-2 text-sm">
                <input type="checkbox" name="operatorIds" value={o.id} defaultChecked={allowedIds?.includes(o.id)} />
                {o.label}
              </label>
            ))}
          </fieldset>
        ))}
      <div className="flex justify-end">
        <SubmitButton pendingText="Saving…">Save</SubmitButton>
      </div>
    </form>
  );
}
