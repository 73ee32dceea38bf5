import { describe, expect } from "vitest";
import { it } from "../testing/system";
import { getDb } from "../db";
import { acmeEabKeyContext, createAcmeEabKey } from "./acme-create-eab-key";
import { createAcmeEndpoint } from "./acme-create-endpoint";
import { createAuthority } from "./create-authority";
import { openKey } from "../signers/sealed-key";

describe("ACME endpoints and EAB keys", () => {
  it("creates an endpoint with defaults, refuses a duplicate name and bad rules, and seals EAB keys", async () => {
    const ca = await createAuthority({ commonName: "ACME Endpoint Root" });
    const endpoint = await createAcmeEndpoint({
      name: "unit-acme",
      caId: ca.authority.id,
      allowedIdentifiers: [".internal", "10.0.0.0/8"],
    });
    expect(endpoint).toMatchObject({
      name: "unit-acme",
      defaultProfile: "tlsserver",
      validityDays: 90,
      requireEab: false,
      directoryUrl: "http://localhost:3000/acme/unit-acme/directory",
    });
    expect(JSON.parse(endpoint.challenges)).toEqual(["http-01", "dns-01", "tls-alpn-01"]);
    await expect(createAcmeEndpoint({ name: "unit-acme", caId: ca.authority.id })).rejects.toThrow(/exists already/);
    await expect(createAcmeEndpoint({ name: "Bad Name", caId: ca.authority.id })).rejects.toThrow(/lowercase letters/);
    await expect(createAcmeEndpoint({ name: "x2", caId: ca.authority.id, allowedIdentifiers: ["10.0.0.1/8"] })).rejects.toThrow(
      /host bits set/,
    );
    await expect(
      createAcmeEndpoint({ name: "x3", caId: ca.authority.id, profiles: ["shortlived"], defaultProfile: "tlsserver" }),
    ).rejects.toThrow(/must be one of the offered profiles/);

    const eab = await createAcmeEabKey(endpoint.id, { label: "web servers" });
    expect(Buffer.from(eab.hmacKey, "base64url")).toHaveLength(32);
    const row = await getDb().acmeEabKey.findUniqueOrThrow({ where: { keyId: eab.keyId } });
    expect(row.encryptedKey).not.toContain(eab.hmacKey);
    expect(Buffer.from(openKey(row.encryptedKey, acmeEabKeyContext(row.id))).toString("base64url")).toBe(eab.hmacKey);
    await expect(createAcmeEabKey("nope")).rejects.toThrow(/no ACME endpoint/);
  });
});
