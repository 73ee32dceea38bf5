import type { CertificateDetail } from "@/lib/data/certificates";

/** Links to the certificate this one renewed, and to the ones that renewed it. */
export function RenewalLinks({ cert }: { cert: CertificateDetail }) {
  if (!cert.renewedFrom && cert.renewals.length === 0) return null;
  return (
    <p className="text-sm">
      {cert.renewedFrom && (
        <>
          Renews <a href={`/certificates/${cert.renewedFrom.id}`}>the previous certificate</a>.{" "}
        </>
      )}
      {cert.renewals.map((r) => (
        <span key={r.id}>
          Renewed on {r.createdAt.toISOString().slice(0, 10)}: <a href={`/certificates/${r.id}`}>the new certificate</a>.{" "}
        </span>
      ))}
    </p>
  );
}
