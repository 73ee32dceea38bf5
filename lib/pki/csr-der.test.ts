/**
 * The fast CSR reader (csr-der.ts) against @peculiar/x509's (parseCsrWithX509): for every key
 * type, signature hash and SAN shape openssl makes, and for damaged copies of them, parseCsr gives
 * the same fields, the same signature verdict and the same errors as the full reader; the common
 * shapes really take the fast path, the others really do not.
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { AppError } from "../errors";
import { opensslOk, tempDir } from "../testing/openssl";
import { prng } from "../testing/random-certs";
import { readCommonCsr } from "./csr-der";
import { readVerifiedCsr } from "../issuance/csr";
import { checkCsrKey, parseCsr, parseCsrWithX509, verifyCsrSignature, type ParsedCsr } from "./csr";
import { parsePemBlocks, readPemOrDer } from "./pem";
import { describeKeyDetails, describeKeyObject } from "./keys";

const CSR_LABELS = ["CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST"];

const dir = tempDir("cadesk-csr-der-");
let n = 0;

/** An openssl-made CSR (DER). */
function opensslCsr(key: string[], options: { subj?: string; addext?: string[]; digest?: string; config?: string } = {}): Uint8Array {
  const out = path.join(dir, `r${n++}.csr`);
  const args = ["req", "-new", ...key, "-nodes", "-keyout", path.join(dir, `k${n}.key`), "-outform", "DER", "-out", out];
  args.push("-subj", options.subj ?? "/CN=svc.example.com");
  for (const ext of options.addext ?? []) args.push("-addext", ext);
  if (options.digest) args.push(`-${options.digest}`);
  if (options.config) args.push("-config", options.config);
  opensslOk(args);
  return new Uint8Array(readFileSync(out));
}

const KEYS: Record<string, string[]> = {
  "P-256": ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"],
  "P-384": ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-384"],
  "P-521": ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-521"],
  "RSA 2048": ["-newkey", "rsa:2048"],
  "RSA 3072": ["-newkey", "rsa:3072"],
  "RSA 1024": ["-newkey", "rsa:1024"],
  // Sizes that are not a whole number of bytes: the fast reader counts the modulus's bits itself.
  "RSA 2047": ["-newkey", "rsa:2047"],
  "RSA 2049": ["-newkey", "rsa:2049"],
  Ed25519: ["-newkey", "ed25519"],
  "RSA-PSS": ["-newkey", "rsa-pss", "-pkeyopt", "rsa_keygen_bits:2048"],
  secp256k1: ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:secp256k1"],
};

/** Everything a caller of parseCsr reads, as plain data, and what verification and the key check say. */
async function outcome(read: () => ParsedCsr | Promise<ParsedCsr>) {
  const refusal = (e: unknown) => (e instanceof AppError ? { code: e.code, message: e.message, field: e.field } : { crash: String(e) });
  let csr: ParsedCsr;
  try {
    csr = await read();
  } catch (e) {
    return { parse: refusal(e) };
  }
  const verified = await verifyCsrSignature(csr).then(
    () => "ok",
    (e: unknown) => refusal(e),
  );
  let key: unknown = "ok";
  try {
    checkCsrKey(csr.keyInfo);
  } catch (e) {
    key = refusal(e);
  }
  return {
    subjectText: csr.subjectText,
    subjectDer: Buffer.from(csr.subject.toArrayBuffer()).toString("hex"),
    subjectString: csr.subject.toString(),
    subjectJson: csr.subject.toJSON(),
    commonName: csr.commonName,
    sans: csr.sans,
    ignoredSans: csr.ignoredSans,
    keyInfo: csr.keyInfo,
    publicKey: Buffer.from(csr.publicKey.rawData).toString("hex"),
    publicKeyAlgorithm: csr.publicKey.algorithm.name,
    signatureAlgorithm: csr.signatureAlgorithm,
    requested: csr.requested,
    verified,
    key,
  };
}

async function expectSame(der: Uint8Array, label: string) {
  const fast = await outcome(() => parseCsr(der));
  const full = await outcome(() => parseCsrWithX509(readPemOrDer(der, CSR_LABELS, "certificate signing request")));
  expect(fast, label).toEqual(full);
  return fast;
}

