/**
 * tlv (der-build.ts) writes each element in one allocation: the same bytes as the plain
 * concatenation it replaced, at every length-form boundary (X.690 8.1.3), and the leaf template's
 * PEM is @peculiar/x509's PemConverter output for every length.
 */
import { describe, expect, it } from "vitest";
import { x509 } from "./crypto-provider";
import { tlv } from "./der-build";
import { toPem } from "./pem";

/** The encoding as X.690 spells it, written the slow way. */
function reference(tag: number, parts: Uint8Array[]): Buffer {
  const content = Buffer.concat(parts);
  const n = content.length;
  const len: number[] = [];
  if (n < 0x80) len.push(n);
  else {
    for (let v = n; v > 0; v = Math.floor(v / 256)) len.unshift(v & 0xff);
    len.unshift(0x80 | len.length);
  }
  return Buffer.concat([Buffer.from([tag, ...len]), content]);
}

describe("tlv", () => {
  it("matches the X.690 encoding at every length-form boundary, with any split into parts", () => {
    for (const n of [0, 1, 127, 128, 129, 255, 256, 257, 65535, 65536, 65537, 16777215, 16777216]) {
      const content = Buffer.alloc(n, 0xab);
      const splits = n > 2 ? [[content], [content.subarray(0, 1), content.subarray(1, n - 1), content.subarray(n - 1)]] : [[content], []];
      for (const parts of n === 0 ? [[], [Buffer.alloc(0)]] : splits) {
        expect(tlv(0x30, ...parts).equals(reference(0x30, parts))).toBe(true);
      }
    }
  });

  it("a part that is a view into a larger buffer is copied from its own offset", () => {
    const big = Buffer.from("00112233445566778899", "hex");
    expect(tlv(0x04, big.subarray(3, 6)).toString("hex")).toBe("0403334455");
  });
});

describe("toPem", () => {
  it("is PemConverter.encode(der, 'CERTIFICATE') plus a newline, for every length around the line width", () => {
    for (let n = 1; n <= 200; n++) {
      const der = new Uint8Array(Buffer.alloc(n, n));
      expect(toPem(der, "CERTIFICATE")).toBe(x509.PemConverter.encode(der, "CERTIFICATE") + "\n");
    }
  });
});
