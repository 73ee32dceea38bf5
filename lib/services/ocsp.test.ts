import { readFileSync, writeFileSync } from "node:fs";
import { describe, expect } from "vitest";
import { beforeAll, it } from "../testing/system";
import { signLeafCertificate, certificatePem } from "../pki/certificate";
import { buildName } from "../pki/names";
import { generateKeyPair } from "../pki/keys";
import { computeValidity } from "../pki/profiles";
import { randomSerial } from "../pki/serial";
import { openssl, opensslOk, tempDir, writeFiles } from "../testing/openssl";
import { createAuthority } from "./create-authority";
import { issueCertificate } from "./issue-certificate";
import { loadIssuer } from "./issuer";
import { answerOcsp } from "./ocsp";
import { revokeAuthority } from "./revoke-authority";
import { revokeCertificate } from "./revoke-certificate";

let caId: string;
let issuingPem: string;
let chainPem: string;

beforeAll(async () => {
  const root = await createAuthority({ commonName: "OCSP Root" });
  const issuing = await createAuthority({ commonName: "OCSP Issuing", parentId: root.authority.id });
  caId = issuing.authority.id;
  issuingPem = issuing.authority.certificatePem;
  chainPem = root.authority.certificatePem + issuingPem;
});

/** Asks about a certificate the way `openssl ocsp` does, and lets openssl check the answer. */
async function ask(leafPem: string, askCaId = caId, issuerPem = issuingPem) {
  const dir = tempDir("cadesk-ocsp-");
  const f = writeFiles(dir, { "issuer.pem": issuerPem, "leaf.pem": leafPem, "chain.pem": chainPem });
  opensslOk(["ocsp", "-issuer", f["issuer.pem"]!, "-cert", f["leaf.pem"]!, "-reqout", `${dir}/req.der`]);
  writeFileSync(`${dir}/resp.der`, await answerOcsp(askCaId, new Uint8Array(readFileSync(`${dir}/req.der`))));
  // Only -reqin and -respin: adding -cert would make openssl extend the request with a new nonce.
  const r = openssl(["ocsp", "-reqin", `${dir}/req.der`, "-respin", `${dir}/resp.der`, "-CAfile", f["chain.pem"]!, "-resp_text"]);
  return r.stdout + r.stderr;
}

