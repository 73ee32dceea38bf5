/**
 * Inspect against OpenSSL on a corpus made here: seed certificates and CRLs from openssl (every
 * key type, many extensions, v1 and v2 CRLs with revoked entries) plus deterministic mutations
 * (lib/testing/der-mutations.ts). Each file is loaded with `openssl x509|crl -inform DER -noout
 * -text` and read by cadesk's Inspect, and the answers must agree:
 *
 * - OpenSSL refuses it: Inspect refuses it with a 4xx message.
 * - OpenSSL loads it but it is not strict DER: Inspect refuses it, saying "BER, not DER" for BER
 *   forms and naming the extra bytes for trailing data. Strict DER is judged from `openssl
 *   asn1parse` (not from cadesk's reader): no indefinite length (l=inf), every header in its
 *   shortest form (hl), no constructed string types, BOOLEAN 0x00 or 0xFF, BIT STRING padding
 *   bits zero, one object filling the file. OpenSSL's command line ignores trailing bytes and
 *   accepts these BER forms; RFC 5280 4.1 and 5.1 require DER, and Python's cryptography refuses
 *   them too.
 * - OpenSSL loads it but prints "Bad time value" (an impossible date), or the mutation wrote a
 *   time outside RFC 5280 4.1.2.5 (no seconds, an offset, fractions): Inspect refuses it naming
 *   the field. OpenSSL loads both.
 * - OpenSSL loads it but asn1parse cannot read inside a value OpenSSL keeps opaque (a name value or
 *   parameter SEQUENCE holding junk): not DER either, so Inspect refuses it with a 4xx message.
 * - Otherwise (well-formed DER, odd or not: zero, negative and 25-octet serials, unknown
 *   versions, empty sequences, undecodable extension values): Inspect accepts it.
 *
 * No file may crash Inspect (a non-AppError); the slowest is reported, not asserted.
 */
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect } from "vitest";
import { it } from "../../testing/system";
import { AppError } from "../../errors";
import { inspect } from "../../services/inspect";
import { parsePemBlocks } from "../pem";
import { mutate, type Mutant } from "../../testing/der-mutations";
import { opensslOk, tempDir } from "../../testing/openssl";
import { pool } from "../../testing/pool";
import { prng } from "../../testing/random-certs";

const SEED = 5280;
const MUTANTS_PER_SEED = 25;
const PARALLEL = 2;

let dir: string;
const seeds: { name: string; kind: "certificate" | "crl"; der: Uint8Array }[] = [];

const EXTENSIONS = [
  "basicConstraints=critical,CA:TRUE,pathlen:2",
  "keyUsage=critical,digitalSignature,keyCertSign,cRLSign",
  "extendedKeyUsage=serverAuth,clientAuth,1.2.3.4",
  "subjectAltName=DNS:a.example.com,IP:10.0.0.1,IP:2001:db8::1,email:a@example.com,URI:spiffe://x/y,RID:1.2.3.4,otherName:1.3.6.1.4.1.311.20.2.3;UTF8:u@example.com",
  "crlDistributionPoints=URI:http://crl.example.com/a.crl",
  // caIssuers on a closed loopback port: Inspect may try to fetch a missing issuer from it
  "authorityInfoAccess=OCSP;URI:http://ocsp.example.com,caIssuers;URI:http://127.0.0.1:9/a.crt",
  "certificatePolicies=2.23.140.1.2.1,1.3.6.1.4.1.99.1",
  "nameConstraints=permitted;DNS:.example.com,excluded;IP:10.0.0.0/255.0.0.0",
  "nsComment=corpus seed",
  "1.2.3.4.5=DER:04:03:01:02:03",
];

function run(args: string[]): Promise<{ status: number; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn("openssl", args, { stdio: ["ignore", "pipe", "ignore"] });
    const out: Buffer[] = [];
    child.stdout.on("data", (d: Buffer) => out.push(d));
    child.on("close", (status) => resolve({ status: status ?? -1, stdout: Buffer.concat(out).toString("latin1") }));
  });
}

