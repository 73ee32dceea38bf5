import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { hasUsers } from "@/lib/auth/setup";
import { SetupForm } from "../forms";

export const metadata: Metadata = { title: "Set up" };

/** Exists only until the first admin does. */
export default async function SetupPage() {
  if (await hasUsers()) redirect("/sign-in");
  return <SetupForm />;
}
