/**
 * Signed OCSP responses are handed out again for the same question and the same answer (no
 * nonce), and never once the answer changed: a revocation is answered "revoked" at once, also
 * one another process committed (another cluster worker or instance: on SQLite a child process
 * writing the file, on PostgreSQL another connection), as are an expired CA and a renewed responder.
 */
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { describe, expect } from "vitest";
import { readConfig, sqlitePath } from "../config";
import { currentStore, getDb } from "../db";
import { metrics } from "../ops/metrics";
import { storeVersion } from "../stores/revocation";
import { beforeAll, it } from "../testing/system";
import { openssl, opensslOk, tempDir, writeFiles } from "../testing/openssl";
import { createAuthority } from "./create-authority";
import { issueCertificate } from "./issue-certificate";
import { answerOcsp } from "./ocsp";
import { revokeCertificate } from "./revoke-certificate";
import { openResponder } from "./ocsp-responder";

let caId: string;
let caPem: string;

beforeAll(async () => {
  const ca = await createAuthority({ commonName: "OCSP Reuse Root", keyType: "ecdsa-p256" });
  caId = ca.authority.id;
  caPem = ca.authority.certificatePem;
});

/**
 * Writes a certificate's revocation the way another cluster worker or instance would: on SQLite
 * from a child process of its own (so only the file tells this process), on PostgreSQL through
 * another connection than the one the answer's rows were read on.
 */
async function revokeElsewhere(id: string, revokedAt: Date, reason: string): Promise<void> {
  if (currentStore() === "postgresql") {
    await getDb()
      .$executeRaw`UPDATE "Certificate" SET "status" = 'revoked', "revokedAt" = ${revokedAt}, "revocationReason" = ${reason} WHERE "id" = ${id}`;
    return;
  }
  const script = `const db = new (require("better-sqlite3"))(process.argv[1]);
    db.pragma("busy_timeout = 10000");
    const r = db.prepare('UPDATE "Certificate" SET "status" = ?, "revokedAt" = ?, "revocationReason" = ? WHERE "id" = ?')
      .run("revoked", process.argv[2], process.argv[3], process.argv[4]);
    if (r.changes !== 1) throw new Error("no such certificate");`;
  execFileSync(process.execPath, [
    "-e",
    script,
    sqlitePath(readConfig().databaseUrl),
    revokedAt.toISOString().replace("Z", "+00:00"),
    reason,
    id,
  ]);
}

const counted = async (status: string) => (await metrics().ocspRequests.get()).values.find((v) => v.labels.status === status)?.value ?? 0;

function request(leafPem: string, nonce: boolean, issuerPem = caPem): { der: Uint8Array; dir: string } {
  const dir = tempDir("cadesk-ocsp-reuse-");
  const f = writeFiles(dir, { "ca.pem": issuerPem, "leaf.pem": leafPem });
  opensslOk(["ocsp", "-issuer", f["ca.pem"]!, "-cert", f["leaf.pem"]!, ...(nonce ? [] : ["-no_nonce"]), "-reqout", `${dir}/req.der`]);
  return { der: new Uint8Array(readFileSync(`${dir}/req.der`)), dir };
}

/** The status openssl reads from a response it verified against the CA (at `at`: -attime, for a responder of the future). */
function status(dir: string, response: Uint8Array, issuerPem = caPem, at?: Date): string {
  writeFileSync(`${dir}/resp.der`, response);
  writeFileSync(`${dir}/ca.pem`, issuerPem);
  const when = at ? ["-attime", String(Math.floor(at.getTime() / 1000))] : [];
  const r = openssl(["ocsp", "-reqin", `${dir}/req.der`, "-respin", `${dir}/resp.der`, "-CAfile", `${dir}/ca.pem`, ...when, "-resp_text"]);
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

  it("an answer kept for the same bytes is not kept past a revocation another process committed", async () => {
    const { certificate } = await issueCertificate({ caId, commonName: "elsewhere.reuse.example.com" });
    const { der, dir } = request(certificate.certificatePem, false);
    const first = await answerOcsp(caId, der);
    expect(Buffer.from(await answerOcsp(caId, der)).equals(Buffer.from(first))).toBe(true);
    expect(status(dir, first)).toBe("good");

    const revokedAt = new Date("2026-05-06T07:08:09Z");
    await revokeElsewhere(certificate.id, revokedAt, "superseded");
    const revoked = await answerOcsp(caId, der);
    expect(status(dir, revoked)).toBe("revoked");
    writeFileSync(`${dir}/resp.der`, revoked);
    const text = openssl([
      "ocsp",
      "-reqin",
      `${dir}/req.der`,
      "-respin",
      `${dir}/resp.der`,
      "-CAfile",
      `${dir}/ca.pem`,
      "-resp_text",
    ]).stdout;
    expect(text).toContain("Revocation Time: May  6 07:08:09 2026 GMT");
    expect(text).toContain("Revocation Reason: superseded (0x4)");
    // And that answer is the one kept from then on.
    expect(Buffer.from(await answerOcsp(caId, der)).equals(Buffer.from(revoked))).toBe(true);
  });

  it("a kept answer is still counted in /metrics, and not handed out once the CA has expired or its responder is due for renewal", async () => {
    // A CA of its own: the renewed responder below starts in the future, which later answers of the other CA must not get.
    const own = await createAuthority({ commonName: "OCSP Reuse Renewal Root", keyType: "ecdsa-p256" });
    const ownId = own.authority.id;
    const { certificate } = await issueCertificate({ caId: ownId, commonName: "counted.reuse.example.com" });
    const { der, dir } = request(certificate.certificatePem, false, own.authority.certificatePem);
    const now = new Date();
    const first = await answerOcsp(ownId, der, now);
    const before = await counted("good");
    expect(Buffer.from(await answerOcsp(ownId, der, now)).equals(Buffer.from(first))).toBe(true);
    expect(await counted("good")).toBe(before + 1);

    // The responder in its last week: the answer comes from a renewed responder, not the kept one.
    const fingerprint = own.authority.fingerprintSha256;
    const responder = openResponder(ownId, fingerprint, now)!;
    const renewal = new Date(responder.notAfter.getTime() - 6 * 86_400_000);
    const renewed = await answerOcsp(ownId, der, renewal);
    expect(Buffer.from(renewed).equals(Buffer.from(first))).toBe(false);
    expect(openResponder(ownId, fingerprint, renewal)!.serialHex).not.toBe(responder.serialHex);
    expect(status(dir, renewed, own.authority.certificatePem, renewal)).toBe("good");

    // The CA expired: nothing is signed or handed out for it (internalError), kept or not.
    const expired = await answerOcsp(ownId, der, new Date(own.authority.notAfter.getTime() + 1000));
    const f = writeFiles(dir, { "expired.der": expired });
    expect(openssl(["ocsp", "-respin", f["expired.der"]!, "-resp_text", "-noverify"]).stdout).toContain("internalerror");
  });

  it("the store's version moves with every commit, whoever makes it, and stays put otherwise", async () => {
    const version = storeVersion();
    if (currentStore() === "postgresql") return void expect(version).toBeNull();
    expect(storeVersion()).toBe(version);
    const { certificate } = await issueCertificate({ caId, commonName: "version.reuse.example.com" });
    const afterIssue = storeVersion();
    expect(afterIssue).not.toBe(version);
    expect(storeVersion()).toBe(afterIssue);
    await revokeElsewhere(certificate.id, new Date(), "keyCompromise");
    expect(storeVersion()).not.toBe(afterIssue);
  });
});
