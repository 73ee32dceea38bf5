import type { Metadata } from "next";
import { requireUser } from "@/lib/auth/request";
import { ConfirmPasswordForm } from "../forms";

export const metadata: Metadata = { title: "Confirm your password" };

export default async function ConfirmPasswordPage({ searchParams }: { searchParams: Promise<{ next?: string; tab?: string }> }) {
  const user = await requireUser();
  const { next, tab } = await searchParams;
  // Opened in a new tab from a form: afterwards, say so rather than load the form's page twice.
  return <ConfirmPasswordForm next={tab ? "/confirm-password/done" : typeof next === "string" ? next : "/"} email={user.label} />;
}
