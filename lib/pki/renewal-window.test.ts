import { describe, expect, it } from "vitest";
import { DAY } from "../time";
import { renewalWindow } from "./renewal-window";

const notBefore = new Date("2026-01-01T00:00:00Z");
const notAfter = new Date(notBefore.getTime() + 90 * DAY);
const now = new Date("2026-01-10T12:00:00Z");

describe("renewalWindow (RFC 9773 4.2)", () => {
  it("is the last third of the lifetime: a 90-day certificate from day 60 to its expiry", () => {
    const w = renewalWindow({ notBefore, notAfter, status: "active", authorityStatus: "active" }, now);
    expect(w).toEqual({ start: new Date("2026-03-02T00:00:00Z"), end: notAfter, renewNow: null });
  });

  it("opens now when the certificate is revoked (a hold is a revocation too)", () => {
    const w = renewalWindow({ notBefore, notAfter, status: "revoked", authorityStatus: "active" }, now);
    expect(w.renewNow).toBe("certificate revoked");
    expect(w.start.getTime()).toBeLessThan(now.getTime());
    expect(w.end).toEqual(now);
  });

  it("opens now when the issuing CA is revoked", () => {
    const w = renewalWindow({ notBefore, notAfter, status: "active", authorityStatus: "revoked" }, now);
    expect(w.renewNow).toBe("CA revoked");
    expect(w.end).toEqual(now);
  });
});
