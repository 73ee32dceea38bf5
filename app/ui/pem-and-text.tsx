import { PemBlock } from "./pem-block";

/** A certificate's PEM beside its OpenSSL-style text view, each with a copy button. */
export function PemAndText({ pem, text }: { pem: string; text: string }) {
  return (
    <section className="grid gap-6 xl:grid-cols-2">
      <div className="card min-w-0">
        <PemBlock title="Certificate (PEM)" text={pem} />
      </div>
      <div className="card min-w-0">
        <PemBlock title="Text (openssl x509 -text -noout)" text={text} />
      </div>
    </section>
  );
}