const der = (pem: string) => parsePemBlocks(pem)[0]!.der;

beforeAll(() => {
  dir = tempDir("cadesk-corpus-");
  const keys: [string, string[]][] = [
    ["rsa", ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"]],
    ["p256", ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"]],
    ["p384", ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"]],
    ["p521", ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-521"]],
    ["ed25519", ["-algorithm", "ED25519"]],
    ["ed448", ["-algorithm", "ED448"]],
    ["pss", ["-algorithm", "RSA-PSS", "-pkeyopt", "rsa_keygen_bits:2048"]],
  ];
  for (const [name, args] of keys) {
    opensslOk(["genpkey", ...args, "-out", `${dir}/${name}.key`]);
    const subject = `/C=DE/O=Corpus ${name}/OU=Unit+CN=seed-${name}.example.com`;
    const addext = EXTENSIONS.flatMap((e) => ["-addext", e]);
    const pem = opensslOk(["req", "-x509", "-key", `${dir}/${name}.key`, "-subj", subject, "-multivalue-rdn", "-days", "400", ...addext]);
    seeds.push({ name: `certificate ${name}`, kind: "certificate", der: der(pem) });
  }
  // a v1 certificate (no extensions), a GeneralizedTime one, a UTF-8/BMP-named one
  opensslOk(["req", "-new", "-key", `${dir}/p256.key`, "-subj", "/CN=v1 seed", "-out", `${dir}/v1.csr`]);
  seeds.push({
    name: "certificate v1",
    kind: "certificate",
    der: der(opensslOk(["x509", "-req", "-in", `${dir}/v1.csr`, "-key", `${dir}/p256.key`, "-set_serial", "0", "-days", "30"])),
  });
  seeds.push({
    name: "certificate 2130",
    kind: "certificate",
    der: der(opensslOk(["req", "-x509", "-key", `${dir}/p256.key`, "-subj", "/CN=far future", "-days", "40000"])),
  });
  seeds.push({
    name: "certificate unicode",
    kind: "certificate",
    der: der(opensslOk(["req", "-x509", "-key", `${dir}/rsa.key`, "-utf8", "-subj", "/O=Zürich Ünïcode/CN=東京", "-days", "30"])),
  });

  // CRLs: v1 empty, v2 with revoked entries (reasons, hold instruction, invalidity date) and extensions
  const index = [
    "R\t301231000000Z\t250101000000Z\t1001\tunknown\t/CN=a",
    "R\t301231000000Z\t250102000000Z,keyCompromise\t1002\tunknown\t/CN=b",
    "R\t301231000000Z\t250103000000Z,certificateHold,holdInstructionReject\t1003\tunknown\t/CN=c",
    "R\t301231000000Z\t250104000000Z,keyTime,20241231000000Z\t1004\tunknown\t/CN=d",
    "R\t301231000000Z\t250105000000Z,superseded\tFF01\tunknown\t/CN=e",
    "R\t301231000000Z\t250106000000Z,cessationOfOperation\t00A1B2C3D4E5F60718293A4B5C6D7E8F90\tunknown\t/CN=f",
  ];
  const config = (crlnumber: boolean) =>
    `[ca]\ndefault_ca=d\n[d]\ndatabase=${dir}/index.txt\n${crlnumber ? `crlnumber=${dir}/crlnumber\n` : ""}default_md=sha256\ndefault_crl_days=7\n[crl_ext]\nauthorityKeyIdentifier=keyid:always\nissuerAltName=email:ca@example.com\n`;
  opensslOk([
    "req",
    "-x509",
    "-key",
    `${dir}/rsa.key`,
    "-subj",
    "/O=Corpus/CN=CRL CA",
    "-out",
    `${dir}/ca.pem`,
    "-addext",
    "subjectKeyIdentifier=hash",
  ]);
  for (const [name, entries, crlnumber, exts] of [
    ["crl v1 empty", [], false, false],
    ["crl v1 revoked", index.slice(0, 3), false, false],
    ["crl v2", index, true, true],
  ] as const) {
    writeFileSync(`${dir}/index.txt`, entries.map((l) => l + "\n").join(""));
    writeFileSync(`${dir}/crlnumber`, "0A\n");
    writeFileSync(`${dir}/ca.cnf`, config(crlnumber));
    const args = [
      "ca",
      "-config",
      `${dir}/ca.cnf`,
      "-gencrl",
      "-keyfile",
      `${dir}/rsa.key`,
      "-cert",
      `${dir}/ca.pem`,
      ...(exts ? ["-crlexts", "crl_ext"] : []),
    ];
    seeds.push({ name, kind: "crl", der: der(opensslOk(args)) });
  }
});

const PRIMITIVE_ONLY =
  /^(BOOLEAN|INTEGER|BIT STRING|OCTET STRING|NULL|OBJECT|UTF8STRING|PRINTABLESTRING|T61STRING|IA5STRING|UTCTIME|GENERALIZEDTIME|VISIBLESTRING|BMPSTRING|UNIVERSALSTRING|NUMERICSTRING)\b/;

/** Why `openssl asn1parse` shows the file is not strict DER, or null (see the header). */
function derProblem(bytes: Uint8Array, asn1parse: { status: number; stdout: string }): string | null {
  const lines = asn1parse.stdout.split("\n").filter((l) => /^\s*\d+:d=/.test(l));
  const top = /^\s*0:d=0\s+hl=(\d+) l=\s*(\d+)/.exec(lines[0] ?? "");
  if (lines.filter((l) => /d=0 /.test(l)).length > 1 || (top && Number(top[1]) + Number(top[2]) < bytes.length)) return "trailing";
  if (asn1parse.status !== 0 || /Error in encoding/.test(asn1parse.stdout)) return "damaged inside";
  for (const line of lines) {
    const m = /^\s*(\d+):d=\d+\s+hl=(\d+) l=\s*(inf|\d+) (prim|cons):\s*(.*)$/.exec(line);
    if (!m) return `unread line ${line}`;
    const [offset, hl, length, form, type] = [Number(m[1]), Number(m[2]), m[3]!, m[4]!, m[5]!.trim()];
    if (length === "inf") return "ber: indefinite length";
    let tagOctets = 1;
    if ((bytes[offset]! & 0x1f) === 0x1f) {
      let n = 0;
      do n = n * 128 + (bytes[offset + tagOctets]! & 0x7f);
      while (bytes[offset + tagOctets++]! & 0x80);
      if (n < 31 || bytes[offset + 1] === 0x80) return "ber: long tag form";
    }
    const l = Number(length);
    const lengthOctets = l < 128 ? 1 : 1 + Math.ceil(l.toString(16).length / 2);
    if (hl !== tagOctets + lengthOctets) return `ber: header of ${hl} octets at ${offset}`;
    if (form === "cons" && PRIMITIVE_ONLY.test(type)) return `ber: constructed ${type}`;
    if (/^BOOLEAN/.test(type) && !/:(0|255)\s*$/.test(type)) return "ber: BOOLEAN";
    if (/^BIT STRING/.test(type) && l > 1) {
      const unused = bytes[offset + hl]!;
      if (unused > 0 && unused < 8 && bytes[offset + hl + l - 1]! & ((1 << unused) - 1)) return "ber: BIT STRING padding";
    }
  }
  return null;
}

/** RFC 5280 4.1.2.5 shapes OpenSSL still reads: seconds left out, an offset, fractions. */
const NON_PROFILE_TIME = /^time (\d{10}Z|\d{12}[+-]\d{4}|\d{14}\.\d+Z|\d{12}Z|\d{14}[+-]\d{4})$/;

describe("Inspect against openssl on a generated corpus of certificates and CRLs", () => {
  it("agrees on every file: same acceptance, 4xx messages for refusals, BER named as BER", async () => {
    const rng = prng(SEED);
    const corpus: (Mutant & { kind: "certificate" | "crl" })[] = [];
    for (const seed of seeds) {
      corpus.push({ name: seed.name, der: seed.der, kind: seed.kind });
      for (let i = 0; i < MUTANTS_PER_SEED; i++) corpus.push({ ...mutate(seed.name, seed.der, rng, seed.kind), kind: seed.kind });
    }
    corpus.forEach((c, i) => writeFileSync(path.join(dir, `f${i}.der`), c.der));
    const verdicts = await pool(
      corpus.map((c, i) => async () => {
        const file = path.join(dir, `f${i}.der`);
        const loaded = await run([c.kind === "certificate" ? "x509" : "crl", "-inform", "DER", "-in", file, "-noout", "-text"]);
        const asn1 = loaded.status === 0 ? await run(["asn1parse", "-inform", "DER", "-in", file, "-i"]) : null;
        return { loaded, asn1 };
      }),
      PARALLEL,
    );

    const problems: string[] = [];
    const counts = { accepted: 0, refused: 0, ber: 0, trailing: 0, time: 0, damaged: 0, opensslAccepts: 0 };
    let slowest = { ms: 0, name: "" };
    for (const [i, c] of corpus.entries()) {
      const { loaded, asn1 } = verdicts[i]!;
      const started = performance.now();
      let answer: { ok: true } | { ok: false; message: string; appError: boolean };
      try {
        await inspect({ input: c.der });
        answer = { ok: true };
      } catch (error) {
        answer = {
          ok: false,
          message: error instanceof Error ? error.message : String(error),
          appError: error instanceof AppError && error.status < 500,
        };
      }
      const ms = performance.now() - started;
      if (ms > slowest.ms) slowest = { ms, name: c.name };
      if (!answer.ok && !answer.appError) {
        problems.push(`${c.name}: crashed: ${answer.message}`);
        continue;
      }
      if (loaded.status !== 0) {
        counts.refused++;
        if (answer.ok) problems.push(`${c.name}: openssl refuses it, Inspect accepted it`);
        continue;
      }
      counts.opensslAccepts++;
      const notDer = derProblem(c.der, asn1!);
      const expected = notDer?.startsWith("ber")
        ? { why: notDer, message: /is encoded in BER, not DER/ }
        : notDer === "trailing"
          ? { why: "trailing bytes", message: /followed by \d+ more bytes/ }
          : notDer
            ? { why: notDer, message: /./ }
            : /Bad time value/.test(loaded.stdout)
              ? { why: "an impossible date", message: /not a real date|is not a time|missing its Z/ }
              : NON_PROFILE_TIME.test(c.name.split(": ")[1] ?? "")
                ? { why: "a time outside RFC 5280", message: /RFC 5280 4\.1\.2\.5/ }
                : null;
      if (c.expect === "ber" && notDer === null && expected === null)
        problems.push(`${c.name}: the mutation meant BER but asn1parse sees DER (test bug)`);
      if (expected === null) {
        counts.accepted++;
        if (!answer.ok) problems.push(`${c.name}: openssl reads this strict DER file, Inspect refused it: ${answer.message}`);
      } else {
        if (expected.message.source.includes("BER")) counts.ber++;
        else if (expected.why === "trailing bytes") counts.trailing++;
        else if (/date|time/.test(expected.why)) counts.time++;
        else counts.damaged++;
        if (answer.ok) problems.push(`${c.name}: ${expected.why}, yet Inspect accepted it`);
        else if (!expected.message.test(answer.message)) problems.push(`${c.name}: ${expected.why}, refused with "${answer.message}"`);
      }
    }
    console.log(
      `corpus: ${corpus.length} files; openssl refuses ${counts.refused}, loads ${counts.opensslAccepts} (strict DER ${counts.accepted}, BER ${counts.ber}, trailing bytes ${counts.trailing}, bad or non-RFC 5280 times ${counts.time}, damaged inside an opaque value ${counts.damaged}); slowest Inspect ${slowest.ms.toFixed(1)} ms (${slowest.name})`,
    );
    writeFileSync(path.join(dir, "problems.txt"), problems.join("\n"));
    expect(corpus.length).toBeGreaterThan(300);
    expect(counts.accepted).toBeGreaterThan(50);
    expect(problems.slice(0, 15)).toEqual([]);
  }, 600_000);
});
