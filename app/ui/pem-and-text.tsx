import { PemBlock } from "./pem-block";
import { Tabs, type Tab } from "./tabs";

/**
 * A certificate's OpenSSL-style text view and its PEM as tabs in one full-width card (the text
 * view needs the width for OpenSSL's lines), after any `before` tabs the page adds.
 */
export function PemAndText({
  pem,
  text,
  before = [],
  label = "Certificate details",
}: {
  pem: string;
  text: string;
  before?: Tab[];
  label?: string;
}) {
  return (
    <section className="card" aria-label={label}>
      <Tabs
        label={label}
        tabs={[
          ...before,
          { id: "text", label: "Text view", content: <PemBlock title="Text (openssl x509 -text -noout)" text={text} tall /> },
          { id: "pem", label: "PEM", content: <PemBlock title="Certificate (PEM)" text={pem} tall /> },
        ]}
      />
    </section>
  );
}
