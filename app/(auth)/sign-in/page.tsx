import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { sessionActor } from "@/lib/auth/request";
import { hasUsers } from "@/lib/auth/setup";
import { signInOptions } from "@/lib/data/sign-in";
import { SignInForm } from "../forms";

export const metadata: Metadata = { title: "Sign in" };

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<{ next?: string; problem?: string; "signed-out"?: string }>;
}) {
  if (!(await hasUsers())) redirect("/setup");
  if (await sessionActor()) redirect("/");
  const { next, problem, "signed-out": signedOut } = await searchParams;
  const options = await signInOptions(typeof problem === "string" ? problem : undefined, signedOut === "provider");
  return <SignInForm next={typeof next === "string" ? next : "/"} {...options} />;
}
