"use client";

import { useActionState, useState } from "react";
import type { FormState } from "@/lib/form-state";
import { FormAlert, FormDone, SelectField, SubmitButton, TextField, useRemountKey } from "../../ui/form";
import Link from "next/link";
import type { ChannelSettingsView } from "@/lib/data/notifications";
import {
  createChannelAction,
  createRuleAction,
  deleteChannelAction,
  resendDeliveryAction,
  sendTestAction,
  updateChannelAction,
  type TestState,
} from "./actions";

type Option = { value: string; label: string };

const CHANNEL_FIELDS = ["kind", "name", "url", "secret", "host", "port", "security", "username", "password", "from", "to", "trustCaId"];

/** A stored channel being edited: its settings fill the form; its secret is never sent back, only whether there is one. */
export interface EditedChannel {
  id: string;
  name: string;
  kind: string;
  settings: ChannelSettingsView;
  hasSecret: boolean;
}

const KIND_OPTIONS = [
  { value: "webhook", label: "Webhook (JSON POST)" },
  { value: "email", label: "E-mail (SMTP)" },
];

/** Adds a channel, or edits `editing` with the same fields and validation (its type stays). */
export function ChannelForm({ authorities, editing }: { authorities: Option[]; editing?: EditedChannel }) {
  const [state, action] = useActionState<FormState, FormData>(editing ? updateChannelAction.bind(null, editing.id) : createChannelAction, {
    ok: true,
  });
  const key = useRemountKey(state);
  const [kind, setKind] = useState(editing?.kind ?? state.values?.kind ?? "webhook");
  const trust = [
    { value: "", label: "System roots only" },
    ...authorities.map((a) => ({ value: a.value, label: `System roots + ${a.label}` })),
  ];
  const stored = editing?.settings ?? {};
  const keepSecretHint = editing?.hasSecret ? "Leave blank to keep the stored one. " : "";
  return (
    <form key={key} action={action} className="card space-y-5" id="channel-form" aria-labelledby="channel-form-heading">
      <h2 id="channel-form-heading">{editing ? `Edit the channel “${editing.name}”` : "Add a channel"}</h2>
      <FormAlert state={state} fields={CHANNEL_FIELDS} />
      <FormDone state={state} />
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField
          name="name"
          label="Name"
          required
          maxLength={80}
          state={state}
          placeholder="Platform on-call"
          defaultValue={editing?.name}
        />
        {editing ? (
          <div>
            <input type="hidden" name="kind" value={editing.kind} />
            <p className="label">Type</p>
            <p className="text-sm">
              {KIND_OPTIONS.find((o) => o.value === editing.kind)?.label ?? editing.kind}{" "}
              <span className="text-slate-500">(to change it, add a new channel)</span>
            </p>
          </div>
        ) : (
          <SelectField
            name="kind"
            label="Type"
            state={state}
            value={kind}
            onChange={(e) => setKind(e.currentTarget.value)}
            options={KIND_OPTIONS}
          />
        )}
      </div>
      {kind === "webhook" ? (
        <div className="grid gap-4 sm:grid-cols-2">
          <div className="sm:col-span-2">
            <TextField
              name="url"
              label="URL"
              type="url"
              required
              state={state}
              placeholder="https://hooks.example.internal/cadesk"
              defaultValue={stored.url}
              hint="Receives a JSON document per notice; any 2xx answer counts as delivered."
            />
          </div>
          <TextField
            name="secret"
            label="Signing secret (optional)"
            autoComplete="off"
            state={state}
            hint={
              <>
                {keepSecretHint}With a secret, each request carries{" "}
                <code>X-Cadesk-Signature: v1=HMAC-SHA256(secret, timestamp + &quot;.&quot; + body)</code>. Make one with{" "}
                <code>openssl rand -hex 32</code>.
              </>
            }
          />
          <SelectField
            name="trustCaId"
            label="Trust (for https)"
            state={state}
            options={trust}
            defaultValue={stored.trustCaId ?? ""}
            hint="Pick a cadesk CA if the receiver's certificate comes from it."
          />
        </div>
      ) : (
        <div className="grid gap-4 sm:grid-cols-3">
          <TextField name="host" label="SMTP host" required state={state} placeholder="smtp.example.internal" defaultValue={stored.host} />
          <TextField name="port" label="Port" type="number" min={1} max={65535} state={state} defaultValue={String(stored.port ?? 587)} />
          <SelectField
            name="security"
            label="Security"
            state={state}
            defaultValue={stored.security ?? "starttls"}
            options={[
              { value: "starttls", label: "STARTTLS (required)" },
              { value: "tls", label: "TLS from the start (465)" },
              { value: "none", label: "None (local relay only)" },
            ]}
          />
          <TextField name="username" label="User (optional)" autoComplete="off" state={state} defaultValue={stored.username} />
          <TextField
            name="password"
            label="Password (optional)"
            type="password"
            autoComplete="new-password"
            state={state}
            hint={`${keepSecretHint}Stored encrypted with the master key.`}
          />
          <SelectField
            name="trustCaId"
            label="Trust"
            state={state}
            options={trust}
            defaultValue={stored.trustCaId ?? ""}
            hint="Pick a cadesk CA if the relay's certificate comes from it."
          />
          <TextField
            name="from"
            label="From"
            type="email"
            required
            state={state}
            placeholder="cadesk@example.internal"
            defaultValue={stored.from}
          />
          <div className="sm:col-span-2">
            <TextField
              name="to"
              label="To"
              required
              state={state}
              placeholder="oncall@example.internal, pki@example.internal"
              defaultValue={stored.to?.join(", ")}
              hint="One or more addresses, separated by commas."
            />
          </div>
        </div>
      )}
      {editing?.hasSecret && (
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" name="clearSecret" /> Remove the stored {editing.kind === "webhook" ? "signing secret" : "password"}
        </label>
      )}
      {!editing && (
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" name="defaultRule" defaultChecked={state.values ? state.values.defaultRule === "on" : true} />
          Notify about every CA&apos;s certificates 30, 7 and 1 days before they expire
        </label>
      )}
      <div className="flex justify-end gap-2">
        {editing && (
          <Link className="btn" href="/notifications">
            Cancel
          </Link>
        )}
        <SubmitButton pendingText={editing ? "Saving…" : "Adding…"}>{editing ? "Save channel" : "Add channel"}</SubmitButton>
      </div>
    </form>
  );
}

