/**
 * Every key type's certificates must be accepted by the TLS stacks people run: OpenSSL (see
 * certificate.test.ts), Go's crypto/x509, GnuTLS and NSS (Firefox's library).
 */
import { execFileSync } from "node:child_process";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { buildTestHierarchy } from "../testing/hierarchy";
import { tempDir, writeFiles } from "../testing/openssl";
import { spawnSync } from "node:child_process";
import { KEY_TYPES } from "./key-types";

let goVerify: string;

beforeAll(() => {
  goVerify = path.join(tempDir("cadesk-go-"), "verify-chain");
  execFileSync("go", ["build", "-o", goVerify, path.resolve("lib/testing/verify-chain.go")], {
    stdio: "pipe",
    env: { ...process.env, GOFLAGS: "-mod=mod", GO111MODULE: "off" },
  });
}, 120_000);

function sh(command: string, args: string[]) {
  const r = spawnSync(command, args, { encoding: "utf8" });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

describe.each(KEY_TYPES)("a %s hierarchy", (keyType) => {
  let files: Record<string, string>;
  beforeAll(async () => {
    const h = await buildTestHierarchy(keyType);
    files = writeFiles(tempDir(), {
      "root.pem": h.rootPem,
      "intermediate.pem": h.intermediatePem,
      "leaf.pem": h.leafPem,
      "chain.pem": h.leafPem + h.intermediatePem,
    });
  });

  it("verifies in Go's crypto/x509 for its host name as a TLS server", () => {
    const r = sh(goVerify, [files["root.pem"]!, files["intermediate.pem"]!, files["leaf.pem"]!, "api.example.com", "server"]);
    expect(r.output.trim()).toBe("ok");
    // and is refused for a name it does not hold, as a real client would
    expect(
      sh(goVerify, [files["root.pem"]!, files["intermediate.pem"]!, files["leaf.pem"]!, "other.example.com", "server"]).output,
    ).toMatch(/certificate is valid for api.example.com, not other.example.com/);
  });

  it("verifies in GnuTLS (certtool) for its host name", () => {
    const r = sh("certtool", [
      "--verify",
      "--load-ca-certificate",
      files["root.pem"]!,
      "--infile",
      files["chain.pem"]!,
      "--verify-hostname",
      "api.example.com",
      "--verify-purpose",
      "1.3.6.1.5.5.7.3.1",
    ]);
    expect(r.output).toContain("Chain verification output: Verified.");
    expect(r.status).toBe(0);
  });

  // Debian 12's NSS 3.87 has no Ed25519 certificate signatures (nor does Firefox's TLS stack).
  it.skipIf(keyType === "ed25519")("verifies in NSS (vfychain) as an SSL server certificate", () => {
    const db = tempDir("cadesk-nss-");
    execFileSync("certutil", ["-N", "-d", `sql:${db}`, "--empty-password"]);
    execFileSync("certutil", ["-A", "-d", `sql:${db}`, "-n", "root", "-t", "C,,", "-a", "-i", files["root.pem"]!]);
    const r = sh("vfychain", ["-d", `sql:${db}`, "-u", "1", "-a", files["leaf.pem"]!, "-a", files["intermediate.pem"]!]);
    expect(r.output).toContain("Chain is good!");
  });
});
