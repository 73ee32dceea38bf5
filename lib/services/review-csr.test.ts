import { describe, expect, it } from "vitest";
import { runAs, SYSTEM_ACTOR } from "../auth/actor";
import { createAuthority } from "./create-authority";
import { issueCertificate } from "./issue-certificate";
import { reviewCsr } from "./review-csr";
import { opensslOk, tempDir } from "../testing/openssl";
import { opensslCsr, opensslPem } from "../testing/openssl-pki";
import { reviewCsrRequest, suggestedProfile } from "../pki/csr-review";
import { parseCertificate } from "../pki/certificate";
import { parsePemBlocks } from "../pki/pem";

/** A CSR made by openssl itself, with subject attributes and requested extensions. */
function csr(subject: string, ...addext: string[]): string {
  const dir = tempDir("cadesk-csr-review-");
  return opensslPem.csr(opensslCsr(dir, "r", { subject, extra: addext.flatMap((e) => ["-addext", e]) }).out);
}

describe("CSR review: what it asks for beyond names, and what signing keeps", () => {
  it("lists subject attributes, EKU, key usage and CA:TRUE; defaults the profile to the requested EKU", async () => {
    const pem = csr(
      "/C=DE/O=Acme GmbH/OU=Payments/CN=billing",
      "extendedKeyUsage=clientAuth",
      "keyUsage=critical,digitalSignature,keyCertSign",
      "basicConstraints=critical,CA:TRUE",
    );
    const review = await runAs(SYSTEM_ACTOR, () => reviewCsr(pem));
    expect(review.requested.subject.map((a) => [a.type, a.value])).toEqual([
      ["C", "DE"],
      ["O", "Acme GmbH"],
      ["OU", "Payments"],
      ["CN", "billing"],
    ]);
    expect(review.requested.extendedKeyUsages).toEqual(["1.3.6.1.5.5.7.3.2"]);
    expect(review.requested.keyUsages).toEqual(["digitalSignature", "keyCertSign"]);
    expect(review.requested.asksForCa).toBe(true);
    expect(review.suggestedProfile).toBe("client");

    const rows = reviewCsrRequest(review.requested, "client", review.rsaKey);
    const outcome = (what: string, asked: string) => rows.find((r) => r.what === what && r.asked === asked)?.outcome;
    expect(outcome("Subject O (organization)", "Acme GmbH")).toBe("kept");
    expect(outcome("Subject C (country)", "DE")).toBe("kept");
    expect(outcome("Extended key usage", "clientAuth (TLS client)")).toBe("kept");
    expect(outcome("Key usage", "digitalSignature")).toBe("kept");
    expect(outcome("Key usage", "keyCertSign")).toBe("dropped");
    expect(outcome("Basic constraints", "CA:TRUE")).toBe("dropped");
    // With the server profile the requested clientAuth would be dropped, and a typed CN replaces the CSR's.
    const asServer = reviewCsrRequest(review.requested, "server", false, "billing.example.com");
    expect(asServer.find((r) => r.asked === "clientAuth (TLS client)")?.outcome).toBe("dropped");
    expect(asServer.find((r) => r.what.startsWith("Subject CN"))?.outcome).toBe("changed");
  });

  it("says the truth: the signed certificate carries the kept subject attributes and the profile's usages", async () => {
    const pem = csr("/C=DE/O=Acme GmbH/OU=Payments/CN=billing", "extendedKeyUsage=clientAuth,codeSigning");
    const ca = await runAs(SYSTEM_ACTOR, () => createAuthority({ commonName: "CSR Review CA" }));
    const review = await runAs(SYSTEM_ACTOR, () => reviewCsr(pem));
    expect(review.suggestedProfile).toBe("client");
    const rows = reviewCsrRequest(review.requested, "client", false);
    expect(rows.find((r) => r.asked === "codeSigning")?.outcome).toBe("dropped");
    const issued = await runAs(SYSTEM_ACTOR, () =>
      issueCertificate({ caId: ca.authority.id, profile: "client", csrPem: pem, sans: { uri: ["spiffe://example.org/billing"] } }),
    );
    const text = opensslOk(["x509", "-noout", "-text"], issued.certificate.certificatePem);
    expect(text).toMatch(/Subject: C ?= ?DE, O ?= ?Acme GmbH, OU ?= ?Payments, CN ?= ?billing/);
    expect(text).toMatch(/X509v3 Extended Key Usage: \n\s+TLS Web Client Authentication\n/);
    expect(parseCertificate(parsePemBlocks(issued.certificate.certificatePem)[0]!.der).subject).toContain("O=Acme GmbH");
  });

  it("suggests server+client for both EKUs and a TLS server when none is asked", () => {
    expect(suggestedProfile({ extendedKeyUsages: ["1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"] })).toBe("server-client");
    expect(suggestedProfile({ extendedKeyUsages: [] })).toBe("server");
  });
});
