/**
 * CA keys in a real PKCS#11 token (Debian's SoftHSM2, a token of this test's own): a root and an
 * intermediate made inside it issue certificates openssl and Go verify, sign a CRL and the OCSP
 * responder's certificate, pkcs11-tool shows the private keys sensitive and never extractable, an
 * existing token key serves an imported CA certificate, and a missing module, a missing token, a
 * wrong PIN or a token without a user PIN each stop only the token CAs, with a message saying what to do.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect } from "vitest";
import { setConfigForTesting } from "../config";
import { getDb } from "../db";
import { AppError } from "../errors";
import { readiness } from "../ops/readiness";
import { signCaCertificate } from "../pki/certificate";
import { buildName } from "../pki/names";
import { computeValidity } from "../pki/profiles";
import { randomSerial } from "../pki/serial";
import { createAuthority } from "../services/create-authority";
import { publishCrl } from "../services/crl";
import { importAuthority } from "../services/import-authority";
import { issueCertificate } from "../services/issue-certificate";
import { answerOcsp } from "../services/ocsp";
import { revokeCertificate } from "../services/revoke-certificate";
import { openPkcs11Signer } from "../signers/pkcs11";
import { openssl, opensslOk, tempDir, writeFiles } from "../testing/openssl";
import { opensslSelfSigned } from "../testing/openssl-pki";
import { createTestToken, pkcs11Tool, type TestToken } from "../testing/softhsm";
import { afterAll, beforeAll, it } from "../testing/system";
import { loadApiToken } from "../api/auth";
import { routeFiles, serveRoutes } from "../testing/route-server";
import { findPrivateKey } from "./keys";
import { openToken, resetTokenForTesting } from "./token";

let token: TestToken;
let goVerify: string;
const baseEnv = () => ({ ...process.env }) as Record<string, string>;

/** Uses `env` as the configuration from now on, with a fresh connection to the token. */
async function configure(env: Record<string, string>) {
  await resetTokenForTesting();
  setConfigForTesting({ ...baseEnv(), ...env });
}

async function refusal(run: () => Promise<unknown>): Promise<AppError> {
  try {
    await run();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }
  throw new Error("it did not fail");
}

let otherToken: TestToken;
let noPinToken: TestToken;

beforeAll(async () => {
  // Every token first: SoftHSM2 reads its token directory when the module is initialised.
  token = createTestToken("cadesk-ca-keys");
  otherToken = createTestToken("cadesk-other");
  noPinToken = createTestToken("cadesk-no-pin", { userPin: false });
  await configure(token.env);
  goVerify = path.join(tempDir("cadesk-go-"), "verify-chain");
  execFileSync("go", ["build", "-o", goVerify, path.resolve("lib/testing/verify-chain.go")], {
    stdio: "pipe",
    env: { ...process.env, GOFLAGS: "-mod=mod", GO111MODULE: "off" },
  });
}, 120_000);

afterAll(async () => {
  await resetTokenForTesting();
  setConfigForTesting();
});

