/**
 * Path-validation cases made here, one or more per rule family of lib/verify (the families
 * x509-limbo covers), each with the verdict RFC 5280 (or the CA/Browser Forum, in WebPKI-strict
 * mode) requires. Certificates are built with @peculiar/x509 and node:crypto; extensions
 * @peculiar/x509 has no class for (name constraints, unknown ones) are DER-encoded by hand below.
 */
import { generateKeyPairSync, KeyObject, sign, webcrypto } from "node:crypto";
import { x509 } from "../pki/crypto-provider";
import { children, parseDer } from "../pki/der";
import type { Purpose, VerifyCode, VerifyMode } from "../verify";

export interface VerifyCase {
  id: string;
  family: string;
  leaf: Uint8Array;
  intermediates: Uint8Array[];
  anchors: Uint8Array[];
  hostname?: string;
  purpose: Purpose;
  mode: VerifyMode;
  time: Date;
  /** "ok", or the code the verdict must carry. */
  expect: "ok" | VerifyCode;
}

// --- a minimal DER writer for the extensions @peculiar/x509 does not build ---
function len(n: number): number[] {
  if (n < 0x80) return [n];
  const out: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) out.unshift(v & 0xff);
  return [0x80 | out.length, ...out];
}
const tlv = (tag: number, ...parts: Uint8Array[]) => {
  const body = Buffer.concat(parts);
  return new Uint8Array([tag, ...len(body.length), ...body]);
};
const ascii = (s: string) => new Uint8Array(Buffer.from(s, "latin1"));
const nameDer = (dn: string) => new Uint8Array(new x509.Name(dn).toArrayBuffer());

type Subtree = { dns: string } | { ip: string } | { email: string } | { uri: string } | { dn: string };
function generalName(s: Subtree): Uint8Array {
  if ("dns" in s) return tlv(0x82, ascii(s.dns));
  if ("email" in s) return tlv(0x81, ascii(s.email));
  if ("uri" in s) return tlv(0x86, ascii(s.uri));
  if ("dn" in s) return tlv(0xa4, nameDer(s.dn));
  const [addr, prefix] = s.ip.split("/");
  const bytes = addr!.includes(":") ? ipv6(addr!) : addr!.split(".").map(Number);
  const bits = Number(prefix);
  const mask = bytes.map((_, i) => (bits >= (i + 1) * 8 ? 0xff : bits <= i * 8 ? 0 : (0xff << (8 - (bits - i * 8))) & 0xff));
  return tlv(0x87, new Uint8Array([...bytes, ...mask]));
}
function ipv6(a: string): number[] {
  const [h, t] = a.split("::");
  const words = [
    ...(h ? h.split(":") : []),
    ...Array(8 - (h ? h.split(":").length : 0) - (t ? t.split(":").length : 0)).fill("0"),
    ...(t ? t.split(":") : []),
  ];
  return words.flatMap((w) => [parseInt(w, 16) >> 8, parseInt(w, 16) & 0xff]);
}
/** NameConstraints (RFC 5280 4.2.1.10), critical unless said otherwise. */
function nameConstraints(permitted: Subtree[], excluded: Subtree[] = [], critical = true): x509.Extension {
  const subtrees = (tag: number, list: Subtree[]) => (list.length ? [tlv(tag, ...list.map((s) => tlv(0x30, generalName(s))))] : []);
  return new x509.Extension("2.5.29.30", critical, tlv(0x30, ...subtrees(0xa0, permitted), ...subtrees(0xa1, excluded)));
}
const ANY_POLICY = "2.5.29.32.0";
function oidDer(oid: string): Uint8Array {
  const [a, b, ...rest] = oid.split(".").map(Number);
  const bytes = [a! * 40 + b!];
  for (const arc of rest) {
    const group = [arc & 0x7f];
    for (let v = arc >>> 7; v > 0; v >>>= 7) group.unshift(0x80 | (v & 0x7f));
    bytes.push(...group);
  }
  return tlv(0x06, new Uint8Array(bytes));
}
/** PolicyConstraints (RFC 5280 4.2.1.11), critical as it must be. */
function policyConstraints(pc: { requireExplicitPolicy?: number; inhibitPolicyMapping?: number }, critical = true): x509.Extension {
  const fields = [
    ...(pc.requireExplicitPolicy !== undefined ? [tlv(0x80, new Uint8Array([pc.requireExplicitPolicy]))] : []),
    ...(pc.inhibitPolicyMapping !== undefined ? [tlv(0x81, new Uint8Array([pc.inhibitPolicyMapping]))] : []),
  ];
  return new x509.Extension("2.5.29.36", critical, tlv(0x30, ...fields));
}
/** PolicyMappings (RFC 5280 4.2.1.5): [issuerDomainPolicy, subjectDomainPolicy] pairs, critical. */
const policyMappings = (pairs: [string, string][]) =>
  new x509.Extension("2.5.29.33", true, tlv(0x30, ...pairs.map(([from, to]) => tlv(0x30, oidDer(from), oidDer(to)))));
