/**
 * Name constraints (RFC 5280 4.2.1.10) on cadesk's CAs: written as a critical extension when a CA
 * is created, read back from any CA certificate (created or imported), and enforced before
 * cadesk signs, for the whole chain: a name must lie inside every permitted subtree of its form
 * and outside every excluded one, of the issuing CA and of each parent (6.1.3 (b)-(c)). Matching is
 * lib/verify's (subtreeRelation), the same code that judges chains on the Inspect page.
 */
import type { Authority } from "@/generated/prisma/client";
import { authorityChain } from "../data/find";
import { AppError } from "../errors";
import { x509 } from "../pki/crypto-provider";
import { parseDer } from "../pki/der";
import type { San } from "../pki/names";
import { EXTENSION } from "../pki/oids";
import { readPemOrDer } from "../pki/pem";
import { parseCertificate, type NameConstraints } from "../verify/certificate";
import { ipBytes, parseName, subtreeRelation, type GeneralName } from "../verify/names";
import { FORM_LABELS, subtreeNames, subtreesOf, subtreeText, type NameConstraintsSpec, type Subtrees } from "./subtrees";

// --- DER, the few shapes the extension needs (X.690) ---
function tlv(tag: number, content: Uint8Array): Uint8Array {
  const n = content.length;
  const len = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : n < 0x10000 ? [0x82, n >> 8, n & 0xff] : [0x83, n >> 16, (n >> 8) & 0xff, n & 0xff];
  const out = new Uint8Array(1 + len.length + n);
  out[0] = tag;
  out.set(len, 1);
  out.set(content, 1 + len.length);
  return out;
}
const concat = (parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) out.set(p, (at += p.length) - p.length);
  return out;
};
const ascii = (s: string) => new TextEncoder().encode(s);

/** GeneralName with the context tags of RFC 5280 4.2.1.6 (implicit: rfc822Name [1], dNSName [2], URI [6], iPAddress [7]). */
function generalNameDer(name: GeneralName): Uint8Array {
  switch (name.type) {
    case "email":
      return tlv(0x81, ascii(name.value));
    case "dns":
      return tlv(0x82, ascii(name.value));
    case "uri":
      return tlv(0x86, ascii(name.value));
    case "ip":
      return tlv(0x87, name.bytes!);
    default:
      throw new Error(`cadesk writes no ${name.type} subtrees`);
  }
}

/**
 * NameConstraints ::= SEQUENCE { permittedSubtrees [0] GeneralSubtrees OPTIONAL, excludedSubtrees [1] ... },
 * each GeneralSubtree a SEQUENCE holding only its base (minimum 0 is the DEFAULT, so DER omits it;
 * maximum MUST be absent).
 */
export function nameConstraintsDer(spec: NameConstraintsSpec): Uint8Array {
  const subtrees = (tag: number, list: GeneralName[]) =>
    list.length ? [tlv(tag, concat(list.map((n) => tlv(0x30, generalNameDer(n)))))] : [];
  return tlv(0x30, concat([...subtrees(0xa0, subtreeNames(spec.permitted)), ...subtrees(0xa1, subtreeNames(spec.excluded))]));
}

/** The extension for a new CA certificate: critical, as RFC 5280 4.2.1.10 requires of conforming CAs. */
export function nameConstraintsExtension(spec: NameConstraintsSpec): x509.Extension {
  return new x509.Extension(EXTENSION.nameConstraints, true, new Uint8Array(nameConstraintsDer(spec)));
}

/** A CA's constraints as the API and the CA page show them (DN subtrees of imported CAs included). */
export interface AuthorityNameConstraints {
  permitted: Subtrees & { dn?: string[] };
  excluded: Subtrees & { dn?: string[] };
  critical: boolean;
}

const parsedCache = new Map<string, NameConstraints | null>();

/** The Name Constraints of a CA certificate, read once per certificate (they never change). */
export function constraintsOfCertificate(
  authority: Pick<Authority, "fingerprintSha256" | "certificatePem" | "commonName">,
): NameConstraints | null {
  const cached = parsedCache.get(authority.fingerprintSha256);
  if (cached !== undefined) return cached;
  let nc: NameConstraints | null;
  try {
    nc = parseCertificate(readPemOrDer(authority.certificatePem, ["CERTIFICATE"], "certificate")).nameConstraints ?? null;
  } catch (error) {
    throw new AppError(
      "INTERNAL",
      `The certificate of the CA "${authority.commonName}" cannot be read to find its name constraints (${(error as Error).message}); re-import it.`,
    );
  }
  if (parsedCache.size > 1000) parsedCache.clear();
  parsedCache.set(authority.fingerprintSha256, nc);
  return nc;
}

