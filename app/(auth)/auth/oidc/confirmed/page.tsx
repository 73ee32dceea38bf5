import type { Metadata } from "next";
import { openProblem } from "@/lib/auth/oidc/flash";
import { safeNext } from "@/lib/auth/safe-next";
import { ConfirmedNotice } from "./notice";

export const metadata: Metadata = { title: "Confirmed" };

/**
 * Where a re-authentication through the provider ends (in the pop-up window the re-auth dialog
 * opened): tells the dashboard tab, which then repeats the action it was asked for.
 */
export default async function ConfirmedPage({ searchParams }: { searchParams: Promise<{ next?: string; problem?: string }> }) {
  const { next, problem } = await searchParams;
  return <ConfirmedNotice next={safeNext(typeof next === "string" ? next : "/")} problem={openProblem(problem)} />;
}
