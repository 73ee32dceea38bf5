/** Serials drawn from the pooled CSPRNG bytes (pooledRandom, randomSerial's default): unique, positive, 16 octets, across refills. */
import { describe, expect, it } from "vitest";
import { pooledRandom, randomSerial } from "./serial";

describe("pooled serial bytes", () => {
  it("every serial is new, across several refills of the 4 KiB pool", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const serial = randomSerial();
      expect(serial).toMatch(/^[0-9a-f]{32}$/);
      expect(parseInt(serial.slice(0, 2), 16)).toBeGreaterThan(0);
      expect(parseInt(serial.slice(0, 2), 16)).toBeLessThan(0x80);
      seen.add(serial);
    }
    expect(seen.size).toBe(2000);
  });

  it("hands out each byte once: consecutive draws never overlap", () => {
    const a = pooledRandom(16);
    const copy = Buffer.from(a);
    const b = pooledRandom(16);
    expect(a.buffer === b.buffer ? a.byteOffset + 16 <= b.byteOffset || b.byteOffset === 0 : true).toBe(true);
    expect(Buffer.from(a)).toEqual(copy);
  });
});
