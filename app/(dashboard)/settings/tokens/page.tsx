import type { Metadata } from "next";
import { requireUser } from "@/lib/auth/request";
import { listApiTokens } from "@/lib/data/users";
import { formatDate } from "../../../ui/status-badge";
import { revokeTokenAction } from "../actions";
import { CreateTokenForm } from "../forms";
import { SubmitButton } from "../../../ui/form";

export const metadata: Metadata = { title: "API tokens" };

export default async function TokensPage() {
  await requireUser("users");
  const tokens = await listApiTokens();
  const now = new Date();
  const state = (t: (typeof tokens)[number]) => (t.revokedAt ? "revoked" : t.expiresAt && t.expiresAt <= now ? "expired" : "active");
  return (
    <div className="space-y-6">
      <div>
        <h1>API tokens</h1>
        <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
          Bearer tokens for <code>/api/v1</code>, each with a role. <code>CADESK_API_TOKEN</code> from the environment keeps working as an
          admin token for automation.
        </p>
      </div>
      <CreateTokenForm />
      <section className="card" aria-label="Tokens">
        {tokens.length === 0 ? (
          <p className="text-sm text-slate-600 dark:text-slate-400">No tokens yet.</p>
        ) : (
          <table className="table">
            <thead>
              <tr>
                <th>Name</th>
                <th className="col-sm">Role</th>
                <th className="col-lg">Token</th>
                <th className="col-xl">Created</th>
                <th className="col-md">Expires</th>
                <th className="col-md">Last used</th>
                <th>Status</th>
                <th>
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {tokens.map((t) => (
                <tr key={t.id}>
                  <td className="wrap-anywhere font-medium">{t.name}</td>
                  <td className="col-sm">{t.role}</td>
                  <td className="col-lg font-mono text-xs">{t.prefix}…</td>
                  <td className="col-xl text-xs">{formatDate(t.createdAt)}</td>
                  <td className="col-md text-xs">{t.expiresAt ? formatDate(t.expiresAt) : "never"}</td>
                  <td className="col-md text-xs">{t.lastUsedAt ? formatDate(t.lastUsedAt) : "never"}</td>
                  <td>{state(t)}</td>
                  <td>
                    {state(t) === "active" && (
                      <form action={revokeTokenAction}>
                        <input type="hidden" name="id" value={t.id} />
                        <SubmitButton variant="danger" size="sm" aria-label={`Revoke token ${t.name}`} pendingText="Revoking…">
                          Revoke
                        </SubmitButton>
                      </form>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}
