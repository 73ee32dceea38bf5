/** The pure rules of issuance: names against the profile, validity windows. No store, no tools. */
import { describe, expect, it } from "vitest";
import { AppError } from "../errors";
import { BACKDATE_MS, computeValidity, LONG_LEAF_WARNING_DAYS } from "../pki/profiles";
import { commonNameAsHost, leafSans } from "./names";
import { leafValidity } from "./validity";

const refusal = (fn: () => unknown): AppError => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }
  throw new Error("expected a refusal");
};

describe("leafSans", () => {
  it("puts a server's host-name CN first in the SAN, once", () => {
    expect(leafSans("server", "api.example.com", [])).toEqual([{ type: "dns", value: "api.example.com" }]);
    expect(leafSans("server", "api.example.com", [{ type: "dns", value: "alt.example.com" }])).toEqual([
      { type: "dns", value: "api.example.com" },
      { type: "dns", value: "alt.example.com" },
    ]);
    expect(leafSans("server", "api.example.com", [{ type: "dns", value: "api.example.com" }])).toHaveLength(1);
    expect(leafSans("server", "localhost", [])).toEqual([{ type: "dns", value: "localhost" }]);
    expect(leafSans("server", "10.0.0.1", [])).toEqual([{ type: "ip", value: "10.0.0.1" }]);
  });

  it("refuses a server without a DNS name or IP, saying the CN is not a host name", () => {
    const error = refusal(() => leafSans("server", "Billing Team", [{ type: "email", value: "ops@example.com" }]));
    expect(error.field).toBe("sans");
    expect(error.message).toMatch(/"Billing Team" is not a host name.*DNS name or IP address/);
    expect(refusal(() => leafSans("server", undefined, [])).message).not.toMatch(/Common Name/);
  });

  it("never turns a client's one-label CN into a DNS name, and asks for a SAN instead", () => {
    const error = refusal(() => leafSans("client", "client-p256", []));
    expect(error.message).toMatch(/"client-p256" is not a host name/);
    expect(error.message).toMatch(/spiffe:\/\/example\.org\/client-p256.*e-mail address.*DNS name/);
    expect(leafSans("client", "client-p256", [{ type: "uri", value: "spiffe://example.org/client-p256" }])).toEqual([
      { type: "uri", value: "spiffe://example.org/client-p256" },
    ]);
    // An e-mail address as CN is not a host name either: it goes nowhere unless asked for as a SAN.
    expect(refusal(() => leafSans("client", "alice@example.com", [])).message).toMatch(/not a host name/);
    expect(commonNameAsHost("client", "client-p256")).toBeNull();
  });

  it("uses a client's dotted host-name CN only when nothing else was given", () => {
    expect(leafSans("client", "svc.example.com", [])).toEqual([{ type: "dns", value: "svc.example.com" }]);
    expect(leafSans("client", "svc.example.com", [{ type: "uri", value: "spiffe://example.org/svc" }])).toEqual([
      { type: "uri", value: "spiffe://example.org/svc" },
    ]);
    expect(leafSans("server-client", "svc", [])).toEqual([{ type: "dns", value: "svc" }]);
  });
});

describe("validity", () => {
  const now = new Date("2026-03-01T12:34:56.789Z");
  const issuer = { commonName: "Test CA", notBefore: new Date("2025-01-01T00:00:00Z"), notAfter: new Date("2027-01-01T00:00:00Z") };

  it("computeValidity backdates by five minutes, keeps whole seconds, and runs for the days asked", () => {
    const v = computeValidity(90, now);
    expect(v.notBefore.toISOString()).toBe("2026-03-01T12:29:56.000Z");
    expect(now.getTime() - 789 - v.notBefore.getTime()).toBe(BACKDATE_MS);
    expect(v.notAfter.toISOString()).toBe("2026-05-30T12:34:56.000Z");
    expect(v.capped).toBe(false);
  });

  it("computeValidity never starts before or ends after the issuer", () => {
    const young = { notBefore: new Date("2026-03-01T12:33:00Z"), notAfter: new Date("2026-04-01T00:00:00Z") };
    const v = computeValidity(90, now, young);
    expect(v.notBefore).toEqual(young.notBefore);
    expect(v.notAfter).toEqual(young.notAfter);
    expect(v.capped).toBe(true);
  });

  it("leafValidity warns when the CA cut the lifetime and when it is longer than public CAs allow", () => {
    expect(leafValidity(90, issuer, now).warnings).toEqual([]);
    const capped = leafValidity(400, issuer, now);
    expect(capped.notAfter).toEqual(issuer.notAfter);
    expect(capped.warnings[0]).toMatch(/shortened to end with the CA "Test CA" on 2027-01-01/);
    expect(capped.warnings[1]).toMatch(new RegExp(`400 days is longer than the ${LONG_LEAF_WARNING_DAYS}-day limit`));
  });
});
