/**
 * Inspect reads each pasted certificate once (pasted.ts) for the summary, the lints and the chain
 * verdict: the shared readings must give what each part computed on its own before.
 */
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { tempDir } from "../../testing/openssl";
import { opensslCsr, opensslSelfSigned, opensslSignCsr, type OpensslFiles } from "../../testing/openssl-pki";
import { parseCertificate, verifyChain } from "../../verify";
import { x509 } from "../crypto-provider";
import { colonHex } from "../serial";
import { parsePemBlocks, type Bytes } from "../pem";
import { summarizeCertificate, summarizeRead } from "../summary";
import { lintCertificate } from "./lint";
import { PastedCertificate } from "./pasted";

let ca: OpensslFiles;
let leafDer: Bytes;
const derOf = (file: string) => parsePemBlocks(readFileSync(file, "utf8"))[0]!.der;

beforeAll(() => {
  const dir = tempDir("cadesk-pasted-");
  ca = opensslSelfSigned(dir, "ca", { subject: "/CN=Pasted CA", newkey: ["-newkey", "rsa:2048"] });
  const csr = opensslCsr(dir, "leaf", { subject: "/CN=leaf.example.com" }).out;
  leafDer = derOf(
    opensslSignCsr(dir, "leaf", {
      csr,
      ca,
      extensions: "subjectAltName=DNS:leaf.example.com\nkeyUsage=digitalSignature,keyEncipherment\n",
      days: 500,
    }),
  );
});

describe("PastedCertificate", () => {
  it("summarises as summarizeCertificate does, with WebCrypto's fingerprints", async () => {
    const pasted = new PastedCertificate(leafDer);
    const read = summarizeRead({ cert: pasted.x509(), key: pasted.key(), sha256: pasted.sha256(), sha1: pasted.sha1() });
    expect(read).toEqual(await summarizeCertificate(leafDer));
    const cert = new x509.X509Certificate(leafDer);
    expect(read.sha256).toBe(colonHex(Buffer.from(await cert.getThumbprint("SHA-256")).toString("hex")));
    expect(read.sha1).toBe(colonHex(Buffer.from(await cert.getThumbprint("SHA-1")).toString("hex")));
  });

  it("lints as the DER alone does, and keeps each reading", () => {
    const pasted = new PastedCertificate(leafDer);
    expect(lintCertificate(pasted)).toEqual(lintCertificate(leafDer));
    expect(lintCertificate(pasted).map((l) => l.code)).toContain("LONG_VALIDITY");
    expect(pasted.x509()).toBe(pasted.x509());
    expect(pasted.parsed()).toBe(pasted.parsed());
    expect(pasted.key()).toBe(pasted.key());
  });

  it("refuses an unreadable certificate the same way each time", () => {
    const broken = new PastedCertificate(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01]));
    expect(() => broken.parsed()).toThrow();
    const first = (() => {
      try {
        broken.x509();
      } catch (error) {
        return error;
      }
    })();
    expect(first).toBeInstanceOf(Error);
    expect(() => broken.x509()).toThrow(first as Error);
  });

  it("hands its readings to the chain verdict, which gives the same verdict as reading the DER itself", () => {
    const pasted = [new PastedCertificate(leafDer), new PastedCertificate(derOf(ca.out))];
    const byDer = new Map<Uint8Array, PastedCertificate>(pasted.map((p) => [p.der, p]));
    const asked: Uint8Array[] = [];
    const options = {
      leaf: leafDer,
      anchors: [{ der: pasted[1]!.der, name: "the test CA" }],
      hostname: "leaf.example.com",
      time: new Date(),
    };
    const shared = verifyChain({
      ...options,
      read: (der) => {
        asked.push(der);
        return byDer.get(der)?.parsed() ?? parseCertificate(der);
      },
    });
    expect(asked).toEqual([leafDer, pasted[1]!.der]);
    expect(shared.ok).toBe(true);
    expect(shared).toEqual(verifyChain(options));
  });
});