/** InhibitAnyPolicy (RFC 5280 4.2.1.14), critical as it must be. */
const inhibitAnyPolicy = (skip: number) => new x509.Extension("2.5.29.54", true, tlv(0x02, new Uint8Array([skip])));

/** An extension no verifier knows (x509-limbo uses the same private arc idea). */
const unknownCritical = () => new x509.Extension("1.3.6.1.4.1.55738.666.1", true, tlv(0x05));

// --- keys ---
type Keys = { publicKey: CryptoKey | x509.PublicKey; privateKey?: CryptoKey };
const P256 = { name: "ECDSA", namedCurve: "P-256" } as const;
const SIG = { name: "ECDSA", hash: "SHA-256" } as const;
export async function ecKey(): Promise<Keys & { privateKey: CryptoKey; publicKey: CryptoKey }> {
  return (await webcrypto.subtle.generateKey(P256, true, ["sign", "verify"])) as unknown as CryptoKeyPair;
}
async function rsaKey(bits: number): Promise<Keys> {
  return (await webcrypto.subtle.generateKey(
    { name: "RSASSA-PKCS1-v1_5", modulusLength: bits, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
    true,
    ["sign", "verify"],
  )) as unknown as CryptoKeyPair;
}
/** Keys WebCrypto cannot make (P-192, DSA): only their public half goes into a certificate. */
function nodePublicKey(type: "dsa" | "p192"): Keys {
  const { publicKey } =
    type === "dsa"
      ? generateKeyPairSync("dsa", { modulusLength: 2048, divisorLength: 256 })
      : generateKeyPairSync("ec", { namedCurve: "prime192v1" });
  return { publicKey: new x509.PublicKey(new Uint8Array(publicKey.export({ type: "spki", format: "der" }))) };
}

export interface Issuer {
  cert: x509.X509Certificate;
  keys: { privateKey: CryptoKey; publicKey: CryptoKey };
}

interface Spec {
  subject: string;
  /** Absent: self-signed with `keys`. */
  issuer?: Issuer;
  keys: Keys;
  /** The issuer's name to write, when it differs from issuer.cert.subject (forged names). */
  issuerName?: string;
  ca?: { pathLen?: number; critical?: boolean };
  /** Leaf basicConstraints CA:FALSE present. */
  leafBc?: boolean;
  ku?: number;
  eku?: string[];
  san?: x509.JsonGeneralName[];
  extra?: x509.Extension[];
  serial?: string;
  notBefore?: Date;
  notAfter?: Date;
  aki?: boolean;
  ski?: boolean;
}

const KU = x509.KeyUsageFlags;
const SERVER = "1.3.6.1.5.5.7.3.1";
const CLIENT = "1.3.6.1.5.5.7.3.2";
let serialCounter = 1;

async function make(spec: Spec): Promise<x509.X509Certificate> {
  const extensions: x509.Extension[] = [];
  if (spec.ca) extensions.push(new x509.BasicConstraintsExtension(true, spec.ca.pathLen, spec.ca.critical ?? true));
  else if (spec.leafBc) extensions.push(new x509.BasicConstraintsExtension(false, undefined, true));
  const ku = spec.ku ?? (spec.ca ? KU.keyCertSign | KU.cRLSign : KU.digitalSignature);
  if (ku) extensions.push(new x509.KeyUsagesExtension(ku, true));
  if (spec.eku) extensions.push(new x509.ExtendedKeyUsageExtension(spec.eku, false));
  if (spec.san) extensions.push(new x509.SubjectAlternativeNameExtension(spec.san, false));
  if (spec.ski ?? !!spec.ca) extensions.push(await x509.SubjectKeyIdentifierExtension.create(spec.keys.publicKey as CryptoKey));
  const issuerKeys = spec.issuer?.keys ?? (spec.keys as Issuer["keys"]);
  if (spec.aki ?? !!spec.issuer) extensions.push(await x509.AuthorityKeyIdentifierExtension.create(issuerKeys.publicKey));
  extensions.push(...(spec.extra ?? []));
  return x509.X509CertificateGenerator.create({
    serialNumber: spec.serial ?? (0x1000 + serialCounter++).toString(16).padStart(16, "0").replace(/^0/, "1"),
    subject: spec.subject,
    issuer: spec.issuerName ?? spec.issuer?.cert.subject ?? spec.subject,
    notBefore: spec.notBefore ?? new Date("2026-01-01T00:00:00Z"),
    notAfter: spec.notAfter ?? new Date("2027-01-01T00:00:00Z"),
    publicKey: spec.keys.publicKey,
    signingKey: issuerKeys.privateKey,
    signingAlgorithm: SIG,
    extensions,
  });
}

/** A CA certificate (self-signed without `issuer`), with its keys. */
export async function ca(subject: string, issuer?: Issuer, opts: Partial<Spec> = {}): Promise<Issuer> {
  const keys = (opts.keys as Issuer["keys"]) ?? (await ecKey());
  return { cert: await make({ subject, issuer, keys, ca: {}, ...opts }), keys };
}

/** A TLS server leaf for app.example.com unless `opts` say otherwise. */
export async function leaf(issuer: Issuer, opts: Partial<Spec> = {}): Promise<x509.X509Certificate> {
  return make({
    subject: "CN=app.example.com",
    issuer,
    keys: opts.keys ?? (await ecKey()),
    eku: [SERVER],
    san: [{ type: "dns", value: "app.example.com" }],
    ...opts,
  });
}

const der = (c: x509.X509Certificate) => new Uint8Array(c.rawData);

/**
 * A certificate with its serial replaced and signed again: @peculiar/x509 turns a zero serial
 * into a random one, and RFC 5280 4.1.2.2 cases need the bytes as given.
 */
function withSerial(cert: x509.X509Certificate, serial: Uint8Array, issuerKey: CryptoKey): x509.X509Certificate {
  const [tbs, alg] = children(parseDer(new Uint8Array(cert.rawData)));
  const fields = children(tbs!);
  const newTbs = tlv(0x30, ...fields.map((f, i) => (i === 1 ? tlv(0x02, serial) : f.der)));
  const signature = sign("sha256", newTbs, { key: KeyObject.from(issuerKey), dsaEncoding: "der" });
  return new x509.X509Certificate(tlv(0x30, newTbs, alg!.der, tlv(0x03, new Uint8Array([0]), signature)));
}

/** Every case, built fresh (keys are random; verdicts are not). */
export async function buildVerifyCases(): Promise<VerifyCase[]> {
  const time = new Date("2026-06-01T00:00:00Z");
  const cases: VerifyCase[] = [];
  const add = (
    family: string,
    id: string,
    expect: VerifyCase["expect"],
    leafCert: x509.X509Certificate,
    intermediates: x509.X509Certificate[],
    anchors: x509.X509Certificate[],
    extra: Partial<Omit<VerifyCase, "leaf" | "intermediates" | "anchors">> = {},
  ) =>
    cases.push({
      id: `${family}::${id}`,
      family,
      leaf: der(leafCert),
      intermediates: intermediates.map(der),
      anchors: anchors.map(der),
      hostname: "app.example.com",
      purpose: "server",
      mode: "private",
      time,
      expect,
      ...extra,
    });

  const root = await ca("CN=Case Root");
  const ica = await ca("CN=Case Issuing", root, { ca: { pathLen: 0 } });

  // Baseline and path building.
  add("path", "good-chain", "ok", await leaf(ica), [ica.cert], [root.cert]);
  add("path", "missing-intermediate", "UNKNOWN_AUTHORITY", await leaf(ica), [], [root.cert]);
  add("path", "untrusted-root", "UNKNOWN_AUTHORITY", await leaf(ica), [ica.cert, root.cert], [(await ca("CN=Other Root")).cert]);
  const ica2 = await ca("CN=Case Issuing 2", root);
  const deep = await ca("CN=Case Deep", ica2, { ca: { pathLen: 0 } });
  add("path", "shuffled-order", "ok", await leaf(deep), [root.cert, deep.cert, ica2.cert], [root.cert]);
  const forged = await make({
    subject: "CN=app.example.com",
    issuer: { cert: ica.cert, keys: await ecKey() },
    keys: await ecKey(),
    eku: [SERVER],
    san: [{ type: "dns", value: "app.example.com" }],
  });
  add("path", "bad-signature", "BAD_SIGNATURE", forged, [ica.cert], [root.cert]);
  // Two CAs that cross-sign each other and no way out: bounded, and no anchor reached.
  const loopA = await ca("CN=Loop A", undefined);
  const loopB = await ca("CN=Loop B", loopA);
  const loopA2 = { cert: await make({ subject: "CN=Loop A", issuer: loopB, keys: loopA.keys, ca: {} }), keys: loopA.keys };
  add("path", "cycle-without-anchor", "UNKNOWN_AUTHORITY", await leaf(loopA2), [loopA2.cert, loopB.cert], [root.cert]);

  // Cross-signs: a new root also signed by the old one; clients trusting either verify.
  const newRoot = await ca("CN=New Root");
  const cross = { cert: await make({ subject: "CN=New Root", issuer: root, keys: newRoot.keys, ca: {} }), keys: newRoot.keys };
  const underNew = await ca("CN=Under New Root", newRoot, { ca: { pathLen: 0 } });
  add("cross-sign", "old-root-trusted", "ok", await leaf(underNew), [underNew.cert, cross.cert], [root.cert]);
  add("cross-sign", "new-root-trusted", "ok", await leaf(underNew), [underNew.cert, cross.cert], [newRoot.cert]);

  // Validity at a chosen time.
  const dated = await leaf(ica, { notBefore: new Date("2030-01-01T00:00:00Z"), notAfter: new Date("2031-01-01T00:00:00Z") });
  const longIca = await ca("CN=Long Issuing", root, { notAfter: new Date("2040-01-01T00:00:00Z"), ca: { pathLen: 0 } });
  const longRoot = await ca("CN=Long Root", undefined, {
    notBefore: new Date("2020-01-01T00:00:00Z"),
    notAfter: new Date("2040-01-01T00:00:00Z"),
  });
  const longIca2 = await ca("CN=Long Issuing", longRoot, {
    keys: longIca.keys,
    notBefore: new Date("2020-01-01T00:00:00Z"),
    notAfter: new Date("2040-01-01T00:00:00Z"),
    ca: { pathLen: 0 },
  });
  const datedLeaf = await leaf(longIca2, { notBefore: new Date("2030-01-01T00:00:00Z"), notAfter: new Date("2031-01-01T00:00:00Z") });
  add("validity", "not-yet-valid", "NOT_YET_VALID", datedLeaf, [longIca2.cert], [longRoot.cert], {
    time: new Date("2029-06-01T00:00:00Z"),
  });
  add("validity", "valid-at-time", "ok", datedLeaf, [longIca2.cert], [longRoot.cert], { time: new Date("2030-06-01T00:00:00Z") });
  add("validity", "expired", "EXPIRED", datedLeaf, [longIca2.cert], [longRoot.cert], { time: new Date("2031-06-01T00:00:00Z") });
  add("validity", "expired-intermediate", "EXPIRED", dated, [ica.cert], [root.cert], { time: new Date("2030-06-01T00:00:00Z") });

  // Basic constraints and path length.
  const rootNonCritical = await ca("CN=Soft Root", undefined, { ca: { critical: false } });
  add("basic-constraints", "root-bc-not-critical", "NOT_A_CA", await leaf(rootNonCritical), [], [rootNonCritical.cert]);
  const notCaKeys = await ecKey();
  const notCa: Issuer = {
    cert: await make({ subject: "CN=Not A CA", issuer: root, keys: notCaKeys, leafBc: true, ski: true }),
    keys: notCaKeys,
  };
  add("basic-constraints", "issuer-not-ca", "NOT_A_CA", await leaf(notCa), [notCa.cert], [root.cert]);
  const pl0 = await ca("CN=Pathlen Zero", root, { ca: { pathLen: 0 } });
  const below = await ca("CN=Below Pathlen Zero", pl0);
  add("path-length", "pathlen-0-exceeded", "PATH_LENGTH", await leaf(below), [below.cert, pl0.cert], [root.cert]);
  const selfIssued = await ca("CN=Pathlen Zero", pl0, { keys: await ecKey() });
  add("path-length", "self-issued-not-counted", "ok", await leaf(selfIssued), [selfIssued.cert, pl0.cert], [root.cert]);
  add("path-length", "ca-as-leaf-private", "ok", ica.cert, [], [root.cert], { hostname: undefined });
  add("path-length", "ca-as-leaf-webpki", "WEBPKI_RULE", ica.cert, [], [root.cert], { hostname: undefined, mode: "webpki" });

  // Key usage and extended key usage for the purpose.
  add(
    "key-usage",
    "leaf-keycertsign",
    "KEY_USAGE",
    await leaf(ica, { ku: KU.digitalSignature | KU.keyCertSign, leafBc: true }),
    [ica.cert],
    [root.cert],
  );
  const noSign = await ca("CN=No CertSign", root, { ku: KU.cRLSign, ca: { pathLen: 0 } });
  add("key-usage", "ca-without-keycertsign", "KEY_USAGE", await leaf(noSign), [noSign.cert], [root.cert]);
  add("eku", "client-cert-as-server", "WRONG_USAGE", await leaf(ica, { eku: [CLIENT] }), [ica.cert], [root.cert]);
  add("eku", "client-cert-as-client", "ok", await leaf(ica, { eku: [CLIENT] }), [ica.cert], [root.cert], {
    purpose: "client",
    hostname: undefined,
  });
  const serverOnlyCa = await ca("CN=Server Only CA", root, { eku: [SERVER], ca: { pathLen: 0 } });
  add("eku", "ca-eku-excludes-client", "WRONG_USAGE", await leaf(serverOnlyCa, { eku: [CLIENT] }), [serverOnlyCa.cert], [root.cert], {
    purpose: "client",
    hostname: undefined,
  });
  add("webpki", "no-eku-private", "ok", await leaf(ica, { eku: undefined }), [ica.cert], [root.cert]);
  add("webpki", "no-eku-webpki", "WEBPKI_RULE", await leaf(ica, { eku: undefined }), [ica.cert], [root.cert], { mode: "webpki" });
  add(
    "webpki",
    "wildcard-public-suffix",
    "WEBPKI_RULE",
    await leaf(ica, { san: [{ type: "dns", value: "*.co.uk" }], subject: "CN=*.co.uk" }),
    [ica.cert],
    [root.cert],
    {
      mode: "webpki",
      hostname: "example.co.uk",
    },
  );
  add("webpki", "no-san-hostname", "HOSTNAME_MISMATCH", await leaf(ica, { san: undefined }), [ica.cert], [root.cert]);
  add("hostname", "mismatch", "HOSTNAME_MISMATCH", await leaf(ica), [ica.cert], [root.cert], { hostname: "other.example.com" });
  add(
    "hostname",
    "wildcard-one-label",
    "ok",
    await leaf(ica, { san: [{ type: "dns", value: "*.example.com" }], subject: "CN=*.example.com" }),
    [ica.cert],
    [root.cert],
  );
  add(
    "hostname",
    "ip-san",
    "ok",
    await leaf(ica, { san: [{ type: "ip", value: "192.0.2.7" }], subject: "CN=192.0.2.7" }),
    [ica.cert],
    [root.cert],
    { hostname: "192.0.2.7" },
  );

  // Unknown critical extensions at each position, and on a certificate off the path.
  add("critical-extension", "leaf", "UNKNOWN_CRITICAL_EXTENSION", await leaf(ica, { extra: [unknownCritical()] }), [ica.cert], [root.cert]);
  const odd = await ca("CN=Odd Issuing", root, { extra: [unknownCritical()], ca: { pathLen: 0 } });
  add("critical-extension", "intermediate", "UNKNOWN_CRITICAL_EXTENSION", await leaf(odd), [odd.cert], [root.cert]);
  const oddRoot = await ca("CN=Odd Root", undefined, { extra: [unknownCritical()] });
  add("critical-extension", "root", "UNKNOWN_CRITICAL_EXTENSION", await leaf(oddRoot), [], [oddRoot.cert]);
  const oddSibling = await ca("CN=Odd Sibling", root, { extra: [unknownCritical()] });
  add("critical-extension", "unrelated-intermediate", "ok", await leaf(ica), [oddSibling.cert, ica.cert], [root.cert]);

  // Profile: key identifiers, serials, keys.
  add("profile", "leaf-missing-aki", "MISSING_KEY_IDENTIFIER", await leaf(ica, { aki: false }), [ica.cert], [root.cert]);
  const noSki = await ca("CN=No SKI", root, { ski: false, ca: { pathLen: 0 } });
  add("profile", "intermediate-missing-ski", "MISSING_KEY_IDENTIFIER", await leaf(noSki, { aki: false }), [noSki.cert], [root.cert]);
  add(
    "profile",
    "serial-zero",
    "MALFORMED_CERTIFICATE",
    withSerial(await leaf(ica), new Uint8Array([0]), ica.keys.privateKey),
    [ica.cert],
    [root.cert],
  );
  add(
    "profile",
    "serial-negative",
    "MALFORMED_CERTIFICATE",
    withSerial(await leaf(ica), new Uint8Array([0xff, 0x01]), ica.keys.privateKey),
    [ica.cert],
    [root.cert],
  );
  add("profile", "serial-21-octets", "MALFORMED_CERTIFICATE", await leaf(ica, { serial: "7f" + "11".repeat(20) }), [ica.cert], [root.cert]);
  add("keys", "rsa-1024-leaf", "WEAK_KEY", await leaf(ica, { keys: await rsaKey(1024) }), [ica.cert], [root.cert]);
  add("keys", "rsa-2048-leaf", "ok", await leaf(ica, { keys: await rsaKey(2048) }), [ica.cert], [root.cert]);
  add("keys", "p192-leaf", "WEAK_KEY", await leaf(ica, { keys: nodePublicKey("p192") }), [ica.cert], [root.cert]);
  add("keys", "dsa-leaf", "WEAK_KEY", await leaf(ica, { keys: nodePublicKey("dsa") }), [ica.cert], [root.cert]);

  // Policy constraints: a CA that requires an explicit policy (RFC 5280 4.2.1.11, 6.1.3 (f)).
  const policy = "1.3.6.1.4.1.55738.1.1";
  const requireExplicit = new x509.Extension("2.5.29.36", true, tlv(0x30, tlv(0x80, new Uint8Array([0]))));
  const policyCa = await ca("CN=Policy Issuing", root, {
    extra: [requireExplicit, new x509.CertificatePolicyExtension([policy])],
    ca: { pathLen: 0 },
  });
  add(
    "policy",
    "explicit-policy-met",
    "ok",
    await leaf(policyCa, { extra: [new x509.CertificatePolicyExtension([policy])] }),
    [policyCa.cert],
    [root.cert],
  );
  add("policy", "explicit-policy-missing", "POLICY", await leaf(policyCa), [policyCa.cert], [root.cert]);
  const softPc = new x509.Extension("2.5.29.36", false, tlv(0x30, tlv(0x80, new Uint8Array([0]))));
  const softPolicyCa = await ca("CN=Soft Policy Issuing", root, {
    extra: [softPc, new x509.CertificatePolicyExtension([policy])],
    ca: { pathLen: 0 },
  });
  add(
    "policy",
    "policy-constraints-not-critical",
    "POLICY",
    await leaf(softPolicyCa, { extra: [new x509.CertificatePolicyExtension([policy])] }),
    [softPolicyCa.cert],
    [root.cert],
  );

  // Policy mappings, inhibitPolicyMapping, inhibitAnyPolicy and skip counts (RFC 5280 6.1.3 (d)-(f), 6.1.4 (a)-(b), (h)-(j), 6.1.5).
  const [p1, p2] = ["1.3.6.1.4.1.55738.1.2", "1.3.6.1.4.1.55738.1.3"];
  const policies = (...oids: string[]) => new x509.CertificatePolicyExtension(oids);
  const policyCase = async (id: string, expect: VerifyCase["expect"], cas: Partial<Spec>[], leafPolicies?: string[]) => {
    let issuer = root;
    const chain: Issuer[] = [];
    for (const [i, opts] of cas.entries()) {
      issuer = await ca(`CN=Policy ${id} ${i + 1}`, issuer, opts);
      chain.push(issuer);
    }
    const leafCert = await leaf(issuer, leafPolicies ? { extra: [policies(...leafPolicies)] } : {});
    add("policy", id, expect, leafCert, chain.map((c) => c.cert).reverse(), [root.cert]);
  };
  const explicitNow = policyConstraints({ requireExplicitPolicy: 0 });
  await policyCase("mapping-honoured", "ok", [{ extra: [explicitNow, policies(p1), policyMappings([[p1, p2]])] }], [p2]);
  await policyCase("mapping-unmapped-policy", "POLICY", [{ extra: [explicitNow, policies(p1), policyMappings([[p1, p2]])] }], [p1]);
  await policyCase(
    "mapping-allowed-below",
    "ok",
    [{ extra: [explicitNow, policies(p1)] }, { extra: [policies(p1), policyMappings([[p1, p2]])] }],
    [p2],
  );
  await policyCase(
    "mapping-inhibited",
    "POLICY",
    [
      { extra: [policyConstraints({ requireExplicitPolicy: 0, inhibitPolicyMapping: 0 }), policies(p1)] },
      { extra: [policies(p1), policyMappings([[p1, p2]])] },
    ],
    [p2],
  );
  await policyCase("mapping-to-any-policy", "POLICY", [{ extra: [policies(p1), policyMappings([[p1, ANY_POLICY]])] }], [p1]);
  await policyCase("any-policy-honoured", "ok", [{ extra: [explicitNow, policies(ANY_POLICY)] }], [ANY_POLICY]);
  await policyCase("any-policy-inhibited", "POLICY", [{ extra: [explicitNow, inhibitAnyPolicy(0), policies(ANY_POLICY)] }], [ANY_POLICY]);
  await policyCase("any-policy-inhibited-named-policy", "ok", [{ extra: [explicitNow, inhibitAnyPolicy(0), policies(ANY_POLICY)] }], [p1]);
  await policyCase(
    "require-explicit-skip-1",
    "POLICY",
    [{ extra: [policyConstraints({ requireExplicitPolicy: 1 }), policies(p1)] }, {}],
    [p1],
  );
  await policyCase("require-explicit-skip-3", "ok", [{ extra: [policyConstraints({ requireExplicitPolicy: 3 }), policies(p1)] }, {}], [p1]);

  // Name constraints, per name form, permitted and excluded.
  const constrained = async (name: string, permitted: Subtree[], excluded: Subtree[] = []) =>
    ca(`CN=${name}`, root, { extra: [nameConstraints(permitted, excluded)], ca: { pathLen: 0 } });
  const ncDns = await constrained("NC DNS", [{ dns: "example.com" }], [{ dns: "bad.example.com" }]);
  add("nc-dns", "permitted", "ok", await leaf(ncDns), [ncDns.cert], [root.cert]);
  add(
    "nc-dns",
    "outside-permitted",
    "NAME_CONSTRAINT_VIOLATION",
    await leaf(ncDns, { san: [{ type: "dns", value: "app.example.net" }], subject: "CN=app.example.net" }),
    [ncDns.cert],
    [root.cert],
    {
      hostname: "app.example.net",
    },
  );
  add(
    "nc-dns",
    "excluded",
    "NAME_CONSTRAINT_VIOLATION",
    await leaf(ncDns, { san: [{ type: "dns", value: "bad.example.com" }], subject: "CN=bad.example.com" }),
    [ncDns.cert],
    [root.cert],
    {
      hostname: "bad.example.com",
    },
  );
  add(
    "nc-dns",
    "wildcard-covers-excluded",
    "NAME_CONSTRAINT_VIOLATION",
    await leaf(ncDns, { san: [{ type: "dns", value: "*.example.com" }], subject: "CN=*.example.com" }),
    [ncDns.cert],
    [root.cert],
  );
  const ncIp = await constrained("NC IP", [{ ip: "10.0.0.0/8" }, { ip: "2001:db8::/32" }], [{ ip: "10.66.0.0/16" }]);
  const ipLeaf = (ip: string) => leaf(ncIp, { san: [{ type: "ip", value: ip }], subject: "CN=ip" });
  add("nc-ip", "permitted-v4", "ok", await ipLeaf("10.1.2.3"), [ncIp.cert], [root.cert], { hostname: "10.1.2.3" });
  add("nc-ip", "permitted-v6", "ok", await ipLeaf("2001:db8::5"), [ncIp.cert], [root.cert], { hostname: "2001:db8::5" });
  add("nc-ip", "outside-permitted", "NAME_CONSTRAINT_VIOLATION", await ipLeaf("192.0.2.1"), [ncIp.cert], [root.cert], {
    hostname: "192.0.2.1",
  });
  add("nc-ip", "excluded", "NAME_CONSTRAINT_VIOLATION", await ipLeaf("10.66.1.1"), [ncIp.cert], [root.cert], { hostname: "10.66.1.1" });
  const ncMail = await constrained("NC Mail", [{ email: "example.com" }], [{ email: "boss@example.com" }]);
  const mailLeaf = (mail: string) => leaf(ncMail, { san: [{ type: "email", value: mail }], subject: "CN=mail user", eku: [CLIENT] });
  const client = { purpose: "client" as const, hostname: undefined };
  add("nc-email", "permitted", "ok", await mailLeaf("alice@example.com"), [ncMail.cert], [root.cert], client);
  add(
    "nc-email",
    "outside-permitted",
    "NAME_CONSTRAINT_VIOLATION",
    await mailLeaf("alice@example.org"),
    [ncMail.cert],
    [root.cert],
    client,
  );
  add("nc-email", "excluded-mailbox", "NAME_CONSTRAINT_VIOLATION", await mailLeaf("boss@example.com"), [ncMail.cert], [root.cert], client);
  const ncUri = await constrained("NC URI", [{ uri: ".example.com" }]);
  const uriLeaf = (uri: string) => leaf(ncUri, { san: [{ type: "url", value: uri }], subject: "CN=workload", eku: [CLIENT] });
  add("nc-uri", "permitted", "ok", await uriLeaf("https://svc.example.com/id"), [ncUri.cert], [root.cert], client);
  add(
    "nc-uri",
    "outside-permitted",
    "NAME_CONSTRAINT_VIOLATION",
    await uriLeaf("https://svc.example.net/id"),
    [ncUri.cert],
    [root.cert],
    client,
  );
  const ncDn = await constrained("NC DN", [{ dn: "O=Acme" }], [{ dn: "O=Acme, OU=Contractors" }]);
  const dnLeaf = (subject: string) => leaf(ncDn, { subject, san: [{ type: "dns", value: "app.example.com" }] });
  add("nc-dn", "permitted", "ok", await dnLeaf("O=Acme, CN=app.example.com"), [ncDn.cert], [root.cert]);
  add("nc-dn", "outside-permitted", "NAME_CONSTRAINT_VIOLATION", await dnLeaf("O=Other, CN=app.example.com"), [ncDn.cert], [root.cert]);
  add(
    "nc-dn",
    "excluded",
    "NAME_CONSTRAINT_VIOLATION",
    await dnLeaf("O=Acme, OU=Contractors, CN=app.example.com"),
    [ncDn.cert],
    [root.cert],
  );
  // An alternative path around a constrained intermediate: same name and key, one copy constrained.
  const altKeys = await ecKey();
  const altConstrained = await ca("CN=Alt Issuing", root, {
    keys: altKeys,
    extra: [nameConstraints([{ dns: "example.net" }])],
    ca: { pathLen: 0 },
  });
  const altFree = await ca("CN=Alt Issuing", root, { keys: altKeys, ca: { pathLen: 0 } });
  add("nc-alternative", "path-around-constrained", "ok", await leaf(altConstrained), [altConstrained.cert, altFree.cert], [root.cert]);
  add("nc-alternative", "only-constrained", "NAME_CONSTRAINT_VIOLATION", await leaf(altConstrained), [altConstrained.cert], [root.cert]);
  return cases;
}

/** PEM of DER certificates, for outside tools. */
export const pemOf = (ders: Uint8Array[]) =>
  ders
    .map(
      (d) =>
        `-----BEGIN CERTIFICATE-----\n${Buffer.from(d)
          .toString("base64")
          .replace(/(.{64})/g, "$1\n")}\n-----END CERTIFICATE-----\n`,
    )
    .join("");
