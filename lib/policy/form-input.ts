/**
 * The new-CA form's name-constraint fields and the CA page's policy form, read into the API's
 * shapes, so both go through the same schemas (ZNameConstraints, ZIssuancePolicy) and services.
 * Field names are the API's paths ("nameConstraints.permitted.dns"), so an error's field names
 * the textarea it belongs beside.
 */
import { SUBTREE_FORMS } from "./subtrees";

const text = (form: FormData, name: string) => {
  const v = form.get(name);
  return typeof v === "string" && v.trim() !== "" ? v : undefined;
};

export function nameConstraintsFromForm(form: FormData): Record<string, Record<string, string>> | undefined {
  const out: Record<string, Record<string, string>> = {};
  for (const kind of ["permitted", "excluded"])
    for (const f of SUBTREE_FORMS) {
      const v = text(form, `nameConstraints.${kind}.${f}`);
      if (v !== undefined) (out[kind] ??= {})[f] = v;
    }
  return Object.keys(out).length ? out : undefined;
}

/** Empty fields and no ticked boxes mean "no limit"; the wildcard box unticked means false. */
export function policyFromForm(form: FormData): Record<string, unknown> {
  const ticked = (name: string) => {
    const v = form.getAll(name).filter((x): x is string => typeof x === "string");
    return v.length ? v : undefined;
  };
  return {
    allowedNames: text(form, "allowedNames"),
    allowWildcards: form.get("allowWildcards") === "on" ? undefined : false,
    allowedIps: text(form, "allowedIps"),
    allowedUriPrefixes: text(form, "allowedUriPrefixes"),
    keyTypes: ticked("keyTypes"),
    minRsaBits: text(form, "minRsaBits"),
    profiles: ticked("profiles"),
    maxValidityDays: text(form, "maxValidityDays"),
  };
}
