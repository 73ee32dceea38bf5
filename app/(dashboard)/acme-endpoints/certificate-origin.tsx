import Link from "next/link";
import { certificateAcme } from "@/lib/data/acme";

/** On a certificate's page: which ACME endpoint, account and order it came from. */
export async function AcmeOrigin({ certificateId, mayManage }: { certificateId: string; mayManage: boolean }) {
  const acme = await certificateAcme(certificateId);
  if (!acme) return null;
  return (
    <p className="text-sm" aria-label="ACME origin">
      Issued over ACME by the endpoint{" "}
      {mayManage ? <Link href={`/acme-endpoints/${acme.endpoint.id}`}>{acme.endpoint.name}</Link> : <strong>{acme.endpoint.name}</strong>}{" "}
      to the account{" "}
      {mayManage ? (
        <Link href={`/acme-endpoints/${acme.endpoint.id}#account-${acme.account.id}`}>{acme.account.label}</Link>
      ) : (
        acme.account.label
      )}
      {acme.account.status !== "valid" && ` (${acme.account.status})`}, order{" "}
      {mayManage ? (
        <Link href={`/acme-endpoints/${acme.endpoint.id}/orders/${acme.order.id}`}>
          of {acme.order.createdAt.toISOString().slice(0, 16).replace("T", " ")} UTC
        </Link>
      ) : (
        `of ${acme.order.createdAt.toISOString().slice(0, 16).replace("T", " ")} UTC`
      )}
      , profile {acme.order.profile}. Its client renews it on its own.
    </p>
  );
}
