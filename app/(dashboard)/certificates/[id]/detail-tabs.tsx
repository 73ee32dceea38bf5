import type { CertificateDetail } from "@/lib/data/certificates";
import { PROFILE_SPECS, type LeafProfile } from "@/lib/pki/profiles-data";
import { fileBaseName } from "@/lib/services/export-certificate";
import { PemAndText } from "../../../ui/pem-and-text";
import { UsageSnippets } from "../../../ui/usage-snippets";

/** The long parts (set-ups, text view, PEM) as tabs, below what people come for. */
export function DetailTabs({ cert }: { cert: CertificateDetail }) {
  const base = fileBaseName(cert.commonName, cert.serialHex);
  const profile = PROFILE_SPECS[cert.profile as LeafProfile];
  const { sans } = cert.summary;
  const host =
    sans
      .find((s) => s.startsWith("DNS:"))
      ?.slice(4)
      .replace(/^\*\./, "www.") ??
    sans.find((s) => s.startsWith("IP:"))?.slice(3) ??
    (cert.commonName || "service.internal");
  const secretName =
    base
      .replace(/[^a-z0-9-]/gi, "-")
      .toLowerCase()
      .replace(/^-+|-+$/g, "")
      .slice(0, 50) + "-tls";
  return (
    <PemAndText
      pem={cert.certificatePem}
      text={cert.text}
      label="Use it, text view and PEM"
      before={[
        {
          id: "use",
          label: "Use it",
          content: (
            <UsageSnippets
              base={base}
              host={host}
              isServer={profile?.needsHostName ?? true}
              isClient={cert.profile !== "server"}
              secretName={secretName}
            />
          ),
        },
      ]}
    />
  );
}
