import { requireUser } from "@/lib/auth/request";
import Link from "next/link";
import type { Metadata } from "next";
import { issuingCaOptions } from "../ca-options";
import { SignCsrForm } from "./sign-csr-form";

export const metadata: Metadata = { title: "Sign a CSR" };

export default async function SignCsrPage() {
  const user = await requireUser("issue");
  const authorities = await issuingCaOptions(user);
  return (
    <div className="max-w-3xl space-y-6">
      <div>
        <h1>Sign a certificate signing request</h1>
        <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
          The service keeps its private key; you sign only its public key. Create a CSR with, for example:
        </p>
        <pre className="pem mt-2" tabIndex={0}>{`openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \\
  -keyout api.key -out api.csr -subj "/CN=api.example.com" \\
  -addext "subjectAltName=DNS:api.example.com,IP:10.0.0.12"`}</pre>
      </div>
      {authorities.length === 0 ? (
        <div className="card text-sm">
          There is no CA to sign with. <Link href="/authorities/new">Create a root CA</Link> first.
        </div>
      ) : (
        <SignCsrForm authorities={authorities} defaultCaId={authorities.findLast(() => true)?.value} />
      )}
    </div>
  );
}