describe("a CA hierarchy whose keys live in the token", () => {
  let root: Awaited<ReturnType<typeof createAuthority>>["authority"];
  let issuing: typeof root;

  beforeAll(async () => {
    root = (await createAuthority({ commonName: "HSM Root", keyStorage: "pkcs11", keyType: "ecdsa-p384" })).authority;
    issuing = (
      await createAuthority({ commonName: "HSM Issuing", keyStorage: "pkcs11", parentId: root.id, pkcs11KeyLabel: "issuing-2026" })
    ).authority;
  });

  it("stores where each key is and no key material", () => {
    expect(root).toMatchObject({ keyStorage: "pkcs11", pkcs11Token: token.label, pkcs11KeyLabel: "HSM Root", encryptedKey: "" });
    expect(issuing).toMatchObject({ keyStorage: "pkcs11", pkcs11Token: token.label, pkcs11KeyLabel: "issuing-2026" });
    expect(issuing.pkcs11KeyId).toMatch(/^[0-9a-f]{32}$/);
  });

  it("made the private keys sensitive and never extractable, as pkcs11-tool reads them", async () => {
    const listing = pkcs11Tool(token, ["--list-objects", "--type", "privkey"]);
    for (const ca of [root, issuing]) {
      const block = listing.split(/\n(?=Private Key Object)/).find((b) => b.includes(`ID:         ${ca.pkcs11KeyId}`));
      expect(block, listing).toBeDefined();
      expect(block).toMatch(/Access:\s+sensitive, always sensitive, never extractable, local/);
      expect(block).toMatch(/Usage:\s+sign\n/);
    }
    // and the token refuses to hand out the private value, asked directly through PKCS#11
    for (const ca of [root, issuing]) {
      const error = await openToken().then((t) =>
        t.withSession((session) => {
          try {
            findPrivateKey(session, { keyId: ca.pkcs11KeyId! })!.getAttribute({ value: null });
            return "read";
          } catch (e) {
            return (e as Error).message;
          }
        }),
      );
      expect(error).toMatch(/CKR_ATTRIBUTE_SENSITIVE/);
    }
  });

  it("issues a leaf that openssl and Go verify up to the root", async () => {
    const { certificate } = await issueCertificate({ caId: issuing.id, commonName: "hsm.example.com" });
    const f = writeFiles(tempDir(), {
      "root.pem": root.certificatePem,
      "issuing.pem": issuing.certificatePem,
      "leaf.pem": certificate.certificatePem,
    });
    expect(opensslOk(["verify", "-x509_strict", "-CAfile", f["root.pem"]!, "-untrusted", f["issuing.pem"]!, f["leaf.pem"]!])).toContain(
      ": OK",
    );
    expect(opensslOk(["x509", "-noout", "-text", "-in", f["issuing.pem"]!])).toContain("ecdsa-with-SHA384"); // signed by the P-384 root
    const go = spawnSync(goVerify, [f["root.pem"]!, f["issuing.pem"]!, f["leaf.pem"]!, "hsm.example.com", "server"], { encoding: "utf8" });
    expect(`${go.stdout}${go.stderr}`.trim()).toBe("ok");
  });

  it("signs a CRL openssl verifies, listing a revoked certificate", async () => {
    const { certificate } = await issueCertificate({ caId: issuing.id, commonName: "revoked.hsm.example.com" });
    await revokeCertificate(certificate.id, { reason: "keyCompromise" });
    const crl = await publishCrl(issuing.id);
    const f = writeFiles(tempDir(), { "crl.pem": crl, "issuing.pem": issuing.certificatePem });
    const text = opensslOk(["crl", "-in", f["crl.pem"]!, "-CAfile", f["issuing.pem"]!, "-noout", "-text"]);
    expect(text).toContain(`Serial Number: ${certificate.serialHex.toUpperCase()}`);
    const verified = openssl(["crl", "-in", f["crl.pem"]!, "-CAfile", f["issuing.pem"]!, "-noout"]);
    expect(verified.stderr).toContain("verify OK");
  });

  it("answers OCSP through a responder whose certificate the token key signed; openssl verifies it", async () => {
    const { certificate } = await issueCertificate({ caId: issuing.id, commonName: "ocsp.hsm.example.com" });
    const dir = tempDir("cadesk-ocsp-");
    const f = writeFiles(dir, {
      "issuer.pem": issuing.certificatePem,
      "leaf.pem": certificate.certificatePem,
      "chain.pem": root.certificatePem + issuing.certificatePem,
    });
    opensslOk(["ocsp", "-issuer", f["issuer.pem"]!, "-cert", f["leaf.pem"]!, "-reqout", `${dir}/req.der`]);
    writeFileSync(`${dir}/resp.der`, await answerOcsp(issuing.id, new Uint8Array(readFileSync(`${dir}/req.der`))));
    const r = openssl(["ocsp", "-reqin", `${dir}/req.der`, "-respin", `${dir}/resp.der`, "-CAfile", f["chain.pem"]!, "-resp_text"]);
    expect(r.stdout + r.stderr).toContain("Response verify OK");
    expect(r.stdout).toContain("Cert Status: good");
  });

  it("makes RSA keys in the token too", async () => {
    const rsa = (await createAuthority({ commonName: "HSM RSA Root", keyStorage: "pkcs11", keyType: "rsa-2048" })).authority;
    const { certificate } = await issueCertificate({ caId: rsa.id, commonName: "rsa.hsm.example.com" });
    const f = writeFiles(tempDir(), { "root.pem": rsa.certificatePem, "leaf.pem": certificate.certificatePem });
    expect(opensslOk(["verify", "-x509_strict", "-CAfile", f["root.pem"]!, f["leaf.pem"]!])).toContain(": OK");
    expect(opensslOk(["x509", "-noout", "-text", "-in", f["leaf.pem"]!])).toContain("sha256WithRSAEncryption");
    const listing = pkcs11Tool(token, ["--list-objects", "--type", "privkey"]);
    const block = listing.split(/\n(?=Private Key Object)/).find((b) => b.includes(rsa.pkcs11KeyId!));
    expect(block).toMatch(/^Private Key Object; RSA[\s\S]*never extractable/);
  });

  it("over the JSON API: POST /api/v1/cas with keyStorage pkcs11, and GET says where the key is", async () => {
    const server = await serveRoutes(routeFiles("api/v1"));
    try {
      const call = async (method: string, path: string, body?: unknown) => {
        const res = await fetch(server.url + path, {
          method,
          headers: { authorization: `Bearer ${loadApiToken()}`, ...(body ? { "content-type": "application/json" } : {}) },
          body: body ? JSON.stringify(body) : undefined,
        });
        return { status: res.status, body: await res.json() };
      };
      const created = await call("POST", "/api/v1/cas", { commonName: "HSM API Root", keyStorage: "pkcs11", keyType: "ecdsa-p256" });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ keyStorage: "pkcs11", pkcs11: { tokenLabel: token.label, keyLabel: "HSM API Root" } });
      expect(created.body.pkcs11.keyId).toMatch(/^[0-9a-f]{32}$/);
      const read = await call("GET", `/api/v1/cas/${created.body.id}`);
      expect(read.body).toMatchObject({ keyStorage: "pkcs11", pkcs11: created.body.pkcs11 });
      const sealed = await call("POST", "/api/v1/cas", { commonName: "HSM API Sealed Root" });
      expect(sealed.body).toMatchObject({ keyStorage: "sealed", pkcs11: null });
      const wrong = await call("POST", "/api/v1/cas", { commonName: "HSM API Bad", keyStorage: "tpm" });
      expect(wrong.status).toBe(400);
      expect(wrong.body.error.message).toMatch(/Key storage must be "sealed".*or "pkcs11"/);
    } finally {
      await server.close();
    }
  });

  it("refuses Ed25519 in the token, naming what it offers", async () => {
    const error = await refusal(() => createAuthority({ commonName: "HSM Ed", keyStorage: "pkcs11", keyType: "ed25519" }));
    expect(error.message).toMatch(/ecdsa-p256, ecdsa-p384, rsa-2048/);
    expect(error.field).toBe("keyType");
  });
});

