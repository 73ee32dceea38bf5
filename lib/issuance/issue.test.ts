/** The one issuance pipeline against a real SQLite store: authorize, names, policy, sign, store with audit. */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect } from "vitest";
import { it as plainIt } from "vitest";
import { runAs, type Actor } from "../auth/actor";
import { getDb } from "../db";
import { metrics } from "../ops/metrics";
import { AppError } from "../errors";
import { KEY_TYPES } from "../pki/key-types";
import { buildName } from "../pki/names";
import { opensslOk, tempDir, writeFiles } from "../testing/openssl";
import { createAuthority } from "../services/create-authority";
import { issueCertificate } from "../services/issue-certificate";
import { beforeAll, it } from "../testing/system";
import { readVerifiedCsr } from "./csr";
import { issue } from "./issue";
import type { IssuancePolicyContext } from "./policy";
import type { IssuanceRequest } from "./request";

const fixture = (name: string) => readFileSync(path.join(import.meta.dirname, "fixtures", name), "utf8");
let caId: string;

beforeAll(async () => {
  caId = (await createAuthority({ commonName: "Pipeline Test CA" })).authority.id;
});

const request = (over: Partial<IssuanceRequest> = {}): IssuanceRequest => ({
  entryPoint: "api",
  caId,
  profile: "server",
  subject: buildName({ commonName: "pipeline.example.com" }),
  sans: [],
  key: { kind: "generate", keyType: "ecdsa-p256" },
  validityDays: 30,
  audit: { action: "certificate.issue" },
  ...over,
});

