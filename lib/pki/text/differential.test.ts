/**
 * Differential test of the text view: 1,050 random but valid certificates and CSRs (seeded, so a
 * failure reproduces) printed by cadesk and by OpenSSL, which must agree line for line. Names come
 * from one `openssl asn1parse -genconf` run over an ASN1_generate_nconf configuration (every
 * DirectoryString type, IA5String with bytes 0x80-0xFF, BMPString, UniversalString, empty and very
 * long values, multi-valued RDNs); extensions are random DER (every GeneralName kind, policies with
 * notices in four string types, name constraints, unusual and unknown extensions, critical flags);
 * certificates and CSRs are signed here with openssl-made keys.
 *
 * Speed: one openssl process per certificate is too slow on a shared 2-core machine, so the
 * certificates are printed in batches by `openssl pkcs7 -print_certs -text` (X509_print: the same
 * X509_print_ex as `x509 -text`, but with the old name format) and their names by `openssl pkcs7
 * -print_certs` (the same get_nameopt() names `x509 -text` prints); the Issuer/Subject lines are
 * put together from the two. A sample of certificates is also printed one by one with `openssl x509
 * -text -noout` to prove that reconstruction equal. CSRs have no batch printer: `openssl req -text
 * -noout` runs for each.
 */
import { spawn } from "node:child_process";
import { createPrivateKey, createPublicKey, sign, type KeyObject } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { children, parseDer } from "../der";
import { toPem } from "../pem";
import { encodeTree, type DerNode } from "../../testing/der-tree";
import { opensslOk, tempDir } from "../../testing/openssl";
import { pool } from "../../testing/pool";
import { commonExtensions, oidBytes, prng, randomName, rawExtensions, type Rng } from "../../testing/random-certs";
import { firstDifference } from "../../testing/text-diff";
import { certificateText } from "./certificate";
import { csrText } from "./csr";

const SEED = 20261201;
const CERTIFICATES = 800;
const CSRS = 250;
const DIR_NAMES = 150;
const BATCH = 100;
const SAMPLE = 12;
const PARALLEL = 2;

interface Key {
  file: string;
  privateKey: KeyObject;
  spki: Uint8Array;
  /** AlgorithmIdentifier for the CSR signature, and the digest node's sign() takes. */
  algorithm: DerNode;
  digest: string | null;
}

const node = (tag: number, value: Uint8Array | number[]): DerNode => ({
  tag,
  value: value instanceof Uint8Array ? value : new Uint8Array(value),
});
const seq = (...c: DerNode[]): DerNode => ({ tag: 0x30, children: c });
const raw = (der: Uint8Array): DerNode => {
  const n = parseDer(der);
  return { tag: n.tag, value: n.value };
};

let dir: string;
let keys: Key[];

function makeKey(name: string, args: string[], algorithm: DerNode, digest: string | null): Key {
  const file = path.join(dir, `${name}.key`);
  opensslOk(["genpkey", ...args, "-out", file]);
  const privateKey = createPrivateKey(readFileSync(file));
  const spki = new Uint8Array(createPublicKey(privateKey).export({ type: "spki", format: "der" }));
  return { file, privateKey, spki, algorithm, digest };
}

