/**
 * One pasted certificate, read once for everything Inspect shows about it. @peculiar/x509's
 * reading costs 1-7 ms a certificate on this machine (and hundreds for a leaf with thousands of
 * names, x509-limbo's pathological::nc-dos-*), cadesk's own DER reader (lib/verify) a tenth of
 * that, and the key description a KeyObject: the summary, the lints and the chain verdict each
 * used to make their own, so a 100-certificate chain was read 400 times. Each reading here is
 * made on first use and kept, failures included (a part @peculiar/x509 refuses is refused once).
 */
import { createHash } from "node:crypto";
import { x509 } from "../crypto-provider";
import { describePublicKey, type PublicKeyInfo } from "../keys";
import type { Bytes } from "../pem";
import { parseCertificate, type ParsedCertificate } from "../../verify";

type Outcome<T> = { value: T } | { error: unknown };

function memo<T>(read: () => T): () => T {
  let outcome: Outcome<T> | undefined;
  return () => {
    if (!outcome) {
      try {
        outcome = { value: read() };
      } catch (error) {
        outcome = { error };
      }
    }
    if ("error" in outcome) throw outcome.error;
    return outcome.value;
  };
}

/**
 * Key descriptions by SubjectPublicKeyInfo: describing one makes a KeyObject (0.3-0.5 ms for
 * RSA), and a pasted chain often repeats a key (a re-issued CA, limbo's same-key chains).
 * Bounded: a paste holds at most a few hundred certificates.
 */
const described = new Map<string, PublicKeyInfo>();
function describedKey(spki: Uint8Array): PublicKeyInfo {
  const id = Buffer.from(spki).toString("base64");
  let info = described.get(id);
  if (!info) {
    if (described.size >= 512) described.clear();
    info = describePublicKey(spki);
    described.set(id, info);
  }
  return info;
}

export class PastedCertificate {
  constructor(readonly der: Bytes) {}

  /** @peculiar/x509's reading; throws (every time) what its constructor threw. */
  readonly x509 = memo(() => new x509.X509Certificate(this.der));

  /** lib/verify's reading, the one the chain verdict uses; throws CertificateParseError. */
  readonly parsed = memo((): ParsedCertificate => parseCertificate(this.der));

  /** The key as the summary and the lints describe it (from @peculiar/x509's SubjectPublicKeyInfo). */
  readonly key = memo((): PublicKeyInfo => describedKey(new Uint8Array(this.x509().publicKey.rawData)));

  /** Lower-case hex fingerprints of the DER (what getThumbprint computes, without WebCrypto's thread pool round trip). */
  readonly sha256 = memo(() => createHash("sha256").update(this.der).digest("hex"));
  readonly sha1 = memo(() => createHash("sha1").update(this.der).digest("hex"));
}
