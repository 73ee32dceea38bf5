import Link from "next/link";
import type { CertificateDetail } from "@/lib/data/certificates";
import { CertificateFacts } from "../../../ui/certificate-facts";

/** The facts people check first, and the chain up to the root; `actions` (renew, revoke) sit under the chain. */
export function SummaryAndChain({ cert, actions }: { cert: CertificateDetail; actions?: React.ReactNode }) {
  return (
    <div className="grid gap-6 lg:grid-cols-3">
      <section className="card lg:col-span-2">
        <h2 className="mb-3">Summary</h2>
        <CertificateFacts summary={cert.summary} daysLeft={cert.daysLeft} />
      </section>
      <div className="space-y-6">
        <section className="card">
          <h2 className="mb-2">Chain</h2>
          <ol className="space-y-1 text-sm wrap-anywhere">
            {[...cert.chain].reverse().map((c, i) => (
              <li key={c.id} style={{ paddingLeft: `${i}rem` }}>
                <Link href={`/authorities/${c.id}`}>{c.commonName}</Link>
              </li>
            ))}
            <li style={{ paddingLeft: `${cert.chain.length}rem` }}>
              <strong>{cert.commonName || cert.summary.serial}</strong>
            </li>
          </ol>
        </section>
        {actions}
      </div>
    </div>
  );
}
