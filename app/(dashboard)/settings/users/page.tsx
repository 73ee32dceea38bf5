import type { Metadata } from "next";
import { requireUser } from "@/lib/auth/request";
import { listUsers } from "@/lib/data/users";
import { formatDate } from "../../../ui/status-badge";
import { CreateUserForm, UserRowActions } from "../forms";

export const metadata: Metadata = { title: "Users" };

export default async function UsersPage() {
  const me = await requireUser("users");
  const users = await listUsers();
  return (
    <div className="space-y-6">
      <div>
        <h1>Users</h1>
        <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
          Admins manage users, CAs, settings and key exports; operators issue, sign CSRs, renew and revoke; viewers read. A CA&apos;s page
          can limit which operators may issue from it.
        </p>
      </div>
      <section className="card" aria-label="All users">
        <table className="table">
          <thead>
            <tr>
              <th>E-mail</th>
              <th>Role</th>
              <th className="col-lg">Added</th>
              <th className="col-md">Last seen</th>
              <th>
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {users.map((u) => (
              <tr key={u.id}>
                <td className="wrap-anywhere font-medium">
                  {u.email}
                  {u.id === me.userId && <span className="ml-2 text-xs text-slate-500">(you)</span>}
                  {u.oidcSubject && (
                    <span className="block text-xs font-normal text-slate-500">
                      {u.name ? `${u.name}, ` : ""}signs in through the identity provider (role from its groups at each sign-in)
                    </span>
                  )}
                </td>
                <td>{u.role}</td>
                <td className="col-lg text-xs">{formatDate(u.createdAt)}</td>
                <td className="col-md text-xs">{u.sessions[0] ? formatDate(u.sessions[0].lastSeenAt) : "not signed in"}</td>
                <td>
                  <UserRowActions id={u.id} email={u.email} role={u.role} self={u.id === me.userId} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <CreateUserForm />
    </div>
  );
}
