import { describe, expect, it } from "vitest";
import { parsePemBlocks, readPemOrDer, toPem } from "./pem";

describe("PEM", () => {
  it("round-trips DER through PEM with 64-character lines", () => {
    const der = new Uint8Array(100).map((_, i) => i);
    const pem = toPem(der, "CERTIFICATE");
    expect(pem.split("\n")[1]).toHaveLength(64);
    expect(parsePemBlocks(pem)[0]!.der).toEqual(der);
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