describe("OCSP responder", () => {
  it("puts its URL in issued certificates", async () => {
    const { certificate } = await issueCertificate({ caId, commonName: "aia.example.com" });
    expect(opensslOk(["x509", "-noout", "-ext", "authorityInfoAccess"], certificate.certificatePem)).toContain(
      `OCSP - URI:http://localhost:3000/ocsp/${caId}`,
    );
  });

  it("answers good, then revoked with time and reason, in a response openssl verifies with the nonce", async () => {
    const { certificate } = await issueCertificate({ caId, commonName: "ocsp.example.com" });
    const good = await ask(certificate.certificatePem);
    expect(good).toContain("Response verify OK");
    expect(good).toContain("Cert Status: good");
    expect(good).toContain("OCSP Nonce"); // echoed, and checked by openssl against the request
    expect(good).not.toContain("Nonce Verify error");

    await revokeCertificate(certificate.id, { reason: "keyCompromise" });
    const revoked = await ask(certificate.certificatePem);
    expect(revoked).toContain("Response verify OK");
    expect(revoked).toContain("Cert Status: revoked");
    expect(revoked).toContain("Revocation Reason: keyCompromise (0x1)");
    expect(revoked).toMatch(/Revocation Time: \w{3} +\d+ /);
  });

  it("answers unknown for a serial it never issued, and refuses to speak for another CA", async () => {
    const issuer = await loadIssuer(caId, new Date());
    const key = await generateKeyPair("ecdsa-p256");
    const stray = await signLeafCertificate({
      issuer,
      subject: buildName({ commonName: "stray.example.com" }),
      publicKey: key.keys.publicKey,
      sans: [{ type: "dns", value: "stray.example.com" }],
      profile: "server",
      validity: computeValidity(30, new Date()),
      serialNumber: randomSerial(),
    });
    const unknown = await ask(certificatePem(stray));
    expect(unknown).toContain("Response verify OK");
    expect(unknown).toContain("Cert Status: unknown");

    const other = await createAuthority({ commonName: "OCSP Other" });
    expect(await ask(certificatePem(stray), other.authority.id)).toContain("Responder Error: unauthorized (6)");
  });

  it("reads the status on every request: a revocation another instance wrote, a revoked intermediate, a revoked CA", async () => {
    const { getDb } = await import("../db");
    const { certificate } = await issueCertificate({ caId, commonName: "elsewhere.example.com" });
    expect(await ask(certificate.certificatePem)).toContain("Cert Status: good");
    // As another instance sharing the store would write it: nothing in this process hears of it.
    const revokedAt = new Date("2026-03-04T05:06:07Z");
    await getDb().certificate.update({
      where: { id: certificate.id },
      data: { status: "revoked", revokedAt, revocationReason: "affiliationChanged" },
    });
    const revoked = await ask(certificate.certificatePem);
    expect(revoked).toContain("Response verify OK");
    expect(revoked).toContain("Cert Status: revoked");
    expect(revoked).toContain("Revocation Time: Mar  4 05:06:07 2026 GMT");
    expect(revoked).toContain("Revocation Reason: affiliationChanged (0x3)");

    // An intermediate is answered by its parent's responder, and once revoked it answers for nobody.
    const rootId = (await getDb().authority.findUniqueOrThrow({ where: { id: caId } })).parentId!;
    const rootPem = chainPem.slice(0, chainPem.length - issuingPem.length);
    const sub = await createAuthority({ commonName: "OCSP Short-lived Intermediate", parentId: rootId });
    const { certificate: leaf } = await issueCertificate({ caId: sub.authority.id, commonName: "under-sub.example.com" });
    const subAsk = (pem: string) => ask(pem, sub.authority.id, sub.authority.certificatePem);
    expect(await subAsk(leaf.certificatePem)).toContain("Cert Status: good");
    expect(await ask(sub.authority.certificatePem, rootId, rootPem)).toContain("Cert Status: good");
    await revokeAuthority(sub.authority.id, { reason: "cACompromise" });
    const subRevoked = await ask(sub.authority.certificatePem, rootId, rootPem);
    expect(subRevoked).toContain("Response verify OK");
    expect(subRevoked).toContain("Cert Status: revoked");
    expect(subRevoked).toContain("Revocation Reason: cACompromise (0x2)");
    expect(await subAsk(leaf.certificatePem)).toContain("Responder Error: internalerror (2)");
  });

  it("answers malformed requests with malformedRequest", async () => {
    const response = await answerOcsp(caId, new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x00]));
    const f = writeFiles(tempDir(), { "resp.der": response });
    expect(openssl(["ocsp", "-respin", f["resp.der"]!, "-resp_text", "-noverify"]).stdout).toContain("malformedrequest");
  });
});

describe("delegated OCSP responder", () => {
  it("signs with a short-lived OCSPSigning certificate from the CA, reused, and replaced a week before it ends", async () => {
    const { certificate } = await issueCertificate({ caId, commonName: "delegated.example.com" });
    const text = await ask(certificate.certificatePem);
    expect(text).toContain("Response verify OK");
    expect(text).toContain("Subject: CN=OCSP Issuing OCSP Responder");
    expect(text).toContain("OCSP Signing");
    expect(text).toContain("OCSP No Check");
    const { getDb } = await import("../db");
    const first = await getDb().ocspResponder.findUniqueOrThrow({ where: { authorityId: caId } });
    expect(first.notAfter.getTime() - Date.now()).toBeGreaterThan(29 * 86_400_000);
    await ask(certificate.certificatePem);
    expect((await getDb().ocspResponder.findUniqueOrThrow({ where: { authorityId: caId } })).serialHex).toBe(first.serialHex);

    const { ocspSigner } = await import("./ocsp-responder");
    const later = new Date(first.notAfter.getTime() - 6 * 86_400_000);
    const renewed = await ocspSigner(await loadIssuer(caId, later), later);
    expect(renewed.certificate.serialNumber.toLowerCase()).not.toBe(first.serialHex);
    expect((await getDb().ocspResponder.findUniqueOrThrow({ where: { authorityId: caId } })).serialHex).toBe(
      renewed.certificate.serialNumber.toLowerCase(),
    );
  });
});
