import Link from "next/link";
import { PemBlock } from "./pem-block";

export interface OneTimeKeyProps {
  certificateId: string;
  privateKeyPem: string;
  filename: string;
  /** cadesk keeps an encrypted copy (for the echo server, the doctor, admins), which this person cannot download later. */
  kept: boolean;
}

/** A private key shown once, right after issuing, to the person who issued it. */
export function OneTimeKey({ certificateId, privateKeyPem, filename, kept }: OneTimeKeyProps) {
  const href = `data:application/x-pem-file;charset=utf-8,${encodeURIComponent(privateKeyPem)}`;
  return (
    <div className="card space-y-4">
      <div
        role="status"
        className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:border-amber-900 dark:bg-amber-950 dark:text-amber-200"
      >
        {kept
          ? "The certificate is issued. Save the private key now: cadesk keeps an encrypted copy, but your role cannot download it again (an admin can)."
          : "The certificate is issued. Save the private key now: cadesk did not keep it and cannot show it again."}
      </div>
      <div className="flex flex-wrap gap-2">
        <a className="btn btn-primary wrap-anywhere" href={href} download={filename}>
          Download {filename}
        </a>
        <Link className="btn" href={`/certificates/${certificateId}?issued=1`}>
          Continue to the certificate
        </Link>
      </div>
      <PemBlock title="Private key (PKCS#8)" text={privateKeyPem} />
    </div>
  );
}
