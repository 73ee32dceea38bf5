/**
 * Signed OCSP responses are handed out again for the same question and the same answer (no
 * nonce), and never once the answer changed: a revocation is answered "revoked" at once.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { describe, expect } from "vitest";
import { beforeAll, it } from "../testing/system";
import { openssl, opensslOk, tempDir, writeFiles } from "../testing/openssl";
import { createAuthority } from "./create-authority";
import { issueCertificate } from "./issue-certificate";
import { answerOcsp } from "./ocsp";
import { revokeCertificate } from "./revoke-certificate";

let caId: string;
let caPem: string;

beforeAll(async () => {
  const ca = await createAuthority({ commonName: "OCSP Reuse Root", keyType: "ecdsa-p256" });
  caId = ca.authority.id;
  caPem = ca.authority.certificatePem;
});

function request(leafPem: string, nonce: boolean): { der: Uint8Array; dir: string } {
  const dir = tempDir("cadesk-ocsp-reuse-");
  const f = writeFiles(dir, { "ca.pem": caPem, "leaf.pem": leafPem });
  opensslOk(["ocsp", "-issuer", f["ca.pem"]!, "-cert", f["leaf.pem"]!, ...(nonce ? [] : ["-no_nonce"]), "-reqout", `${dir}/req.der`]);
  return { der: new Uint8Array(readFileSync(`${dir}/req.der`)), dir };
}

function status(dir: string, response: Uint8Array): string {
  writeFileSync(`${dir}/resp.der`, response);
  writeFileSync(`${dir}/ca.pem`, caPem);
  const r = openssl(["ocsp", "-reqin", `${dir}/req.der`, "-respin", `${dir}/resp.der`, "-CAfile", `${dir}/ca.pem`, "-resp_text"]);
  expect(r.stdout + r.stderr).toContain("Response verify OK");
  return /Cert Status: (\w+)/.exec(r.stdout)?.[1] ?? "none";
}

describe("OCSP response reuse", () => {
  it("the same answer without a nonce is the same signed response; a revocation is signed anew at once", async () => {
    const { certificate } = await issueCertificate({ caId, commonName: "reuse.example.com" });
    const { der, dir } = request(certificate.certificatePem, false);
    const first = await answerOcsp(caId, der);
    const second = await answerOcsp(caId, der);
    expect(Buffer.from(second).equals(Buffer.from(first))).toBe(true);
    expect(status(dir, second)).toBe("good");

    await revokeCertificate(certificate.id, { reason: "keyCompromise" });
    const revoked = await answerOcsp(caId, der);
    expect(Buffer.from(revoked).equals(Buffer.from(first))).toBe(false);
    expect(status(dir, revoked)).toBe("revoked");

    // Past the reuse window (5 minutes), a new one is signed with a later thisUpdate.
    const later = await answerOcsp(caId, der, new Date(Date.now() + 6 * 60_000));
    expect(Buffer.from(later).equals(Buffer.from(revoked))).toBe(false);
  });

  it("a request with a nonce gets its own response every time (the nonce is echoed)", async () => {
    const { certificate } = await issueCertificate({ caId, commonName: "nonce.example.com" });
    const { der, dir } = request(certificate.certificatePem, true);
    const a = await answerOcsp(caId, der);
    const b = await answerOcsp(caId, der);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(false);
    expect(status(dir, b)).toBe("good");
  });
});
