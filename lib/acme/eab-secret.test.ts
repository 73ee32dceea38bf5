import { describe, expect, it } from "vitest";
import { argumentSafeRandom } from "./eab-secret";

describe("argumentSafeRandom", () => {
  it("never begins with '-' in base64url, so certbot's --eab-kid/--eab-hmac-key take it as a value", () => {
    // Plain randomBytes begins with "-" once in 64: in 3,000 draws that happens ~47 times.
    const values = Array.from({ length: 3000 }, () => argumentSafeRandom(16).toString("base64url"));
    expect(values.filter((v) => v.startsWith("-"))).toEqual([]);
    expect(new Set(values).size).toBe(3000);
    // Every other first character still occurs: only "-" is drawn again.
    expect(new Set(values.map((v) => v[0])).size).toBeGreaterThan(50);
    expect(argumentSafeRandom(32)).toHaveLength(32);
  });
});
