import Link from "next/link";
import { requireUser } from "@/lib/auth/request";

export default async function ForbiddenPage() {
  const user = await requireUser();
  return (
    <div className="card space-y-2">
      <h1>Not available to your role</h1>
      <p className="text-sm text-slate-600 dark:text-slate-400">
        You are signed in as {user.label} ({user.role}). This page needs a role with more rights: ask an admin.
      </p>
      <Link href="/">Back to the overview</Link>
    </div>
  );
}