export function presentNameConstraints(
  authority: Pick<Authority, "fingerprintSha256" | "certificatePem" | "commonName">,
): AuthorityNameConstraints | null {
  const nc = constraintsOfCertificate(authority);
  if (!nc) return null;
  const critical = parseCertificate(readPemOrDer(authority.certificatePem, ["CERTIFICATE"], "certificate")).nameConstraints!.critical;
  return { permitted: subtreesOf(nc.permitted), excluded: subtreesOf(nc.excluded), critical };
}

/** One CA of a chain with the constraints it imposes. */
export interface ConstraintSource {
  authority: Pick<Authority, "id" | "commonName">;
  constraints: NameConstraints;
}

/**
 * The constraints of a CA and of every parent above it, nearest first; CAs without any are left
 * out. `chain` is the CA's chain when the caller has it (the issuance pipeline's cached one).
 */
export async function chainConstraints(authorityId: string, chain?: Authority[]): Promise<ConstraintSource[]> {
  chain ??= await authorityChain(authorityId);
  return chain.flatMap((a) => {
    const constraints = constraintsOfCertificate(a);
    return constraints ? [{ authority: { id: a.id, commonName: a.commonName }, constraints }] : [];
  });
}

/** A name the constraints refuse, with the message that names the name, the subtree and the CA. */
export interface NameViolation {
  name: string;
  constraint: string;
  authority: string;
  message: string;
}

const describe = (n: GeneralName) =>
  n.type === "dn" ? `subject "${n.value}"` : `${FORM_LABELS[n.type as keyof typeof FORM_LABELS] ?? n.type} name "${n.value}"`;

/** A SAN as lib/verify's GeneralName. */
export function sanAsGeneralName(san: San): GeneralName {
  if (san.type === "ip") {
    const bytes = ipBytes(san.value);
    return { type: "ip", value: san.value, bytes, wellFormed: !!bytes };
  }
  return { type: san.type, value: san.type === "dns" ? san.value.toLowerCase() : san.value, wellFormed: true };
}

/** The subject DN of a certificate to be, for directoryName constraints (imported CAs may carry them). */
export function subjectAsGeneralName(subject: x509.Name): GeneralName | undefined {
  const dn = parseName(parseDer(new Uint8Array(subject.toArrayBuffer())));
  return dn.empty ? undefined : { type: "dn", value: dn.text, dn, wellFormed: true };
}

/**
 * The first name that some CA of the chain does not allow, or undefined. Excluded subtrees win
 * over permitted ones (6.1.4 (g)-(h)); a wildcard that merely overlaps an excluded subtree is
 * refused, as lib/verify does (a client would accept "*.example.com" for a name inside it).
 */
export function findNameViolation(names: GeneralName[], sources: ConstraintSource[]): NameViolation | undefined {
  for (const source of sources) {
    const { permitted, excluded } = source.constraints;
    const ca = source.authority.commonName;
    for (const name of names) {
      const ex = excluded.filter((c) => c.type === name.type).find((c) => subtreeRelation(name, c) !== "out");
      if (ex) {
        const constraint = `excluded ${FORM_LABELS[ex.type as keyof typeof FORM_LABELS] ?? ex.type} subtree "${subtreeText(ex)}"`;
        return {
          name: name.value,
          constraint,
          authority: ca,
          message: `The ${describe(name)} is not allowed: the CA "${ca}" excludes the ${ex.type === "dn" ? "directory" : FORM_LABELS[ex.type as keyof typeof FORM_LABELS]} subtree "${subtreeText(ex)}" in its name constraints (RFC 5280 4.2.1.10), so clients would refuse the certificate. Remove that name, or issue it from a CA whose constraints allow it.`,
        };
      }
      const ofForm = permitted.filter((c) => c.type === name.type);
      if (ofForm.length && !ofForm.some((c) => subtreeRelation(name, c) === "in")) {
        const list = ofForm.map((c) => `"${subtreeText(c)}"`).join(", ");
        return {
          name: name.value,
          constraint: `permitted ${FORM_LABELS[name.type as keyof typeof FORM_LABELS] ?? name.type} subtrees ${list}`,
          authority: ca,
          message: `The ${describe(name)} is not allowed: the CA "${ca}" permits only ${list} for ${name.type === "dn" ? "subjects" : `${FORM_LABELS[name.type as keyof typeof FORM_LABELS]} names`} in its name constraints (RFC 5280 4.2.1.10), so clients would refuse the certificate. Use a name inside ${ofForm.length === 1 ? "that subtree" : "those subtrees"}, or issue it from another CA.`,
        };
      }
    }
  }
  return undefined;
}

