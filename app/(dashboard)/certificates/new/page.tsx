import { requireUser } from "@/lib/auth/request";
import Link from "next/link";
import type { Metadata } from "next";
import { issuingCaOptions } from "../ca-options";
import { IssueForm } from "./issue-form";

export const metadata: Metadata = { title: "Issue certificate" };

export default async function IssuePage({ searchParams }: { searchParams: Promise<{ caId?: string }> }) {
  const user = await requireUser("issue");
  const [{ caId }, authorities] = await Promise.all([searchParams, issuingCaOptions(user)]);
  return (
    <div className="max-w-3xl space-y-6">
      <div>
        <h1>Issue a certificate</h1>
        <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
          cadesk generates the key pair. To keep the private key on your service instead,{" "}
          <Link href="/certificates/sign-csr">sign a CSR</Link>.
        </p>
      </div>
      {authorities.length === 0 ? (
        <div className="card text-sm">
          There is no CA to issue from. <Link href="/authorities/new">Create a root CA</Link> first.
        </div>
      ) : (
        // A child CA (the issuing intermediate) is the better default than the root.
        <IssueForm authorities={authorities} defaultCaId={caId ?? authorities.findLast(() => true)?.value} role={user.role!} />
      )}
    </div>
  );
}
