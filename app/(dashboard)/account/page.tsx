import type { Metadata } from "next";
import { requireUser } from "@/lib/auth/request";
import { listSessions } from "@/lib/data/users";
import { formatDate } from "../../ui/status-badge";
import { endOtherSessionsAction } from "../settings/actions";
import { ChangePasswordForm } from "../settings/forms";
import { SubmitButton } from "../../ui/form";

export const metadata: Metadata = { title: "Your account" };

export default async function AccountPage() {
  const me = await requireUser();
  const sessions = await listSessions(me.userId!);
  return (
    <div className="space-y-6">
      <div>
        <h1>Your account</h1>
        <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
          Signed in as {me.label}, role {me.role}.
        </p>
      </div>
      <ChangePasswordForm />
      <section className="card space-y-3" aria-labelledby="sessions-heading">
        <h2 id="sessions-heading">Where you are signed in</h2>
        <table className="table">
          <thead>
            <tr>
              <th className="col-md">Signed in</th>
              <th>Last seen</th>
              <th className="col-sm">Address</th>
              <th>Browser</th>
              <th>
                <span className="sr-only">This one</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {sessions.map((s) => (
              <tr key={s.id}>
                <td className="col-md text-xs">{formatDate(s.createdAt)}</td>
                <td className="text-xs">{formatDate(s.lastSeenAt)}</td>
                <td className="col-sm font-mono text-xs">{s.ip}</td>
                <td className="text-xs" title={s.userAgent ?? ""}>
                  <span className="block max-w-40 truncate sm:max-w-xs">{s.userAgent}</span>
                </td>
                <td className="text-xs">{s.id === me.sessionId ? "this browser" : ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {sessions.length > 1 && (
          <form action={endOtherSessionsAction}>
            <SubmitButton variant="default" pendingText="Signing out…">
              Sign out everywhere else
            </SubmitButton>
          </form>
        )}
      </section>
    </div>
  );
}
