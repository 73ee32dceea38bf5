import { X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { x509 } from "./crypto-provider";
import { parsePemBlocks, readPemOrDer, toPem } from "./pem";

describe("PEM", () => {
  it("round-trips DER through PEM with 64-character lines", () => {
    const der = new Uint8Array(100).map((_, i) => i);
    const pem = toPem(der, "CERTIFICATE");
    expect(pem.split("\n")[1]).toHaveLength(64);
    expect(parsePemBlocks(pem)[0]!.der).toEqual(der);
  });

  it("writes what @peculiar/x509's PemConverter and OpenSSL write, at every length around the line breaks", () => {
    for (let length = 1; length <= 200; length++) {
      const der = new Uint8Array(length).map((_, i) => (i * 37 + length) & 0xff);
      const pem = toPem(der, "X509 CRL");
      expect(pem, `${length} bytes`).toBe(x509.PemConverter.encode(der.buffer as ArrayBuffer, "X509 CRL").replace(/\r?\n/g, "\n") + "\n");
      // From an ArrayBuffer, and from a view into a larger buffer, the same text.
      expect(toPem(der.slice().buffer, "X509 CRL")).toBe(pem);
      const padded = new Uint8Array(length + 8);
      padded.set(der, 3);
      expect(toPem(padded.subarray(3, 3 + length), "X509 CRL")).toBe(pem);
    }
    // A real certificate's PEM as OpenSSL writes it (node:crypto's toString is OpenSSL's PEM_write).
    const certificate = new X509Certificate(readFileSync(path.join(__dirname, "../tls/fixtures/root.pem")));
    expect(toPem(certificate.raw, "CERTIFICATE")).toBe(certificate.toString());
  });

  it("refuses a broken base64 body, a truncated block and a mismatched END", () => {
    expect(() => parsePemBlocks("-----BEGIN CERTIFICATE-----\nMII$$$\n-----END CERTIFICATE-----")).toThrow(/not valid base64/);
    expect(() => parsePemBlocks("-----BEGIN CERTIFICATE-----\nMIIB")).toThrow(/truncated/);
    expect(() => parsePemBlocks("-----BEGIN CERTIFICATE-----\nAAAA\n-----END PRIVATE KEY-----")).toThrow(/ends with "PRIVATE KEY"/);
  });

  it("says when a certificate was pasted where a CSR is expected", () => {
    const pem = toPem(new Uint8Array([0x30, 0]), "CERTIFICATE");
    expect(() => readPemOrDer(pem, ["CERTIFICATE REQUEST"], "certificate signing request")).toThrow(/You pasted a certificate/);
    expect(() => readPemOrDer("hello", ["CERTIFICATE REQUEST"], "certificate signing request")).toThrow(
      /not a PEM certificate signing request/,
    );
  });

  it("passes DER bytes through", () => {
    expect(readPemOrDer(new Uint8Array([0x30, 1, 2]), ["CERTIFICATE"], "certificate")).toEqual(new Uint8Array([0x30, 1, 2]));
  });
});
