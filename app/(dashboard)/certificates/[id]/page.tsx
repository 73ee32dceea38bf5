import { requireUser } from "@/lib/auth/request";
import { can } from "@/lib/auth/roles";
import { returnsKeyToCaller } from "@/lib/issuance/key-delivery";
import { notFound } from "next/navigation";
import type { Metadata } from "next";
import { getCertificate } from "@/lib/data/certificates";
import { certificateHistory } from "@/lib/data/certificate-history";
import { AcmeOrigin } from "../../acme-endpoints/certificate-origin";
import { CertificateHeader } from "./certificate-header";
import { DetailTabs } from "./detail-tabs";
import { Downloads } from "./downloads";
import { History } from "./history";
import { Lifecycle } from "./lifecycle";
import { LifetimeNotices } from "./lifetime-notices";
import { RenewalLinks } from "./renewal-links";
import { RevokedBanner } from "./revoked-banner";
import { SummaryAndChain } from "./summary-and-chain";

export const metadata: Metadata = { title: "Certificate" };

/** One certificate: what it is and whether to trust it first, then its files and actions, then the long views as tabs. */
export default async function CertificatePage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<{ issued?: string }>;
}) {
  const [{ id }, { issued }] = await Promise.all([params, searchParams]);
  const [user, cert, history] = await Promise.all([requireUser(), getCertificate(id), certificateHistory(id)]);
  if (!cert || !history) notFound();
  const role = user.role!;
  return (
    <div className="space-y-6">
      <CertificateHeader cert={cert} issued={!!issued} />
      <RevokedBanner revokedAt={cert.revokedAt} reason={cert.revocationReason} authorityId={cert.authorityId} />
      <RenewalLinks cert={cert} />
      <AcmeOrigin certificateId={cert.id} mayManage={can(role, "manage_cas")} />
      <LifetimeNotices cert={cert} />
      <SummaryAndChain
        cert={cert}
        actions={
          can(role, "issue") && (
            <Lifecycle
              id={cert.id}
              revoked={cert.status === "revoked"}
              onHold={cert.revocationReason === "certificateHold"}
              newKeyShownOnce={cert.source === "generated" && returnsKeyToCaller("form", cert.hasKey, role)}
            />
          )
        }
      />
      <History history={history} />
      <Downloads cert={cert} mayExportKey={can(role, "export_keys")} />
      <DetailTabs cert={cert} />
    </div>
  );
}