describe("an imported CA certificate with a key already in the token", () => {
  it("uses a key pkcs11-tool made, by id, once a test signature proves it belongs to the certificate", async () => {
    const dir = tempDir();
    pkcs11Tool(token, ["--keypairgen", "--key-type", "EC:prime256v1", "--id", "c0ffee01", "--label", "imported-ca", "--usage-sign"]);
    execFileSync("pkcs11-tool", [
      "--module",
      token.module,
      "--token-label",
      token.label,
      "--login",
      "--pin",
      token.pin,
      "--read-object",
      "--type",
      "pubkey",
      "--id",
      "c0ffee01",
      "-o",
      `${dir}/pub.der`,
    ]);
    const spki = new Uint8Array(readFileSync(`${dir}/pub.der`));
    const signer = await openPkcs11Signer({
      tokenLabel: token.label,
      keyId: "c0ffee01",
      keyType: "ecdsa-p256",
      owner: "Imported HSM CA",
      publicKey: spki,
    });
    const subject = buildName({ commonName: "Imported HSM CA" });
    const certificate = await signCaCertificate({
      subject,
      publicKey: await crypto.subtle.importKey("spki", spki, { name: "ECDSA", namedCurve: "P-256" }, true, ["verify"]),
      selfSigner: signer,
      validity: computeValidity(365, new Date()),
      serialNumber: randomSerial(),
    });
    const imported = await importAuthority({
      certificatePem: certificate.toString("pem"),
      keyStorage: "pkcs11",
      pkcs11KeyId: "C0:FF:EE:01",
    });
    expect(imported.authority).toMatchObject({
      keyStorage: "pkcs11",
      pkcs11KeyId: "c0ffee01",
      pkcs11KeyLabel: "imported-ca",
      keyType: "ecdsa-p256",
      imported: true,
    });
    const { certificate: leaf } = await issueCertificate({ caId: imported.authority.id, commonName: "imported.hsm.example.com" });
    const f = writeFiles(dir, { "ca.pem": imported.authority.certificatePem, "leaf.pem": leaf.certificatePem });
    expect(opensslOk(["verify", "-CAfile", f["ca.pem"]!, f["leaf.pem"]!])).toContain(": OK");
  });

  it("refuses a token key that is not the certificate's, and a key that is not there", async () => {
    const dir = tempDir();
    // A CA made by openssl with a key of its own: the token key c0ffee01 is another P-256 key.
    const ca = opensslSelfSigned(dir, "other", {
      subject: "/CN=Other CA",
      extra: ["-days", "30", "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"],
    });
    const certificatePem = readFileSync(ca.out, "utf8");
    const mismatch = await refusal(() => importAuthority({ certificatePem, keyStorage: "pkcs11", pkcs11KeyId: "c0ffee01" }));
    expect(mismatch.code).toBe("KEY_MISMATCH");
    expect(mismatch.message).toMatch(/does not belong to the certificate/);
    const missing = await refusal(() => importAuthority({ certificatePem, keyStorage: "pkcs11", pkcs11KeyLabel: "no-such-key" }));
    expect(missing.message).toMatch(/holds no private key labelled "no-such-key"/);
    const none = await refusal(() => importAuthority({ certificatePem, keyStorage: "pkcs11" }));
    expect(none.field).toBe("pkcs11KeyId");
  });
});

