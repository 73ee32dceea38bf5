import Link from "next/link";
import type { AuthorityNameRules } from "@/lib/data/authority-name-rules";
import type { AuthorityNameConstraints } from "@/lib/policy/name-constraints";
import type { IssuancePolicyRules } from "@/lib/policy/rules";
import { PolicyForm } from "./policy-form";

const FORM_LABELS: Record<string, string> = { dns: "DNS", ip: "IP", email: "E-mail", uri: "URI", dn: "Directory name" };

function SubtreeList({ subtrees }: { subtrees: AuthorityNameConstraints["permitted"] }) {
  const entries = Object.entries(subtrees).filter(([, v]) => v && v.length);
  if (entries.length === 0) return <span className="text-slate-500">none</span>;
  return (
    <ul className="space-y-0.5">
      {entries.map(([form, values]) => (
        <li key={form}>
          <span className="text-slate-500">{FORM_LABELS[form] ?? form}:</span>{" "}
          <span className="font-mono text-xs wrap-anywhere">{values!.join(", ")}</span>
        </li>
      ))}
    </ul>
  );
}

function Constraints({ nc }: { nc: AuthorityNameConstraints }) {
  return (
    <dl className="grid gap-x-4 gap-y-2 text-sm sm:grid-cols-[8rem_1fr]">
      <dt className="font-medium">Permitted</dt>
      <dd>
        <SubtreeList subtrees={nc.permitted} />
      </dd>
      <dt className="font-medium">Excluded</dt>
      <dd>
        <SubtreeList subtrees={nc.excluded} />
      </dd>
      {!nc.critical && (
        <dd className="text-amber-800 sm:col-span-2 dark:text-amber-300">
          The extension is not critical: clients that do not know it would ignore it (RFC 5280 requires it critical). cadesk enforces it all
          the same.
        </dd>
      )}
    </dl>
  );
}

const RULE_LABELS: [keyof IssuancePolicyRules, string][] = [
  ["allowedNames", "Allowed names"],
  ["allowWildcards", "Wildcards"],
  ["allowedIps", "Allowed IP ranges"],
  ["allowedUriPrefixes", "Allowed URI prefixes"],
  ["keyTypes", "Key types"],
  ["minRsaBits", "Minimum RSA size"],
  ["profiles", "Profiles"],
  ["maxValidityDays", "Maximum validity"],
];

function ruleText(rule: keyof IssuancePolicyRules, value: IssuancePolicyRules[keyof IssuancePolicyRules]): string {
  if (rule === "allowWildcards") return value === false ? "not allowed" : "allowed";
  if (rule === "minRsaBits") return `${value} bits`;
  if (rule === "maxValidityDays") return `${value} days`;
  return Array.isArray(value) ? (value.length ? value.join(", ") : "none allowed") : String(value);
}

/** What this CA may sign: its name constraints, its parents', and its issuance policy (editable by admins). */
export function NameRules({ id, rules, mayManage }: { id: string; rules: AuthorityNameRules; mayManage: boolean }) {
  const set = RULE_LABELS.filter(([k]) => rules.policy[k] !== undefined);
  return (
    <section className="card space-y-4" aria-labelledby="names-heading">
      <h2 id="names-heading">Names this CA may sign</h2>
      <div className="space-y-2">
        <h3 className="text-sm font-semibold">Name constraints</h3>
        {rules.own ? (
          <Constraints nc={rules.own} />
        ) : (
          <p className="text-sm text-slate-600 dark:text-slate-400">
            Its certificate carries no name constraints{rules.inherited.length ? "" : ": clients accept any name it signs"}.
          </p>
        )}
        {rules.inherited.map((p) => (
          <div key={p.id} className="space-y-1 border-l-2 border-slate-200 pl-3 dark:border-slate-700">
            <p className="text-sm">
              Inherited from <Link href={`/authorities/${p.id}`}>{p.commonName}</Link>, which binds this CA too:
            </p>
            <Constraints nc={p.constraints} />
          </div>
        ))}
        <p className="hint">cadesk refuses names outside them before signing (NAME_NOT_ALLOWED), on every way of issuing.</p>
      </div>
      <div className="space-y-2">
        <h3 className="text-sm font-semibold">Issuance policy</h3>
        {set.length === 0 ? (
          <p className="text-sm text-slate-600 dark:text-slate-400">No policy: any name within the constraints, any key and profile.</p>
        ) : (
          <dl className="grid gap-x-4 gap-y-1 text-sm sm:grid-cols-[12rem_1fr]">
            {set.map(([k, label]) => (
              <div key={k} className="contents">
                <dt className="font-medium">{label}</dt>
                <dd className="font-mono text-xs wrap-anywhere">{ruleText(k, rules.policy[k])}</dd>
              </div>
            ))}
          </dl>
        )}
        {mayManage && <PolicyForm id={id} policy={rules.policy} />}
      </div>
    </section>
  );
}