describe("fast CSR reader", () => {
  const common: [string, Uint8Array][] = [];
  const other: [string, Uint8Array][] = [];

  it("reads every common key type and hash like @peculiar/x509, and takes the fast path for them", async () => {
    for (const key of ["P-256", "P-384", "P-521", "RSA 2048", "RSA 3072", "RSA 1024", "RSA 2047", "RSA 2049", "Ed25519"]) {
      common.push([`${key}, CN + DNS SAN`, opensslCsr(KEYS[key]!, { addext: ["subjectAltName=DNS:svc.example.com"] })]);
    }
    common.push(["P-256 SHA-384", opensslCsr(KEYS["P-256"]!, { digest: "sha384", addext: ["subjectAltName=DNS:a.example"] })]);
    common.push(["P-384 SHA-512", opensslCsr(KEYS["P-384"]!, { digest: "sha512" })]);
    common.push(["RSA SHA-512", opensslCsr(KEYS["RSA 2048"]!, { digest: "sha512", addext: ["subjectAltName=IP:10.1.2.3"] })]);
    common.push(["no attributes, CN only", opensslCsr(KEYS["P-256"]!)]);
    common.push(["empty subject, SAN only", opensslCsr(KEYS["P-256"]!, { subj: "/", addext: ["subjectAltName=DNS:only.example"] })]);
    common.push([
      "every fast SAN kind, several RDNs, UTF-8",
      opensslCsr(KEYS["P-256"]!, {
        subj: "/C=DE/O=Müller & Söhne, Ltd./OU=Ops/CN=api.example.com/emailAddress=ops@example.com",
        addext: [
          "subjectAltName=DNS:api.example.com,DNS:*.api.example.com,IP:192.0.2.7,email:ops@example.com,URI:spiffe://example.org/ns/a",
        ],
      }),
    ]);
    common.push(["critical SAN", opensslCsr(KEYS["P-256"]!, { addext: ["subjectAltName=critical,DNS:c.example"] })]);
    common.push(["bad names in the SAN", opensslCsr(KEYS["P-256"]!, { addext: ["subjectAltName=DNS:bad..name,DNS:-x.example"] })]);
    common.push(["a CN that is an IP", opensslCsr(KEYS["P-256"]!, { subj: "/CN=10.9.8.7" })]);
    for (const [label, der] of common) {
      expect(readCommonCsr(der), label).toBeDefined();
      // The imported key is the one the CSR carries (whichever way its kind is imported).
      const parts = readCommonCsr(der)!;
      expect(new Uint8Array(parts.publicKey.export({ format: "der", type: "spki" })), label).toEqual(new Uint8Array(parts.spki));
      // What the reader says of the key without asking OpenSSL is what the imported key says.
      expect(parts.keyKind, label).toBe(parts.publicKey.asymmetricKeyType);
      expect(describeKeyDetails(parts.keyKind, parts.keyDetails), label).toEqual(describeKeyObject(parts.publicKey));
      await expectSame(der, label);
    }
  });

  it("leaves other shapes to @peculiar/x509, with the same results", async () => {
    other.push(["RSA-PSS key", opensslCsr(KEYS["RSA-PSS"]!)]);
    other.push(["secp256k1 key", opensslCsr(KEYS.secp256k1!)]);
    other.push(["IPv6 SAN", opensslCsr(KEYS["P-256"]!, { addext: ["subjectAltName=IP:2001:db8::1"] })]);
    other.push([
      "otherName and dirName SAN",
      opensslCsr(KEYS["P-256"]!, {
        addext: ["subjectAltName=DNS:a.example,otherName:1.3.6.1.4.1.311.20.2.3;UTF8:upn@example.com,dirName:dir_sect"],
        config: sanConfig(),
      }),
    ]);
    other.push([
      "key usage and EKU asked for",
      opensslCsr(KEYS["P-256"]!, {
        addext: ["subjectAltName=DNS:k.example", "keyUsage=digitalSignature", "extendedKeyUsage=serverAuth", "basicConstraints=CA:TRUE"],
      }),
    ]);
    other.push(["SHA-1 signature", opensslCsr(KEYS["RSA 2048"]!, { digest: "sha1" })]);
    for (const [label, der] of other) {
      expect(readCommonCsr(der), label).toBeUndefined();
      await expectSame(der, label);
    }
  });

  it("damaged CSRs (bit flips, truncations, swapped signatures) get the same verdicts and errors", async () => {
    const rng = prng(1302);
    const seeds = [...common, ...other];
    const verdicts = new Map<string, number>();
    for (let i = 0; i < 600; i++) {
      const [label, seed] = seeds[i % seeds.length]!;
      const der = new Uint8Array(seed);
      let what: string;
      if (rng.chance(0.25)) {
        const cut = rng.int(1, der.length - 1);
        what = `${label} truncated to ${cut}`;
        await tally(await expectSame(der.slice(0, cut), what));
        continue;
      }
      const at = rng.int(0, der.length - 1);
      const bit = 1 << rng.int(0, 7);
      der[at]! ^= bit;
      what = `${label}: byte ${at} ^ ${bit}`;
      await tally(await expectSame(der, what));
    }
    // A signature from another CSR's key over this CSR's body.
    const [a, b] = [common[0]![1], common[1]![1]];
    const swapped = await expectSame(new Uint8Array([...a.slice(0, a.length - 72), ...b.slice(b.length - 72)]), "swapped tail");
    expect(swapped).toBeDefined();
    async function tally(result: Awaited<ReturnType<typeof outcome>>) {
      const key =
        "parse" in result ? `parse ${JSON.stringify(result.parse).slice(0, 40)}` : `verify ${JSON.stringify(result.verified).slice(0, 30)}`;
      verdicts.set(key, (verdicts.get(key) ?? 0) + 1);
    }
    // The damage reached every outcome: refused at parsing, refused at verification, and (for bits the signature does not cover) accepted.
    const keys = [...verdicts.keys()];
    expect(keys.some((k) => k.startsWith("parse"))).toBe(true);
    expect(keys.some((k) => k.startsWith("verify {"))).toBe(true);
  });

  it("a P-256 point that is not on the curve is refused by every reader with the full reader's error", async () => {
    const der = opensslCsr(KEYS["P-256"]!, { addext: ["subjectAltName=DNS:svc.example.com"] });
    const spki = readCommonCsr(der)!.spki;
    const at = Buffer.from(der).indexOf(Buffer.from(spki)) + spki.length - 1; // the last byte of y
    let refused = 0;
    for (const bit of [1, 2, 4, 8, 16, 32, 64, 128]) {
      const bad = new Uint8Array(der);
      bad[at]! ^= bit;
      // y changed alone: (x, y') is off the curve unless y' = p - y, which one bit flip cannot make.
      expect(readCommonCsr(bad)).toBeUndefined();
      const result = await expectSame(bad, `y ^ ${bit}`);
      const pem = `-----BEGIN CERTIFICATE REQUEST-----\n${Buffer.from(bad).toString("base64")}\n-----END CERTIFICATE REQUEST-----\n`;
      const error = await readVerifiedCsr(pem).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).code).toBe("INVALID_CSR");
      expect(JSON.stringify(result)).toContain((error as AppError).message.slice(0, 40));
      refused++;
    }
    expect(refused).toBe(8);
    // A good point with a damaged signature: refused by readVerifiedCsr (the pipeline's reader) with the signature message.
    const badSignature = new Uint8Array(der);
    badSignature[badSignature.length - 5]! ^= 1;
    const pem = `-----BEGIN CERTIFICATE REQUEST-----\n${Buffer.from(badSignature).toString("base64")}\n-----END CERTIFICATE REQUEST-----\n`;
    const error = await readVerifiedCsr(pem).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((error as AppError).message).toMatch(/^The CSR's signature does not verify/);
    expect((await readVerifiedCsr(der)).verified).toBe(true);
  });

  it("a PEM CSR and its DER read the same", async () => {
    const der = common[0]![1];
    const pem = opensslOk(["req", "-inform", "DER", "-in", path.join(dir, "r0.csr")]);
    expect(parsePemBlocks(pem)[0]!.der).toEqual(der);
    expect(await outcome(() => parseCsr(pem))).toEqual(await outcome(() => parseCsr(der)));
  });
});

function sanConfig(): string {
  const file = path.join(dir, "san.cnf");
  writeFileSync(file, "[req]\ndistinguished_name=dn\n[dn]\n[dir_sect]\nCN=Directory Name\nO=Example\n");
  return file;
}
