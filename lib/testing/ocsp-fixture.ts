/**
 * Tests: a CA on the test store with one leaf, and the OCSP request `openssl ocsp -reqout` makes
 * for that leaf (no nonce, SHA-1 CertID), for tests that send real OCSP requests to real routes.
 */
import { readFileSync } from "node:fs";
import { runAs, SYSTEM_ACTOR } from "../auth/actor";
import { createAuthority } from "../services/create-authority";
import { issueCertificate } from "../services/issue-certificate";
import { opensslOk, tempDir, writeFiles } from "./openssl";

export async function ocspFixture(name: string): Promise<{ caId: string; request: Buffer }> {
  const ca = await runAs(SYSTEM_ACTOR, () => createAuthority({ commonName: `${name} Root` }));
  const caId = ca.authority.id;
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, "-");
  const { certificate } = await runAs(SYSTEM_ACTOR, () => issueCertificate({ caId, commonName: `${slug}.example.test` }));
  const dir = tempDir(`cadesk-${slug}-`);
  const f = writeFiles(dir, { "ca.pem": ca.authority.certificatePem, "leaf.pem": certificate.certificatePem });
  opensslOk(["ocsp", "-issuer", f["ca.pem"]!, "-cert", f["leaf.pem"]!, "-no_nonce", "-reqout", `${dir}/req.der`]);
  return { caId, request: readFileSync(`${dir}/req.der`) };
}