export function RuleForm({ channels, authorities }: { channels: Option[]; authorities: Option[] }) {
  const [state, action] = useActionState<FormState, FormData>(createRuleAction, { ok: true });
  const key = useRemountKey(state);
  return (
    <form key={key} action={action} className="space-y-3">
      <FormAlert state={state} fields={["channelId", "caId", "daysBefore"]} />
      <div className="grid gap-4 sm:grid-cols-4 sm:items-start">
        <SelectField name="channelId" label="Channel" state={state} options={channels} />
        <SelectField
          name="caId"
          label="For"
          state={state}
          options={[{ value: "", label: "All CAs" }, ...authorities]}
          hint="A CA: its certificates and itself."
        />
        <TextField name="daysBefore" label="Days before expiry" state={state} defaultValue="30, 7, 1" hint="Each threshold is sent once." />
        <div className="sm:pt-6">
          <SubmitButton pendingText="Adding…">Add rule</SubmitButton>
        </div>
      </div>
    </form>
  );
}

/** "Edit", "Send test notification" (with the receiver's answer right below) and "Delete" for one channel. */
export function ChannelActions({ channelId, channelName }: { channelId: string; channelName: string }) {
  const [state, action] = useActionState<TestState, FormData>(sendTestAction, { ok: true });
  return (
    <form action={action} className="flex flex-col items-end gap-1">
      <input type="hidden" name="id" value={channelId} />
      <div className="flex flex-wrap justify-end gap-2">
        <Link className="btn btn-sm" href={`/notifications?edit=${channelId}#channel-form`} aria-label={`Edit channel ${channelName}`}>
          Edit
        </Link>
        <SubmitButton variant="default" size="sm" aria-label={`Send test notification to ${channelName}`} pendingText="Sending…">
          Send test
        </SubmitButton>
        <SubmitButton
          variant="default"
          size="sm"
          formAction={deleteChannelAction}
          aria-label={`Delete channel ${channelName}`}
          pendingText="Deleting…"
        >
          Delete
        </SubmitButton>
      </div>
      {state.message && (
        <p
          role="status"
          className={`max-w-xs text-right text-xs ${state.ok && state.delivered ? "text-emerald-700 dark:text-emerald-400" : "text-red-700 dark:text-red-400"}`}
        >
          {state.ok && state.delivered ? "Delivered: " : "Failed: "}
          {state.message}
        </p>
      )}
    </form>
  );
}

/**
 * "Send again" for an uncertain delivery (its instance died while sending: it may have arrived)
 * or a failed one. cadesk never repeats those by itself; the operator, who can look at the
 * mailbox or the receiver, decides. The outcome shows beside the button.
 */
export function ResendDelivery({ deliveryId, subject }: { deliveryId: string; subject: string }) {
  const [state, action] = useActionState<TestState, FormData>(resendDeliveryAction, { ok: true });
  return (
    <form action={action} className="mt-1 flex flex-col items-start gap-1">
      <input type="hidden" name="id" value={deliveryId} />
      <SubmitButton variant="default" size="sm" aria-label={`Send again: ${subject}`} pendingText="Sending…">
        Send again
      </SubmitButton>
      {state.message && (
        <p
          role="status"
          className={`text-xs ${state.ok && state.delivered ? "text-emerald-700 dark:text-emerald-400" : "text-red-700 dark:text-red-400"}`}
        >
          {state.ok && state.delivered ? "Delivered: " : "Not delivered: "}
          {state.message}
        </p>
      )}
    </form>
  );
}
