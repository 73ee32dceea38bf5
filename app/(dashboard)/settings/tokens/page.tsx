import type { Metadata } from "next";
import { requireUser } from "@/lib/auth/request";
import { listApiTokens } from "@/lib/data/users";
import { formatDate } from "../../../ui/status-badge";
import { revokeTokenAction } from "../actions";
import { CreateTokenForm } from "../forms";

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
                <th>Role</th>
                <th>Token</th>
                <th>Created</th>
                <th>Expires</th>
                <th>Last used</th>
                <th>Status</th>
                <th>
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {tokens.map((t) => (
                <tr key={t.id}>
                  <td className="font-medium">{t.name}</td>
                  <td>{t.role}</td>
                  <td className="font-mono text-xs">{t.prefix}…</td>
                  <td className="text-xs">{formatDate(t.createdAt)}</td>
                  <td className="text-xs">{t.expiresAt ? formatDate(t.expiresAt) : "never"}</td>
                  <td className="text-xs">{t.lastUsedAt ? formatDate(t.lastUsedAt) : "never"}</td>
                  <td>{state(t)}</td>
                  <td>
                    {state(t) === "active" && (
                      <form action={revokeTokenAction}>
                        <input type="hidden" name="id" value={t.id} />
                        <button type="submit" className="btn btn-sm" aria-label={`Revoke token ${t.name}`}>
                          Revoke
                        </button>
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