/** Refuses with NAME_NOT_ALLOWED when the chain's constraints do not allow every name. */
export function assertNamesAllowed(names: GeneralName[], sources: ConstraintSource[], field = "sans"): void {
  const violation = findNameViolation(names, sources);
  if (violation) throw new AppError("NAME_NOT_ALLOWED", violation.message, field);
}

/**
 * A new intermediate under a constrained chain: its subject must pass the chain's directoryName
 * constraints, and every subtree it would permit must lie inside what the chain permits and
 * outside what it excludes; a wider subtree would be ignored by clients (constraints only ever
 * narrow, 6.1.4 (g)) and only mislead whoever reads the certificate.
 */
export function assertChildConstraintsAllowed(
  subject: x509.Name,
  child: NameConstraintsSpec | undefined,
  sources: ConstraintSource[],
): void {
  const dn = subjectAsGeneralName(subject);
  if (dn) assertNamesAllowed([dn], sources, "commonName");
  for (const base of subtreeNames(child?.permitted)) {
    for (const source of sources) {
      const ca = source.authority.commonName;
      const ex = source.constraints.excluded.find((c) => c.type === base.type && subtreeWithin(base, c));
      if (ex)
        throw new AppError(
          "NAME_NOT_ALLOWED",
          `The permitted ${FORM_LABELS[base.type as keyof typeof FORM_LABELS]} subtree "${base.value}" lies inside the subtree "${subtreeText(ex)}" that the CA "${ca}" excludes: nothing in it could be issued. Remove it.`,
          `nameConstraints.permitted.${base.type}`,
        );
      const ofForm = source.constraints.permitted.filter((c) => c.type === base.type);
      if (ofForm.length && !ofForm.some((c) => subtreeWithin(base, c)))
        throw new AppError(
          "NAME_NOT_ALLOWED",
          `The permitted ${FORM_LABELS[base.type as keyof typeof FORM_LABELS]} subtree "${base.value}" is wider than, or outside, what the parent CA "${ca}" permits (${ofForm.map((c) => `"${subtreeText(c)}"`).join(", ")}): an intermediate can only narrow its parent's name constraints. Choose a subtree inside them.`,
          `nameConstraints.permitted.${base.type}`,
        );
    }
  }
}

/** Whether subtree `inner` lies entirely inside subtree `outer` (same form). */
function subtreeWithin(inner: GeneralName, outer: GeneralName): boolean {
  switch (inner.type) {
    case "dns":
      return subtreeRelation(inner, outer) === "in";
    case "ip": {
      const a = inner.bytes!;
      const b = outer.bytes!;
      if (a.length !== b.length) return false;
      const half = a.length / 2;
      for (let i = 0; i < half; i++) {
        if ((a[half + i]! & b[half + i]!) !== b[half + i]!) return false; // inner's mask at least as long
        if ((a[i]! & b[half + i]!) !== (b[i]! & b[half + i]!)) return false;
      }
      return true;
    }
    case "email":
    case "uri": {
      // Compare hosts: a mailbox or host is within a host or a ".domain"; a ".domain" only within a wider ".domain".
      const host = (v: string) => v.slice(v.lastIndexOf("@") + 1).toLowerCase();
      const i = host(inner.value);
      const o = outer.value.toLowerCase();
      if (outer.value.includes("@")) return inner.value === outer.value;
      if (o.startsWith(".")) return i.endsWith(o);
      return !i.startsWith(".") && i === o;
    }
    default:
      return false;
  }
}
