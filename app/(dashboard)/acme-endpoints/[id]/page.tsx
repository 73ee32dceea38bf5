import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { acmeSetups } from "@/lib/acme-clients/setups";
import { requireUser } from "@/lib/auth/request";
import { getAcmeEndpoint, setupInput, type AcmeEndpointDetail } from "@/lib/data/acme";
import { CopyButton } from "../../../ui/copy-button";
import { PemBlock } from "../../../ui/pem-block";
import { formatDate } from "../../../ui/status-badge";
import { deactivateAccountAction, revokeEabKeyAction } from "../actions";
import { EabKeyForm } from "../forms";
import { AcmeStatus } from "../status";

export const metadata: Metadata = { title: "ACME endpoint" };

const NOTICE = "rounded-md border px-3 py-2 text-sm";
const GOOD = `${NOTICE} border-emerald-300 bg-emerald-50 text-emerald-900 dark:border-emerald-900 dark:bg-emerald-950 dark:text-emerald-200`;
const WARN = `${NOTICE} border-amber-300 bg-amber-50 text-amber-900 dark:border-amber-900 dark:bg-amber-950 dark:text-amber-200`;

export default async function AcmeEndpointPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<{ created?: string; saved?: string }>;
}) {
  await requireUser("manage_cas");
  const [{ id }, { created, saved }] = await Promise.all([params, searchParams]);
  const e = await getAcmeEndpoint(id);
  if (!e) notFound();
  const setups = acmeSetups(setupInput(e));
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <p className="text-sm">
            <Link href="/acme-endpoints">ACME</Link> /
          </p>
          <h1>{e.name}</h1>
        </div>
        <Link className="btn" href={`/acme-endpoints/${e.id}/edit`}>
          Edit settings
        </Link>
      </div>
      {created && (
        <p role="status" className={GOOD}>
          Endpoint created. {e.requireEab ? "Create an EAB key below, then point" : "Point"} a client at the directory URL with one of the
          set-ups below.
        </p>
      )}
      {saved && (
        <p role="status" className={GOOD}>
          Settings saved; they apply to the next order.
        </p>
      )}

      <section className="card space-y-3" aria-labelledby="directory-heading">
        <h2 id="directory-heading">Directory</h2>
        <div className="flex flex-wrap items-center gap-2">
          <code className="pem py-2 break-all whitespace-normal" aria-label="Directory URL">
            {e.directoryUrl}
          </code>
          <CopyButton text={e.directoryUrl} label="Copy URL" />
        </div>
        <Transport e={e} />
      </section>

      <section className="card space-y-3" aria-labelledby="settings-heading">
        <h2 id="settings-heading">Settings</h2>
        <dl className="dl">
          <dt>Issuing CA</dt>
          <dd>
            <Link href={`/authorities/${e.caId}`}>{e.caName}</Link>
            {e.caRevoked && (
              <span className="ml-2 text-red-700 dark:text-red-400">revoked: orders will fail until you choose another CA</span>
            )}
          </dd>
          <dt>Profiles</dt>
          <dd>
            {e.profiles.map((p) => (
              <code key={p} className="mr-2 inline-block">
                {p}
                {p === e.defaultProfile ? " (default)" : ""}
              </code>
            ))}
          </dd>
          <dt>Lifetime</dt>
          <dd>
            {e.validityDays} days by default, at most {e.maxValidityDays}
          </dd>
          <dt>Challenges</dt>
          <dd>{e.challenges.join(", ")}</dd>
          <dt>External Account Binding</dt>
          <dd>{e.requireEab ? "required for new accounts" : "not required: anyone who reaches the directory can register"}</dd>
          <dt>Allowed names</dt>
          <dd>
            {e.allowedIdentifiers.length === 0 ? (
              <span className="text-amber-800 dark:text-amber-300">any DNS name or IP address (no rules)</span>
            ) : (
              e.allowedIdentifiers.map((r) => (
                <code key={r} className="mr-2 inline-block">
                  {r}
                </code>
              ))
            )}
          </dd>
          {e.termsOfServiceUrl && (
            <>
              <dt>Terms of service</dt>
              <dd className="break-all">{e.termsOfServiceUrl}</dd>
            </>
          )}
        </dl>
      </section>

      <section className="card space-y-4" aria-labelledby="eab-heading">
        <div>
          <h2 id="eab-heading">EAB keys</h2>
          <p className="text-sm text-slate-600 dark:text-slate-400">
            {e.requireEab
              ? "New accounts must be bound to one of these keys (RFC 8555 7.3.4). Give each team or machine its own; each binds to the first account that uses it."
              : "This endpoint does not require EAB; clients may still bind an account to a key."}
          </p>
        </div>
        <EabKeyForm endpointId={e.id} />
        {e.eabKeys.length > 0 && (
          <div className="table-wrap relative">
            <table className="table">
              <thead>
                <tr>
                  <th>Key id</th>
                  <th>Label</th>
                  <th className="col-md">Created</th>
                  <th>State</th>
                  <th className="col-md">Account</th>
                  <th>
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {e.eabKeys.map((k) => (
                  <tr key={k.id}>
                    <td className="font-mono text-xs break-all">{k.keyId}</td>
                    <td>{k.label ?? <span className="text-slate-500">none</span>}</td>
                    <td className="col-md text-xs whitespace-nowrap">{formatDate(k.createdAt)}</td>
                    <td>
                      <AcmeStatus status={k.state} />
                    </td>
                    <td className="col-md text-sm">{k.account ? <a href={`#account-${k.account.id}`}>{k.account.label}</a> : ""}</td>
                    <td>
                      {k.state !== "revoked" && (
                        <form action={revokeEabKeyAction.bind(null, e.id)}>
                          <input type="hidden" name="keyId" value={k.keyId} />
                          <button type="submit" className="btn btn-sm" aria-label={`Revoke EAB key ${k.label ?? k.keyId}`}>
                            Revoke
                          </button>
                        </form>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section className="card space-y-4" aria-labelledby="setup-heading">
        <div>
          <h2 id="setup-heading">Set up a client</h2>
          <p className="text-sm text-slate-600 dark:text-slate-400">
            Replace <code>{setupInput(e).domain}</code> with your server&apos;s name and <code>ops@example.internal</code> with your
            address.
            {e.requireEab && (
              <>
                {" "}
                <code>EAB_KID</code> and <code>EAB_HMAC</code> are the values shown once when you create an EAB key (they are filled in
                there).
              </>
            )}
          </p>
        </div>
        {setups.map((s) => (
          <details
            key={s.id}
            open={s.id === "certbot" || s.id === "trust-server"}
            className="rounded-md border border-slate-200 p-3 dark:border-slate-800"
          >
            <summary className="cursor-pointer font-medium">{s.title}</summary>
            <p className="mt-2 mb-2 text-sm text-slate-600 dark:text-slate-400">{s.note}</p>
            <div data-setup={s.id}>
              <PemBlock text={s.text} label={`Copy ${s.title}`} />
            </div>
          </details>
        ))}
      </section>

      <section className="card space-y-3" aria-labelledby="accounts-heading">
        <h2 id="accounts-heading">Accounts</h2>
        {e.accounts.length === 0 ? (
          <p className="text-sm text-slate-600 dark:text-slate-400">No account yet: the first client run registers one.</p>
        ) : (
          <div className="table-wrap relative">
            <table className="table">
              <thead>
                <tr>
                  <th>Key thumbprint</th>
                  <th>Contacts</th>
                  <th className="col-md">EAB key</th>
                  <th className="col-lg">Created</th>
                  <th>Status</th>
                  <th>Orders</th>
                  <th>
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {e.accounts.map((a) => (
                  <tr key={a.id} id={`account-${a.id}`}>
                    <td className="font-mono text-xs" title={a.thumbprint}>
                      {a.thumbprint.slice(0, 16)}…
                    </td>
                    <td className="text-sm break-words">{a.contacts.join(", ") || <span className="text-slate-500">none</span>}</td>
                    <td className="col-md font-mono text-xs break-all">
                      {a.eabKeyId ? `${a.eabLabel ? `${a.eabLabel}: ` : ""}${a.eabKeyId}` : "none"}
                    </td>
                    <td className="col-lg text-xs whitespace-nowrap">{formatDate(a.createdAt)}</td>
                    <td>
                      <AcmeStatus status={a.status} />
                    </td>
                    <td>{a.orderCount}</td>
                    <td>
                      {a.status === "valid" && (
                        <form action={deactivateAccountAction.bind(null, e.id)}>
                          <input type="hidden" name="accountId" value={a.id} />
                          <button
                            type="submit"
                            className="btn btn-sm"
                            aria-label={`Deactivate account ${a.contacts[0] ?? a.thumbprint.slice(0, 16)}`}
                          >
                            Deactivate
                          </button>
                        </form>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <p className="hint">
          Deactivating is final: the account&apos;s key can no longer order; certificates it obtained stay valid until revoked.
        </p>
      </section>

      <section className="card space-y-3" aria-labelledby="orders-heading">
        <h2 id="orders-heading">Recent orders</h2>
        {e.recentOrders.length === 0 ? (
          <p className="text-sm text-slate-600 dark:text-slate-400">No order yet.</p>
        ) : (
          <div className="table-wrap relative">
            <table className="table">
              <thead>
                <tr>
                  <th>Created</th>
                  <th>Names</th>
                  <th className="col-md">Account</th>
                  <th className="col-lg">Profile</th>
                  <th>Status</th>
                  <th>Result</th>
                </tr>
              </thead>
              <tbody>
                {e.recentOrders.map((o) => (
                  <tr key={o.id}>
                    <td className="text-xs whitespace-nowrap">
                      <Link href={`/acme-endpoints/${e.id}/orders/${o.id}`}>{formatDate(o.createdAt)}</Link>
                    </td>
                    <td className="text-sm break-words">{o.identifiers.map((i) => i.value).join(", ")}</td>
                    <td className="col-md text-sm break-words">{o.accountLabel}</td>
                    <td className="col-lg">{o.profile}</td>
                    <td>
                      <AcmeStatus status={o.status} />
                    </td>
                    <td className="max-w-md text-sm">
                      {o.certificateId ? (
                        <Link href={`/certificates/${o.certificateId}`}>Certificate</Link>
                      ) : o.status === "invalid" ? (
                        <Link href={`/acme-endpoints/${e.id}/orders/${o.id}`} className="text-red-700 dark:text-red-400">
                          {o.error ? o.error.title : "Failed"}: see why
                        </Link>
                      ) : (
                        <Link href={`/acme-endpoints/${e.id}/orders/${o.id}`}>Details</Link>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </div>
  );
}

function Transport({ e }: { e: AcmeEndpointDetail }) {
  const t = e.transport;
  if (t.servedBy === "cadesk") {
    return (
      <p className={GOOD}>
        Served over HTTPS by cadesk itself (<code>CADESK_TLS=1</code>)
        {t.serverCa && (
          <>
            , with a certificate from <Link href={`/authorities/${t.serverCa.id}`}>{t.serverCa.name}</Link>. ACME clients must trust that
            CA: <a href={`/download/authorities/${t.serverCa.id}?format=pem`}>download it</a> and follow the first step below
          </>
        )}
        .
      </p>
    );
  }
  if (t.servedBy === "proxy") {
    return (
      <p className={GOOD}>
        Served over HTTPS by the proxy in front of cadesk (<code>CADESK_PUBLIC_URL</code> is https://). ACME clients must trust the
        proxy&apos;s certificate.
      </p>
    );
  }
  return (
    <div className={WARN} role="note">
      <p>
        <strong>Plain HTTP.</strong> RFC 8555 (section 6.1) requires ACME over HTTPS: on an open network anyone on the path can read and
        change the requests. certbot, lego and Caddy accept this URL, which is fine on one machine or a trusted segment.
      </p>
      <p className="mt-1">
        For anything else, start cadesk with <code>CADESK_TLS=1</code> (it serves HTTPS with a certificate from its own CA), or put a
        TLS-terminating proxy in front and set <code>CADESK_PUBLIC_URL</code> to its https:// address.
      </p>
    </div>
  );
}