beforeAll(() => {
  dir = tempDir("cadesk-differential-");
  const ecdsa = seq(node(0x06, oidBytes("1.2.840.10045.4.3.2")));
  keys = [
    makeKey("p256", ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"], ecdsa, "sha256"),
    makeKey("p384", ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"], ecdsa, "sha256"),
    makeKey("ed25519", ["-algorithm", "ED25519"], seq(node(0x06, oidBytes("1.3.101.112"))), null),
    makeKey(
      "rsa",
      ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"],
      seq(node(0x06, oidBytes("1.2.840.113549.1.1.11")), node(0x05, [])),
      "sha256",
    ),
  ];
});

/** Serials: zero, negative, small, 8 and 9 octets (where OpenSSL switches format), 20 and more. */
function randomSerial(rng: Rng): DerNode {
  const bytes = (n: number) => Array.from({ length: n }, () => rng.int(0, 255));
  let value: number[];
  switch (rng.int(0, 5)) {
    case 0:
      value = [rng.int(0, 1) ? 0 : rng.int(1, 127)];
      break;
    case 1:
      value = [rng.int(0x80, 0xff), ...bytes(rng.int(0, 9))];
      break;
    case 2:
      value = [rng.int(1, 0x7f), ...bytes(rng.int(6, 8))];
      break;
    case 3:
      value = [rng.int(1, 0x7f), ...bytes(rng.int(19, 30))];
      break;
    default:
      value = [0, rng.int(0x80, 0xff), ...bytes(15)];
  }
  while (value.length > 1 && ((value[0] === 0 && value[1]! < 0x80) || (value[0] === 0xff && value[1]! >= 0x80))) value.shift();
  return node(0x02, value);
}

function randomTime(rng: Rng): DerNode {
  const year = rng.chance(0.8) ? rng.int(1950, 2049) : rng.int(1, 9999);
  const d = new Date(0);
  d.setUTCFullYear(year, rng.int(0, 11), rng.int(1, 28));
  d.setUTCHours(rng.int(0, 23), rng.int(0, 59), rng.int(0, 59));
  const iso = d.toISOString().replace(/\D/g, "").slice(0, 14).padStart(14, "0");
  const full = String(year).padStart(4, "0") + iso.slice(iso.length - 10);
  return year >= 1950 && year < 2050 ? node(0x17, Buffer.from(full.slice(2) + "Z")) : node(0x18, Buffer.from(full + "Z"));
}

/** CSR attributes beyond the extension request: PKCS#9 strings of several types, and unknown ones. */
function randomAttributes(rng: Rng): DerNode[] {
  const out: DerNode[] = [];
  const text = (): DerNode => {
    const tag = rng.pick([0x13, 0x0c, 0x16, 0x14, 0x1e, 0x1a]);
    const value = Array.from({ length: rng.int(0, 20) }, () => (rng.chance(0.8) ? rng.int(0x61, 0x7a) : rng.int(0x80, 0xff)));
    return node(
      tag,
      tag === 0x1e ? value.flatMap((b) => [0, b]) : tag === 0x0c ? Array.from(Buffer.from(String.fromCharCode(...value), "utf8")) : value,
    );
  };
  if (rng.chance(0.3)) out.push(seq(node(0x06, oidBytes("1.2.840.113549.1.9.7")), { tag: 0x31, children: [text()] }));
  if (rng.chance(0.3))
    out.push(seq(node(0x06, oidBytes("1.2.840.113549.1.9.2")), { tag: 0x31, children: [text(), ...(rng.chance(0.2) ? [text()] : [])] }));
  if (rng.chance(0.15))
    out.push(seq(node(0x06, oidBytes(`1.2.3.${rng.int(1, 50)}`)), { tag: 0x31, children: [rng.chance(0.5) ? text() : node(0x02, [5])] }));
  return out;
}

function extensionNode(oid: string, value: Uint8Array, critical: boolean): DerNode {
  return seq(node(0x06, oidBytes(oid)), ...(critical ? [node(0x01, [0xff])] : []), node(0x04, value));
}

function signed(key: Key, body: DerNode): Uint8Array {
  const tbs = encodeTree(body);
  const signature = sign(key.digest, tbs, key.privateKey);
  return encodeTree(seq(raw(tbs), key.algorithm, node(0x03, [0, ...signature])));
}

function randomCertificate(rng: Rng, key: Key, subject: Uint8Array, issuer: Uint8Array, extensions: DerNode[]): Uint8Array {
  const version = rng.chance(0.9) ? 2 : rng.int(0, 1);
  const fields: DerNode[] = [];
  if (version || rng.chance(0.5)) fields.push({ tag: 0xa0, children: [node(0x02, [version])] });
  fields.push(randomSerial(rng), key.algorithm, raw(issuer), seq(randomTime(rng), randomTime(rng)), raw(subject), raw(key.spki));
  if (rng.chance(0.05)) fields.push(node(0x81, [0, ...Array.from({ length: rng.int(1, 8) }, () => rng.int(0, 255))]));
  if (extensions.length || (version === 2 && rng.chance(0.05))) fields.push({ tag: 0xa3, children: [seq(...extensions)] });
  return signed(key, seq(...fields));
}

const run = (args: string[], input?: string) =>
  new Promise<{ status: number; stdout: string; stderr: string }>((resolve) => {
    const child = spawn("openssl", args, { stdio: [input === undefined ? "ignore" : "pipe", "pipe", "pipe"] });
    // bytes first, decoded once: OpenSSL writes raw string octets, shown here as UTF-8 would be
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout!.on("data", (d: Buffer) => stdout.push(d));
    child.stderr!.on("data", (d: Buffer) => stderr.push(d));
    child.on("close", (status) =>
      resolve({ status: status ?? -1, stdout: Buffer.concat(stdout).toString("utf8"), stderr: Buffer.concat(stderr).toString("utf8") }),
    );
    if (input !== undefined) {
      child.stdin!.on("error", () => {});
      child.stdin!.end(input);
    }
  });

interface Outcome {
  label: string;
  ours: string;
  theirs: string;
}

/** Prints a batch of certificates through openssl pkcs7 (see the header) and rebuilds `x509 -text`. */
async function printCertificates(file: string, count: number): Promise<string[]> {
  const [text, dump] = await Promise.all([
    run(["pkcs7", "-in", file, "-print_certs", "-text", "-noout"]),
    run(["pkcs7", "-in", file, "-print_certs", "-noout"]),
  ]);
  if (text.status !== 0 || dump.status !== 0) throw new Error(`openssl pkcs7 failed: ${text.stderr}${dump.stderr}`);
  const bodies = text.stdout.split(/^(?=Certificate:\n)/m);
  const subjects = [...dump.stdout.matchAll(/^subject=(.*)$/gm)].map((m) => m[1]!);
  const issuers = [...dump.stdout.matchAll(/^issuer=(.*)$/gm)].map((m) => m[1]!);
  if (bodies.length !== count || subjects.length !== count || issuers.length !== count)
    throw new Error(`openssl pkcs7 printed ${bodies.length} texts and ${subjects.length} names for ${count} certificates`);
  return bodies.map((body, i) =>
    body
      .replace(/\n$/, "")
      .replace(/^ {8}Issuer:.*$/m, () => `        Issuer: ${issuers[i]}`)
      .replace(/^ {8}Subject:.*$/m, () => `        Subject: ${subjects[i]}`),
  );
}

const attempt = (print: () => string) => {
  try {
    return print();
  } catch (error) {
    return `threw ${error instanceof Error ? error.stack : error}`;
  }
};

describe("text view against openssl on random certificates and CSRs", () => {
  it(`is identical for ${CERTIFICATES} certificates and ${CSRS} CSRs (seed ${SEED})`, async () => {
    const rng = prng(SEED);
    const total = CERTIFICATES + CSRS;
    // 1. every name in one ASN1_generate_nconf configuration, encoded by one openssl run
    const names = [
      ...Array.from({ length: total }, (_, i) => randomName(rng, `n${i}`)),
      ...Array.from({ length: DIR_NAMES }, (_, i) => randomName(rng, `d${i}`)),
    ];
    const genconf = [
      "asn1 = SEQUENCE:all",
      "[all]",
      ...names.map((n, i) => `x${i} = SEQUENCE:${n.id}`),
      ...names.flatMap((n) => n.sections),
    ];
    writeFileSync(path.join(dir, "names.cnf"), genconf.join("\n") + "\n");
    opensslOk(["asn1parse", "-genconf", path.join(dir, "names.cnf"), "-noout", "-out", path.join(dir, "names.der")]);
    const encoded = children(parseDer(new Uint8Array(readFileSync(path.join(dir, "names.der"))))).map((n) => new Uint8Array(n.der));
    expect(encoded).toHaveLength(names.length);
    const dirNames = encoded.slice(total);

    // 2. the objects
    const extensionList = () =>
      [...commonExtensions(rng), ...rawExtensions(rng, dirNames)]
        .sort(() => rng.next() - 0.5)
        .map(([oid, value]) => extensionNode(oid, value, rng.chance(0.25)));
    const certificates: { label: string; der: Uint8Array }[] = [];
    const jobs: (() => Promise<Outcome>)[] = [];
    for (let i = 0; i < total; i++) {
      const key = rng.pick(keys);
      const label = `${i < CERTIFICATES ? "certificate" : "CSR"} ${i} (seed ${SEED})`;
      if (i < CERTIFICATES) {
        const issuer = rng.chance(0.5) ? encoded[i]! : rng.pick(encoded);
        certificates.push({ label, der: randomCertificate(rng, key, encoded[i]!, issuer, extensionList()) });
        continue;
      }
      const attributes = randomAttributes(rng);
      if (rng.chance(0.7))
        attributes.splice(
          rng.int(0, attributes.length),
          0,
          seq(node(0x06, oidBytes("1.2.840.113549.1.9.14")), { tag: 0x31, children: [seq(...extensionList())] }),
        );
      const csr = signed(key, seq(node(0x02, [0]), raw(encoded[i]!), raw(key.spki), { tag: 0xa0, children: attributes }));
      const file = path.join(dir, `r${i}.pem`);
      writeFileSync(file, toPem(csr, "CERTIFICATE REQUEST"));
      jobs.push(async () => {
        const r = await run(["req", "-in", file, "-text", "-noout"]);
        return { label, ours: attempt(() => csrText(csr)), theirs: r.status === 0 ? r.stdout : `openssl failed: ${r.stderr}` };
      });
    }
    for (let start = 0; start < certificates.length; start += BATCH) {
      const batch = certificates.slice(start, start + BATCH);
      const file = path.join(dir, `batch${start}.pem`);
      writeFileSync(file, toPem(pkcs7Of(batch.map((c) => c.der)), "PKCS7"));
      jobs.push(async () => {
        const texts = await printCertificates(file, batch.length);
        const outcomes = batch.map((c, i) => ({ label: c.label, ours: attempt(() => certificateText(c.der)), theirs: texts[i]! }));
        return { label: "batch", ours: JSON.stringify(outcomes), theirs: "" };
      });
    }
    for (const c of certificates.slice(0, SAMPLE))
      jobs.push(async () => {
        const r = await run(["x509", "-text", "-noout"], toPem(c.der, "CERTIFICATE"));
        return { label: `sample ${c.label}`, ours: "", theirs: r.stdout };
      });

    // 3. openssl prints each; cadesk must print the same
    const results = (await pool(jobs, PARALLEL)).flatMap((r) => (r.label === "batch" ? (JSON.parse(r.ours) as Outcome[]) : [r]));
    const samples = results.filter((r) => r.label.startsWith("sample "));
    const outcomes = results.filter((r) => !r.label.startsWith("sample "));
    expect(outcomes).toHaveLength(total);
    // the rebuilt batch text is what `openssl x509 -text -noout` prints for the same certificate
    for (const s of samples) expect(outcomes.find((o) => `sample ${o.label}` === s.label)!.theirs, s.label).toBe(s.theirs);
    const mismatches = outcomes.filter((r) => r.ours !== r.theirs).map((r) => `${r.label}: ${firstDifference(r.ours, r.theirs)}`);
    console.log(`random certificates and CSRs: ${total - mismatches.length} of ${total} identical`);
    if (mismatches.length) {
      writeFileSync(path.join(dir, "mismatches.txt"), mismatches.join("\n"));
      for (const r of outcomes.filter((o) => o.ours !== o.theirs).slice(0, 300)) {
        const stem = path.join(dir, r.label.split(" (")[0]!.replace(" ", "-"));
        writeFileSync(`${stem}.ours.txt`, r.ours);
        writeFileSync(`${stem}.openssl.txt`, r.theirs);
      }
    }
    expect(mismatches.slice(0, 8)).toEqual([]);
  }, 600_000);
});

/** A degenerate PKCS#7 SignedData holding certificates, as `openssl crl2pkcs7 -nocrl` writes it. */
function pkcs7Of(certificates: Uint8Array[]): Uint8Array {
  const data = seq(node(0x06, oidBytes("1.2.840.113549.1.7.1")));
  const signedData = seq(
    node(0x02, [1]),
    { tag: 0x31, children: [] },
    data,
    { tag: 0xa0, children: certificates.map(raw) },
    { tag: 0x31, children: [] },
  );
  return encodeTree(seq(node(0x06, oidBytes("1.2.840.113549.1.7.2")), { tag: 0xa0, children: [signedData] }));
}
