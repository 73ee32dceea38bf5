/** Serials drawn from the pooled CSPRNG bytes (lib/issuance/issue.ts poolRandom): unique, positive, 16 octets, across refills. */
import { describe, expect, it } from "vitest";
import { randomSerial } from "../pki/serial";
import { poolRandom } from "./issue";

describe("pooled serial bytes", () => {
  it("every serial is new, across several refills of the 4 KiB pool", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const serial = randomSerial(poolRandom);
      expect(serial).toMatch(/^[0-9a-f]{32}$/);
      expect(parseInt(serial.slice(0, 2), 16)).toBeGreaterThan(0);
      expect(parseInt(serial.slice(0, 2), 16)).toBeLessThan(0x80);
      seen.add(serial);
    }
    expect(seen.size).toBe(2000);
  });

  it("hands out each byte once: consecutive draws never overlap", () => {
    const a = poolRandom(16);
    const copy = Buffer.from(a);
    const b = poolRandom(16);
    expect(a.buffer === b.buffer ? a.byteOffset + 16 <= b.byteOffset || b.byteOffset === 0 : true).toBe(true);
    expect(Buffer.from(a)).toEqual(copy);
  });
});
