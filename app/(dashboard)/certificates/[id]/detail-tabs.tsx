import type { CertificateDetail } from "@/lib/data/certificates";
import { fileBaseName } from "@/lib/services/export-certificate";
import { snippetParamsFor } from "@/lib/snippets";
import { PemAndText } from "../../../ui/pem-and-text";
import { UsageSnippets } from "../../../ui/usage-snippets";

/** The long parts (set-ups, text view, PEM) as tabs, below what people come for. */
export function DetailTabs({ cert }: { cert: CertificateDetail }) {
  const params = snippetParamsFor({
    base: fileBaseName(cert.commonName, cert.serialHex),
    commonName: cert.commonName,
    sans: cert.summary.sans,
    profile: cert.profile,
  });
  return (
    <PemAndText
      pem={cert.certificatePem}
      text={cert.text}
      label="Use it, text view and PEM"
      before={[{ id: "use", label: "Use it", content: <UsageSnippets {...params} /> }]}
    />
  );
}
