/**
 * x509-limbo's native cases through the validator and through Inspect's service, when a locally
 * generated limbo.json is given (LIMBO_JSON=/path/limbo.json): the suite's cases are not in this
 * repository (see README, "Chain verdict"). RFC 5280 and CVE cases run in private-CA mode,
 * `webpki::` ones in WebPKI-strict mode; the known disagreements are listed with their reason.
 */
import { describe, expect } from "vitest";
import { it } from "../testing/system";
import { AppError } from "../errors";
import { inspect } from "../services/inspect";
import { limboHostname, limboMode, limboVerifyOptions, loadLimbo } from "../testing/limbo";
import { verifyChain } from "./verify";

/**
 * Where cadesk knowingly differs from limbo's expectation, and why. These three leaves keep limbo's
 * default CN=example.com beside other SANs (the cases replace the SAN only), which breaks CA/B Forum
 * BR 7.1.4.3; limbo's nine webpki::cn:: cases expect WebPKI-strict verifiers to refuse exactly
 * that, so no verifier can agree with all twelve. lib/verify/limbo-shapes.test.ts rebuilds them.
 */
const KNOWN: Record<string, string> = {
  "webpki::nc::nc-permits-dns-san-pattern": "CN=example.com is not a SAN (BR 7.1.4.3)",
  "webpki::san::exact-localhost-ip-san": "CN=example.com is not a SAN (BR 7.1.4.3)",
  "webpki::san::leftmost-wildcard-san": "CN=example.com is not a SAN (BR 7.1.4.3)",
};

const cases = loadLimbo(process.env.LIMBO_JSON);

describe.skipIf(cases.length === 0)("x509-limbo", () => {
  it("agrees with every case but the known ones, 95% or more overall", () => {
    const disagree: string[] = [];
    for (const tc of cases) {
      const v = verifyChain(limboVerifyOptions(tc));
      if (v.ok !== (tc.expected_result === "SUCCESS")) disagree.push(tc.id);
      // Every refusal names its rule, the certificate and the section, in the explanation too.
      if (!v.ok) {
        expect(v.failure, tc.id).toBeDefined();
        expect(v.failure!.section, tc.id).toMatch(/^(RFC \d+|CA\/B Forum BR) /);
        expect(v.explanation, tc.id).toContain(v.failure!.section.split(" / ")[0]!.split(" (")[0]!);
      }
    }
    console.log(
      `x509-limbo: cadesk agrees with ${cases.length - disagree.length} of ${cases.length} cases; differs on ${disagree.join(", ")}`,
    );
    expect(disagree.filter((id) => !KNOWN[id])).toEqual([]);
    expect(cases.length - disagree.length).toBeGreaterThanOrEqual(Math.ceil(cases.length * 0.95));
  });

  it("never fails Inspect with anything but a named input error (no 5xx)", async () => {
    for (const tc of cases) {
      const input = [tc.peer_certificate, ...tc.untrusted_intermediates, ...tc.crls].join("\n");
      try {
        const result = await inspect({
          input,
          rootPem: tc.trusted_certs.join("\n"),
          hostname: limboHostname(tc),
          validationTime: tc.validation_time ? new Date(tc.validation_time) : undefined,
          purpose: tc.validation_kind === "CLIENT" ? "client" : "server",
          mode: limboMode(tc),
        });
        expect(result.objects.length, tc.id).toBeGreaterThan(0);
      } catch (error) {
        // A 4xx names what is wrong with the input; anything else would be a 500.
        expect(error, `${tc.id}: ${String(error)}`).toBeInstanceOf(AppError);
        expect((error as AppError).status, tc.id).toBeLessThan(500);
      }
    }
  }, 300_000);
});
