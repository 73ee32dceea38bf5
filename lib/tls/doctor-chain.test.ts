/** The doctor's chain verdicts on committed fixtures with fixed dates (lib/issuance/fixtures/make-fixtures.sh). */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parsePemBlocks } from "../pki/pem";
import { checkServerChain } from "./doctor-chain";

const fixture = (name: string) => readFileSync(path.join(import.meta.dirname, "fixtures", name), "utf8");

describe("checkServerChain", () => {
  const leaf = parsePemBlocks(fixture("future-leaf.pem"))[0]!.der;
  const trust = { pems: [fixture("root.pem")], label: "Fixture Future Root" };

  it("names a certificate that is not valid yet CERT_NOT_YET_VALID, with the date", async () => {
    const check = await checkServerChain({ sent: [leaf], trust, serverName: "future.example.com", now: new Date("2026-06-01T00:00:00Z") });
    expect(check.ok).toBe(false);
    expect(check.code).toBe("CERT_NOT_YET_VALID");
    expect(check.explanation).toMatch(/2030/);
  });

  it("accepts the same chain once its time has come", async () => {
    const check = await checkServerChain({ sent: [leaf], trust, serverName: "future.example.com", now: new Date("2030-06-01T00:00:00Z") });
    expect(check.ok, check.explanation).toBe(true);
  });
});