async function refused(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe("issue()", () => {
  plainIt("refuses when nobody acts", async () => {
    const error = await refused(issue(request()));
    expect(error.code).toBe("FORBIDDEN");
    expect(error.message).toMatch(/no one is acting/);
  });

  it("stores the certificate and its audit event together, naming the entry point and links", async () => {
    const result = await issue(request({ entryPoint: "bulk", links: { batchId: "b-1" } }));
    expect(result.privateKeyPem).toContain("BEGIN PRIVATE KEY");
    expect(JSON.parse(result.certificate.sans)).toEqual([{ type: "dns", value: "pipeline.example.com" }]);
    const event = await getDb().auditEvent.findFirst({ where: { objectId: result.certificate.id } });
    expect(JSON.parse(event!.detail!)).toMatchObject({ entryPoint: "bulk", batchId: "b-1", caId, keptKey: false });
  });

  it("counts each committed certificate in /metrics by CA, profile and entry point, and a refusal not at all", async () => {
    const counted = async () => {
      const values = (await metrics().issued.get()).values;
      return values.find((v) => v.labels.ca_id === caId && v.labels.profile === "client" && v.labels.entry_point === "csr")?.value ?? 0;
    };
    const timed = async () =>
      (await metrics().issuanceSeconds.get()).values.find((v) => v.metricName?.endsWith("_count") && v.labels.entry_point === "csr")
        ?.value ?? 0;
    const [before, timedBefore] = [await counted(), await timed()];
    await issue(request({ entryPoint: "csr", profile: "client" }));
    await issue(request({ entryPoint: "csr", profile: "client" }));
    await refused(issue(request({ entryPoint: "csr", profile: "client", caId: "no-such-ca" })));
    expect(await counted()).toBe(before + 2);
    expect(await timed()).toBe(timedBefore + 2);
  });

  it("runs policy checks with the names and issuer known, and a refusal stores nothing", async () => {
    const seen: IssuancePolicyContext[] = [];
    const before = await getDb().certificate.count();
    const error = await refused(
      issue(
        request({
          sans: [{ type: "dns", value: "forbidden.example.net" }],
          policy: [
            { name: "record", check: (context) => void seen.push(context) },
            {
              name: "no-example-net",
              check: ({ sans }) => {
                if (sans.some((s) => s.value.endsWith(".example.net")))
                  throw new AppError("FORBIDDEN", "This CA may not issue for example.net.", "sans");
              },
            },
          ],
        }),
      ),
    );
    expect(error.message).toBe("This CA may not issue for example.net.");
    expect(seen[0]!.sans.map((s) => s.value)).toEqual(["pipeline.example.com", "forbidden.example.net"]);
    expect(seen[0]!.issuer.authority.id).toBe(caId);
    expect(seen[0]!.keyType).toBe("ecdsa-p256");
    expect(await getDb().certificate.count()).toBe(before);
    // A check that crashes is reported, naming it, and lets nothing through.
    const crash = await refused(issue(request({ policy: [{ name: "buggy", check: () => JSON.parse("{") as never }] })));
    expect(crash.code).toBe("INTERNAL");
    expect(crash.message).toMatch(/"buggy"/);
  });

  it("accepts the ACME entry point only from an ACME account", async () => {
    const operator: Actor = { type: "user", id: "u", label: "op@example.test", role: "operator", userId: "u", ip: null };
    const viaAcme = request({ entryPoint: "acme" });
    expect((await refused(runAs(operator, () => issue(viaAcme)))).message).toMatch(/Only an ACME account/);
    const account: Actor = { type: "acme", id: "acct", label: "ACME account", role: null, userId: null, ip: null };
    expect((await runAs(account, () => issue(viaAcme))).certificate.profile).toBe("server");
    // An ACME account holds no dashboard role: any other entry point refuses it.
    expect((await refused(runAs(account, () => issue(request())))).code).toBe("FORBIDDEN");
  });

  it("signs committed CSR fixtures: a client is known by its URI SAN, a one-label CN alone is refused", async () => {
    const csr = await readVerifiedCsr(fixture("client-spiffe.csr"));
    const signed = await issue(
      request({ entryPoint: "csr", profile: "client", subject: csr.subject, sans: csr.sans, key: { kind: "csr", csr } }),
    );
    expect(JSON.parse(signed.certificate.sans)).toEqual([{ type: "uri", value: "spiffe://example.org/client-p256" }]);
    expect(signed.privateKeyPem).toBeUndefined();
    const error = await refused(issueCertificate({ caId, profile: "client", csrPem: fixture("client-no-san.csr") }));
    expect(error.message).toMatch(/"client-p256" is not a host name.*spiffe:\/\//);
  });
});

describe("the pipeline's CA cache: another instance's change counts at once", () => {
  const operator: Actor = { type: "user", id: "cache-op", label: "op@example.test", role: "operator", userId: "cache-op", ip: null };
  const revokedMessage = /was revoked on .*it can no longer sign/;

  async function freshCa(name: string) {
    const id = (await createAuthority({ commonName: name })).authority.id;
    // Issue once so the CA's row and chain are cached in this process.
    await issue(request({ caId: id }));
    return id;
  }

  it("a revocation written by another instance refuses the next issuance, with the usual error", async () => {
    const id = await freshCa("Cache Revoked CA");
    await getDb().authority.update({ where: { id }, data: { status: "revoked", revokedAt: new Date() } });
    const error = await refused(issue(request({ caId: id })));
    expect(error.code).toBe("INVALID_INPUT");
    expect(error.message).toMatch(revokedMessage);
  });

  it("a revocation between the checks and the commit: the commit refuses it and nothing is stored", async () => {
    const id = await freshCa("Cache Race CA");
    const before = { certificates: await getDb().certificate.count(), audit: await getDb().auditEvent.count() };
    let revoked = false;
    const error = await refused(
      issue(
        request({
          caId: id,
          policy: [
            {
              // Runs after the CA was checked from the cache: another instance revokes it now.
              name: "revoke-meanwhile",
              check: async () => {
                if (revoked) return;
                revoked = true;
                await getDb().authority.update({ where: { id }, data: { status: "revoked", revokedAt: new Date() } });
              },
            },
          ],
        }),
      ),
    );
    expect(error.message).toMatch(revokedMessage);
    expect(await getDb().certificate.count()).toBe(before.certificates);
    expect(await getDb().auditEvent.count()).toBe(before.audit);
  });

  it("operator lists both ways: removed refuses at once, added allows at once", async () => {
    const id = await freshCa("Cache Operators CA");
    await getDb().authority.update({ where: { id }, data: { operatorIds: JSON.stringify(["someone-else"]) } });
    const error = await refused(runAs(operator, () => issue(request({ caId: id }))));
    expect(error.code).toBe("FORBIDDEN");
    expect(error.message).toMatch(/not among the operators allowed to use the CA "Cache Operators CA"/);
    // The refusal left the restricted row in the cache; opening the CA elsewhere counts at once.
    await getDb().authority.update({ where: { id }, data: { operatorIds: JSON.stringify(["someone-else", operator.id]) } });
    expect((await runAs(operator, () => issue(request({ caId: id })))).certificate.authorityId).toBe(id);
  });

  it("a policy written by another instance counts at once; the chain comes with the result", async () => {
    const root = (await createAuthority({ commonName: "Cache Policy Root" })).authority;
    const id = (await createAuthority({ commonName: "Cache Policy Intermediate", parentId: root.id })).authority.id;
    const issued = await issue(request({ caId: id }));
    const chain = await getDb().authority.findMany({ where: { id: { in: [id, root.id] } } });
    const pem = (caId: string) => chain.find((a) => a.id === caId)!.certificatePem;
    expect(issued.chainPem).toBe(pem(id) + pem(root.id));
    await getDb().authority.update({ where: { id }, data: { issuancePolicy: JSON.stringify({ maxValidityDays: 10 }) } });
    const error = await refused(issue(request({ caId: id, validityDays: 30 })));
    expect(error.code).toBe("POLICY_VIOLATION");
  });
});

describe("generated keys (node:crypto)", () => {
  it.each(KEY_TYPES)(
    "a %s key: the certificate holds its public key, openssl reads the private key and verifies the chain",
    async (keyType) => {
      const result = await issue(request({ key: { kind: "generate", keyType }, keepKey: true }));
      expect(result.certificate.keyType).toBe(keyType);
      const dir = tempDir();
      const f = writeFiles(dir, {
        "key.pem": result.privateKeyPem!,
        "cert.pem": result.certificate.certificatePem,
        "chain.pem": result.chainPem,
      });
      const fromKey = opensslOk(["pkey", "-in", f["key.pem"]!, "-pubout"]);
      const fromCert = opensslOk(["x509", "-in", f["cert.pem"]!, "-noout", "-pubkey"]);
      expect(fromCert).toBe(fromKey);
      expect(opensslOk(["verify", "-x509_strict", "-CAfile", f["chain.pem"]!, f["cert.pem"]!])).toMatch(/: OK/);
    },
    120_000,
  );
});
