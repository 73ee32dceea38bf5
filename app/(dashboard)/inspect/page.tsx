import type { Metadata } from "next";
import { InspectForm } from "./inspect-form";

export const metadata: Metadata = { title: "Inspect" };

export default function InspectPage() {
  return (
    <div className="space-y-6">
      <div>
        <h1>Inspect</h1>
        <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
          Paste or drop any certificate, chain, CSR or CRL (PEM or DER), a PKCS#7 bundle or a PKCS#12 file, whoever issued it. You get the
          text <code>openssl</code> would print, a summary, problems in plain words, and whether the chain verifies for a host name.
        </p>
      </div>
      <InspectForm />
    </div>
  );
}