describe("when the token cannot be used", () => {
  let tokenCa: string;
  let sealedCa: string;

  beforeAll(async () => {
    await configure(token.env);
    tokenCa = (await createAuthority({ commonName: "HSM Outage CA", keyStorage: "pkcs11" })).authority.id;
    sealedCa = (await createAuthority({ commonName: "Sealed Outage CA" })).authority.id;
    // Warm the signer cache: a cached signer must not hide the outage.
    await issueCertificate({ caId: tokenCa, commonName: "before.example.com" });
  });

  afterAll(() => configure(token.env));

  async function expectOutage(pattern: RegExp) {
    const error = await refusal(() => issueCertificate({ caId: tokenCa, commonName: "during.example.com" }));
    expect(error.code).toBe("KEY_UNAVAILABLE");
    expect(error.status).toBe(503);
    expect(error.message).toMatch(pattern);
    // Other CAs keep working.
    await issueCertificate({ caId: sealedCa, commonName: "sealed.example.com" });
    const ready = await readiness();
    expect(ready.ready).toBe(false);
    const check = ready.checks.find((c) => c.name === `tokenKey:${tokenCa}`);
    expect(check).toMatchObject({ ok: false });
    expect(check!.detail).toMatch(/^HSM Outage CA: /);
    expect(check!.detail).toMatch(pattern);
    expect(ready.checks.find((c) => c.name === "caKeys")).toMatchObject({ ok: true });
    expect(JSON.stringify(ready)).not.toContain(token.pin);
    return error;
  }

  it("is ready with every token CA's key checked by name", async () => {
    const ready = await readiness();
    expect(ready.checks.find((c) => c.name === `tokenKey:${tokenCa}`)).toMatchObject({ ok: true });
    expect(ready.ready).toBe(true);
  });

  it("a wrong PIN: said so, and never tried again (tokens lock after a few)", async () => {
    await configure({ ...token.env, CADESK_PKCS11_PIN: "000000" });
    const first = await expectOutage(/refused CADESK_PKCS11_PIN/);
    expect(first.message).toContain("(wrong PIN). cadesk will not try that PIN again");
    const second = await expectOutage(/refused CADESK_PKCS11_PIN/);
    expect(second.message).toContain("does not try it again");
  });

  it("a PIN file that cannot be read names the file", async () => {
    await configure({ CADESK_PKCS11_MODULE: token.module, CADESK_PKCS11_TOKEN: token.label, CADESK_PKCS11_PIN_FILE: "/nonexistent/pin" });
    await expectOutage(/CADESK_PKCS11_PIN_FILE=\/nonexistent\/pin cannot be read/);
  });

  it("a PIN file with the right PIN works, a trailing newline ignored", async () => {
    const f = writeFiles(tempDir(), { pin: `${token.pin}\n` });
    await configure({ CADESK_PKCS11_MODULE: token.module, CADESK_PKCS11_TOKEN: token.label, CADESK_PKCS11_PIN_FILE: f.pin! });
    await issueCertificate({ caId: tokenCa, commonName: "pinfile.example.com" });
  });

  it("a wrong PIN in the PIN file: refused once, and the corrected file is used without a restart", async () => {
    const f = writeFiles(tempDir(), { pin: "999999\n" });
    await configure({ CADESK_PKCS11_MODULE: token.module, CADESK_PKCS11_TOKEN: token.label, CADESK_PKCS11_PIN_FILE: f.pin! });
    const first = await expectOutage(/refused the PIN in CADESK_PKCS11_PIN_FILE/);
    expect(first.message).toContain("set the token's user PIN in the file");
    writeFileSync(f.pin!, `${token.pin}\n`);
    await issueCertificate({ caId: tokenCa, commonName: "fixed-pinfile.example.com" });
  });

  it("a token that is not there lists the tokens that are", async () => {
    await configure({ ...token.env, CADESK_PKCS11_TOKEN: "not-plugged-in" });
    await expectOutage(new RegExp(`No initialised token labelled "not-plugged-in" \\(CADESK_PKCS11_TOKEN\\).*present: .*"${token.label}"`));
  });

  it("another token than the key's says which one to point at", async () => {
    await configure(otherToken.env);
    await expectOutage(/is in the token "cadesk-ca-keys", but cadesk is connected to the token "cadesk-other"/);
  });

  it("a token without a user PIN says who sets one", async () => {
    await configure(noPinToken.env);
    const error = await expectOutage(/has no user PIN yet/);
    expect(error.message).toContain("--login-type so --init-pin");
  });

  it("a module that cannot be loaded names the variable", async () => {
    await configure({ ...token.env, CADESK_PKCS11_MODULE: "/nonexistent/libpkcs11.so" });
    await expectOutage(/CADESK_PKCS11_MODULE=\/nonexistent\/libpkcs11.so could not be loaded/);
  });

  it("and no module at all says which variables to set", async () => {
    await configure({ CADESK_PKCS11_MODULE: "", CADESK_PKCS11_TOKEN: "", CADESK_PKCS11_PIN: "" });
    await expectOutage(/No PKCS#11 module is configured: set CADESK_PKCS11_MODULE/);
  });

  it("a key deleted from the token under a cached signer: looked up again, and said missing", async () => {
    await configure(token.env);
    const doomed = (await createAuthority({ commonName: "HSM Doomed CA", keyStorage: "pkcs11" })).authority;
    await issueCertificate({ caId: doomed.id, commonName: "cached.example.com" });
    pkcs11Tool(token, ["--delete-object", "--type", "privkey", "--id", doomed.pkcs11KeyId!]);
    const error = await refusal(() => issueCertificate({ caId: doomed.id, commonName: "gone.example.com" }));
    expect(error.code).toBe("KEY_UNAVAILABLE");
    expect(error.message).toContain(`holds no private key with the id ${doomed.pkcs11KeyId}, where the CA "HSM Doomed CA" keeps its key`);
    await issueCertificate({ caId: tokenCa, commonName: "still.example.com" });
    pkcs11Tool(token, ["--delete-object", "--type", "pubkey", "--id", doomed.pkcs11KeyId!]);
    await getDb().authority.update({ where: { id: doomed.id }, data: { status: "revoked", revokedAt: new Date() } });
  });

  it("finds the token by slot id too (CADESK_PKCS11_SLOT, as softhsm2-util shows it)", async () => {
    const slots = execFileSync("softhsm2-util", ["--show-slots"], { encoding: "utf8" });
    const slot = new RegExp(`Slot (\\d+)\\n(?:(?!Slot \\d).*\\n)*?\\s+Label:\\s+${token.label}\\s*\\n`).exec(slots)![1]!;
    await configure({ CADESK_PKCS11_MODULE: token.module, CADESK_PKCS11_SLOT: slot, CADESK_PKCS11_PIN: token.pin });
    await issueCertificate({ caId: tokenCa, commonName: "slot.example.com" });
  });

  it("signs many requests at once through its pool of sessions", async () => {
    await configure(token.env);
    const issued = await Promise.all(
      Array.from({ length: 24 }, (_, i) => issueCertificate({ caId: tokenCa, commonName: `parallel-${i}.example.com` })),
    );
    expect(new Set(issued.map((r) => r.certificate.serialHex)).size).toBe(24);
  });

  it("works again once the configuration is right", async () => {
    await configure(token.env);
    await issueCertificate({ caId: tokenCa, commonName: "after.example.com" });
    expect((await readiness()).ready).toBe(true);
  });
});
