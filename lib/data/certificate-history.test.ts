/** A certificate's history against a real SQLite store, seeded through the services. */
import { describe, expect } from "vitest";
import { beforeAll, it } from "../testing/system";
import { findCertificateByAriId } from "../acme/ra";
import { opensslOk } from "../testing/openssl";
import { renewalWindow } from "../pki/renewal-window";
import { createAuthority } from "../services/create-authority";
import { exportCertificate } from "../services/export-certificate";
import { issueCertificate } from "../services/issue-certificate";
import { renewCertificate } from "../services/renew-certificate";
import { revokeCertificate } from "../services/revoke-certificate";
import { certificateHistory } from "./certificate-history";

let caId: string;

beforeAll(async () => {
  const root = await createAuthority({ commonName: "History Root" });
  caId = (await createAuthority({ commonName: "History Issuing", parentId: root.authority.id })).authority.id;
});

describe("certificateHistory", () => {
  it("is null for an unknown id", async () => {
    expect(await certificateHistory("00000000-0000-0000-0000-000000000000")).toBeNull();
  });

  it("gives the ARI window of renewalInfo and a certID that names the certificate as OpenSSL reads it", async () => {
    const { certificate } = await issueCertificate({ caId, commonName: "history.example.com", validityDays: 90 });
    const now = new Date(certificate.notBefore.getTime() + 86_400_000);
    const history = (await certificateHistory(certificate.id, now))!;
    expect(history.window).toEqual(renewalWindow({ ...certificate, authorityStatus: "active" }, now));
    const lifetime = certificate.notAfter.getTime() - certificate.notBefore.getTime(); // 90 days and the backdating
    expect(history.window.start.getTime() - certificate.notBefore.getTime()).toBe((lifetime * 2) / 3);

    // RFC 9773 4.1: base64url(AKI keyIdentifier) "." base64url(serial DER content), from the certificate itself.
    const text = opensslOk(["x509", "-noout", "-ext", "authorityKeyIdentifier", "-serial"], certificate.certificatePem);
    const aki = /keyid:([0-9A-F:]+)/i.exec(text)?.[1] ?? /\n\s+([0-9A-F]{2}(?::[0-9A-F]{2})+)/i.exec(text)![1]!;
    const serial = /serial=([0-9A-F]+)/i.exec(text)![1]!;
    let serialBytes = Buffer.from(serial.length % 2 ? "0" + serial : serial, "hex");
    if (serialBytes[0]! & 0x80) serialBytes = Buffer.concat([Buffer.from([0]), serialBytes]);
    expect(history.ariCertId).toBe(`${Buffer.from(aki.replace(/:/g, ""), "hex").toString("base64url")}.${serialBytes.toString("base64url")}`);
    expect((await findCertificateByAriId(history.ariCertId))?.id).toBe(certificate.id);

    expect(history.events.map((e) => [e.kind, e.future])).toEqual([
      ["issued", false],
      ["renew-from", true],
      ["expires", true],
    ]);
    expect(history.events[0]!.label).toBe("Issued through the API by cadesk");
  });

  it("links a renewal both ways, and a revocation opens the window now, with who did it", async () => {
    const { certificate: old } = await issueCertificate({ caId, commonName: "renewed.example.com" });
    const renewed = await renewCertificate(old.id, { revokeOld: false });
    await exportCertificate(old.id, "key");
    await revokeCertificate(old.id, { reason: "superseded" });
    const history = (await certificateHistory(old.id))!;
    expect(history.window.renewNow).toBe("certificate revoked");
    const kinds = history.events.map((e) => e.kind);
    expect(kinds).toEqual(["issued", "renewed", "key-export", "revoked", "expires"]);
    const renewal = history.events.find((e) => e.kind === "renewed")!;
    expect(renewal.link?.href).toBe(`/certificates/${renewed.certificate.id}`);
    expect(history.events.find((e) => e.kind === "revoked")!.label).toBe("Revoked (superseded) by cadesk");

    const newer = (await certificateHistory(renewed.certificate.id))!;
    expect(newer.events[0]).toMatchObject({ kind: "issued", label: "Issued as a renewal by cadesk" });
    expect(newer.events[0]!.link?.href).toBe(`/certificates/${old.id}`);
    expect(newer.window.renewNow).toBeNull();
  });
});
