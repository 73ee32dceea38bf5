/**
 * Does a pasted chain verify, for a host name, against given trust anchors? And if not, why, in
 * the words of the errors people meet: unknown authority (which covers a missing intermediate),
 * name mismatch, expired, wrong usage, broken order. Node's X509Certificate does the cryptography.
 */
import { X509Certificate } from "node:crypto";
import { isIP } from "node:net";
import { EKU } from "../oids";

export type ChainProblem = "UNKNOWN_AUTHORITY" | "HOSTNAME_MISMATCH" | "EXPIRED" | "NOT_YET_VALID" | "WRONG_USAGE" | "BROKEN_ORDER";

export interface ChainLink {
  subject: string;
  source: "pasted" | "trust anchor";
}

export interface ChainResult {
  ok: boolean;
  code?: ChainProblem;
  explanation: string;
  path: ChainLink[];
  /** For UNKNOWN_AUTHORITY: the subject of the issuer nobody supplied. */
  missingIssuer?: string;
}

export interface Anchor {
  der: Uint8Array;
  /** "cadesk CA «Acme Root»" or "the root you pasted". */
  name: string;
}

const SERVER_AUTH = EKU.serverAuth;

/** Whether a certificate (DER) says CA:TRUE. */
export function isCaCertificate(der: Uint8Array): boolean {
  return new X509Certificate(Buffer.from(der)).ca;
}
/** Node prints a DN one attribute a line; people read it on one. An empty DN is undefined there. */
export const oneLine = (dn: string | undefined) => (dn ?? "").split("\n").join(", ");
const issuedBy = (child: X509Certificate, parent: X509Certificate) => child.checkIssued(parent) && child.verify(parent.publicKey);

export function verifyChain(pasted: Uint8Array[], anchors: Anchor[], hostname: string | undefined, now = new Date()): ChainResult {
  const certs = pasted.map((der) => new X509Certificate(Buffer.from(der)));
  const trusted = anchors.map((a) => ({ cert: new X509Certificate(Buffer.from(a.der)), name: a.name }));
  // The leaf is the certificate that issued none of the others, wherever it was pasted.
  const leaf = certs.find((c) => !certs.some((other) => other !== c && issuedBy(other, c))) ?? certs[0]!;
  const path: ChainLink[] = [{ subject: oneLine(leaf.subject), source: "pasted" }];
  const fail = (code: ChainProblem, explanation: string): ChainResult => ({ ok: false, code, explanation, path });

  // Walk up from the leaf: a trust anchor ends the path; otherwise the next pasted issuer.
  let current = leaf;
  const used = new Set<X509Certificate>([leaf]);
  const chainCerts: X509Certificate[] = [leaf];
  let anchorName: string | undefined;
  for (let depth = 0; depth < 10 && !anchorName; depth++) {
    const anchor = trusted.find((t) => issuedBy(current, t.cert));
    if (anchor) {
      anchorName = anchor.name;
      if (!(current.fingerprint256 === anchor.cert.fingerprint256)) {
        path.push({ subject: oneLine(anchor.cert.subject), source: "trust anchor" });
        chainCerts.push(anchor.cert);
      }
      break;
    }
    const next = certs.find((c) => !used.has(c) && issuedBy(current, c));
    if (!next) {
      const selfSigned = current.checkIssued(current);
      if (selfSigned) {
        return fail(
          "UNKNOWN_AUTHORITY",
          `The chain ends at the root "${oneLine(current.subject)}", which is not trusted here. A client must have this root in its trust store (or pick the right CA as trust anchor) to accept the certificate: "certificate signed by unknown authority".`,
        );
      }
      const missing = oneLine(current.issuer);
      const known = trusted.length ? " None of the trust anchors issued it either." : "";
      // Whether the absent issuer is an intermediate or a root cannot be told from here: say both.
      return {
        ...fail(
          "UNKNOWN_AUTHORITY",
          `Nothing here issued "${oneLine(current.subject)}": its issuer "${missing}" is missing.${known} If "${missing}" is an intermediate CA, the server must send it after its own certificate (serve the fullchain file); if it is a root, the client must trust it.`,
        ),
        missingIssuer: missing,
      };
    }
    used.add(next);
    chainCerts.push(next);
    path.push({ subject: oneLine(next.subject), source: "pasted" });
    current = next;
  }
  if (!anchorName) return fail("UNKNOWN_AUTHORITY", "The chain is longer than 10 certificates or loops; no trust anchor was reached.");

  for (const cert of chainCerts) {
    const from = new Date(cert.validFrom);
    const to = new Date(cert.validTo);
    const who = cert === leaf ? "The certificate" : `The CA certificate "${oneLine(cert.subject)}"`;
    if (to < now)
      return fail(
        "EXPIRED",
        `${who} expired on ${to.toISOString().slice(0, 10)}. Renew it; clients reject it with "certificate has expired".`,
      );
    if (from > now)
      return fail(
        "NOT_YET_VALID",
        `${who} is not valid until ${from.toISOString().replace("T", " ").slice(0, 16)} UTC ("certificate is not yet valid"). Check the issuing machine's clock.`,
      );
  }
  for (const ca of chainCerts.slice(1)) {
    if (!ca.ca)
      return fail(
        "WRONG_USAGE",
        `"${oneLine(ca.subject)}" signed the certificate below it but is not a CA (CA:FALSE): clients refuse such chains.`,
      );
  }
  if (leaf.keyUsage && !leaf.keyUsage.includes(SERVER_AUTH) && !leaf.keyUsage.includes(EKU.any) && hostname) {
    return fail(
      "WRONG_USAGE",
      `The certificate's Extended Key Usage (${leaf.keyUsage.join(", ")}) lacks serverAuth, so TLS clients refuse it as a server certificate. Reissue it with the TLS server or server+client profile.`,
    );
  }
  if (hostname) {
    const matches = isIP(hostname) ? leaf.checkIP(hostname) : leaf.checkHost(hostname, { subject: "never" });
    if (!matches) {
      const names = leaf.subjectAltName ?? "";
      const explanation = names
        ? `The certificate is valid for ${names}, not for "${hostname}" ("certificate is not valid for any names" / "doesn't match"). Connect with one of those names or reissue it with "${hostname}" in the SANs.`
        : `The certificate has no Subject Alternative Names, only the Common Name, which modern clients ignore. Reissue it with "${hostname}" in the SANs.`;
      return fail("HOSTNAME_MISMATCH", explanation);
    }
  }
  // Every pasted certificate must be the issuer of the one before it, as TLS servers send them.
  if (certs[0] !== leaf) {
    return fail(
      "BROKEN_ORDER",
      `The chain verifies, but the leaf "${oneLine(leaf.subject)}" is not first. Servers must send their own certificate first, then each issuer in turn; clients may reject other orders.`,
    );
  }
  for (let i = 1; i < certs.length; i++) {
    if (!issuedBy(certs[i - 1]!, certs[i]!)) {
      return fail(
        "BROKEN_ORDER",
        `The chain verifies, but not in the order pasted: certificate ${i + 1} ("${oneLine(certs[i]!.subject)}") did not issue certificate ${i}. Servers must send the leaf first, then each issuer in turn; some clients give up otherwise.`,
      );
    }
  }
  return { ok: true, explanation: `Verified up to ${anchorName}${hostname ? `, valid for "${hostname}"` : ""}.`, path };
}
