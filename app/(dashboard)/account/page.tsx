import type { Metadata } from "next";
import { requireUser } from "@/lib/auth/request";
import { ChangePasswordForm } from "../settings/forms";

export const metadata: Metadata = { title: "Your account" };

export default async function AccountPage() {
  const me = await requireUser();
  return (
    <div className="space-y-6">
      <div>
        <h1>Your account</h1>
        <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">Signed in as {me.label}, role {me.role}.</p>
      </div>
      <ChangePasswordForm />
    </div>
  );
}
