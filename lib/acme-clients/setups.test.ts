/**
 * The ACME set-ups, run through the real programs where Debian has them: the certbot lines through
 * certbot's own argument parser, the lego lines through lego (up to the point where it fetches
 * the directory), the Caddyfile through `caddy adapt` and `caddy validate`, the cert-manager
 * documents through cert-manager's CRD schemas (npm @kubernetes-models/cert-manager). Each is pasted into
 * bash as a user would, with `sudo` as a pass-through and the EAB variables exported.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { Certificate as CertManagerCertificate } from "@kubernetes-models/cert-manager/cert-manager.io/v1/Certificate";
import { ClusterIssuer } from "@kubernetes-models/cert-manager/cert-manager.io/v1/ClusterIssuer";
import { describe, expect, it } from "vitest";
import { opensslPem, opensslSelfSigned } from "../testing/openssl-pki";
import { acmeSetups, exampleDomain, SERVER_CA_FILE, type AcmeSetupInput } from "./setups";

const CERTBOT_ARGS = path.join(import.meta.dirname, "certbot-args.py");
const EAB = { keyId: "kid-0123456789abcdef", hmacKey: "c2VjcmV0LWhtYWMta2V5LWZvci10ZXN0cy0wMTIzNDU2Nzg" };

/** A port nothing listens on: lego gets "connection refused" once it has parsed every flag. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function caPem(dir: string): string {
  const ca = opensslSelfSigned(dir, "ca", { subject: "/CN=Test Dashboard CA", extra: ["-days", "2"] });
  return opensslPem.certificate(ca.out);
}

function input(over: Partial<AcmeSetupInput> = {}): AcmeSetupInput {
  return {
    directoryUrl: "http://127.0.0.1:1/acme/internal/directory",
    endpointName: "internal",
    challenges: ["http-01", "dns-01", "tls-alpn-01"],
    requireEab: true,
    issuingRoot: { name: "Test Root", downloadUrl: "http://127.0.0.1:1/ca/root-id" },
    domain: "service.internal",
    email: "ops@example.internal",
    ...over,
  };
}

const setup = (all: ReturnType<typeof acmeSetups>, id: string) => all.find((s) => s.id === id)!;

/** Runs a snippet in bash with the given shell functions defined first (the "real" program behind them). */
function bash(script: string, prelude: string, env: Record<string, string> = {}) {
  const r = spawnSync("bash", ["-e", "-c", `${prelude}\n${script}`], { encoding: "utf8", env: { ...process.env, ...env } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const SUDO = 'sudo() { [ "$1" = -E ] && shift; "$@"; }';
const VARS = { EAB_KID: EAB.keyId, EAB_HMAC: EAB.hmacKey };

function certbotParse(text: string, env: Record<string, string> = VARS) {
  const r = bash(text, `${SUDO}\ncertbot() { /usr/bin/python3 ${CERTBOT_ARGS} "$@"; }`, env);
  expect(r.stderr).toBe("");
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

describe("certbot set-up, through certbot's own parser", () => {
  it("http-01 standalone with EAB from the shell variables", () => {
    const parsed = certbotParse(setup(acmeSetups(input()), "certbot").text);
    expect(parsed).toMatchObject({
      verb: "certonly",
      server: "http://127.0.0.1:1/acme/internal/directory",
      eab_kid: EAB.keyId,
      eab_hmac_key: EAB.hmacKey,
      domains: ["service.internal"],
      email: "ops@example.internal",
      tos: true,
      standalone: true,
      deploy_hook: "systemctl reload nginx",
    });
  });

  it("the same with the values filled in after a key is made, needing no variables", () => {
    const text = setup(acmeSetups(input({ eab: EAB })), "certbot").text;
    expect(text).not.toContain("$EAB");
    expect(certbotParse(text, {})).toMatchObject({ eab_kid: EAB.keyId, eab_hmac_key: EAB.hmacKey });
  });

  it("no EAB flags when the endpoint does not require it; dns-01 through manual hooks", () => {
    const parsed = certbotParse(setup(acmeSetups(input({ requireEab: false, challenges: ["dns-01"] })), "certbot").text, {});
    expect(parsed).toMatchObject({ eab_kid: null, manual: true, standalone: false, pref_challs: ["dns-01"] });
  });

  it("says it cannot serve an endpoint with tls-alpn-01 only", () => {
    const s = setup(acmeSetups(input({ challenges: ["tls-alpn-01"] })), "certbot");
    expect(s.note).toMatch(/cannot answer tls-alpn-01/);
  });

  it("a refused flag is caught (the check can fail)", () => {
    const r = bash("certbot certonly --eab-key x", `certbot() { /usr/bin/python3 ${CERTBOT_ARGS} "$@"; }`);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/unrecognized arguments|ambiguous option/);
  });
});

describe("lego set-up, through lego itself", () => {
  it.each([
    ["http-01", ["http-01"] as const],
    ["tls-alpn-01", ["tls-alpn-01"] as const],
    ["dns-01", ["dns-01"] as const],
  ])("%s: every flag parses and lego goes on to fetch the directory", async (_name, challenges) => {
    const port = await closedPort();
    const dir = mkdtempSync(path.join(tmpdir(), "cadesk-lego-"));
    const url = `http://127.0.0.1:${port}/acme/internal/directory`;
    const text = setup(acmeSetups(input({ directoryUrl: url, challenges: [...challenges] })), "lego").text.replaceAll("/etc/lego", dir);
    const r = bash(text.split("\n# renew")[0]!, `${SUDO}\nlego() { /usr/bin/lego "$@"; }`, VARS);
    expect(r.stderr).not.toMatch(/Incorrect Usage|flag provided but not defined/);
    expect(r.stderr).toContain(`get directory at '${url}'`);
    // The renew line parses too (lego stops at the missing account, or at the directory).
    const renew = bash(
      text.split("# renew when fewer than 30 days are left (daily):\n")[1]!,
      `${SUDO}\nlego() { /usr/bin/lego "$@"; }`,
      VARS,
    );
    expect(renew.stderr).not.toMatch(/Incorrect Usage|flag provided but not defined/);
    expect(renew.status).not.toBe(0);
  });

  it("an unknown flag is caught (the check can fail)", () => {
    const r = bash("lego --server http://127.0.0.1:1/ --eab-kid x run", "");
    expect(r.stderr).toMatch(/flag provided but not defined/);
  });
});

describe("Caddyfile, through caddy adapt and caddy validate", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "cadesk-caddy-"));
  const pem = caPem(dir);
  const caFile = path.join(dir, "server-ca.crt");
  writeFileSync(caFile, pem);

  function caddy(text: string, sub: "adapt" | "validate", env: Record<string, string> = VARS) {
    const file = path.join(dir, `Caddyfile-${Math.random().toString(36).slice(2)}`);
    writeFileSync(file, text.replaceAll(SERVER_CA_FILE, caFile));
    return spawnSync("caddy", [sub, "--config", file, "--adapter", "caddyfile"], {
      encoding: "utf8",
      env: { ...process.env, ...env, HOME: dir, XDG_DATA_HOME: dir, XDG_CONFIG_HOME: dir },
    });
  }

  it("HTTPS directory with a private CA and EAB: the issuer has all of it", () => {
    const serverCa = { name: "Test Dashboard CA", pem, downloadUrl: "https://127.0.0.1:1/ca/x", fingerprintSha256: "AB:CD" };
    const text = setup(acmeSetups(input({ directoryUrl: "https://localhost:3000/acme/internal/directory", serverCa })), "caddy").text;
    const adapted = caddy(text, "adapt");
    expect(adapted.status, adapted.stderr).toBe(0);
    const issuer = JSON.parse(adapted.stdout).apps.tls.automation.policies[0].issuers[0];
    expect(issuer).toEqual({
      module: "acme",
      ca: "https://localhost:3000/acme/internal/directory",
      email: "ops@example.internal",
      external_account: { key_id: EAB.keyId, mac_key: EAB.hmacKey },
      trusted_roots_pem_files: [caFile],
    });
    const validated = caddy(text, "validate");
    expect(validated.status, validated.stderr).toBe(0);
    expect(validated.stdout + validated.stderr).toContain("Valid configuration");
    // Formatted as `caddy fmt` writes it, so Caddy prints no warning at every start.
    expect(validated.stderr).not.toContain("not formatted");
  });

  it("plain HTTP, no EAB: no root and no EAB block", () => {
    const text = setup(acmeSetups(input({ requireEab: false })), "caddy").text;
    const adapted = caddy(text, "adapt", {});
    expect(adapted.status, adapted.stderr).toBe(0);
    const issuer = JSON.parse(adapted.stdout).apps.tls.automation.policies[0].issuers[0];
    expect(issuer).toEqual({ module: "acme", ca: "http://127.0.0.1:1/acme/internal/directory", email: "ops@example.internal" });
    expect(caddy(text, "validate", {}).status).toBe(0);
  });

  it("a missing root file fails validation (the check can fail)", () => {
    const serverCa = { name: "Test Dashboard CA", pem, downloadUrl: "https://127.0.0.1:1/ca/x", fingerprintSha256: "AB:CD" };
    const text = setup(acmeSetups(input({ serverCa })), "caddy").text.replaceAll(SERVER_CA_FILE, path.join(dir, "absent.crt"));
    const file = path.join(dir, "Caddyfile-absent");
    writeFileSync(file, text);
    const r = spawnSync("caddy", ["validate", "--config", file, "--adapter", "caddyfile"], {
      encoding: "utf8",
      env: { ...process.env, ...VARS, HOME: dir, XDG_DATA_HOME: dir },
    });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/absent\.crt/);
  });
});

describe("YAML set-ups (Traefik, cert-manager), parsed with PyYAML", () => {
  function yaml(text: string): unknown[] {
    const r = spawnSync("/usr/bin/python3", ["-c", "import sys, yaml, json; print(json.dumps(list(yaml.safe_load_all(sys.stdin))))"], {
      input: text,
      encoding: "utf8",
    });
    expect(r.status, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as unknown[];
  }

  it("cert-manager: a ClusterIssuer with caBundle and EAB, and a Certificate using it", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "cadesk-k8s-"));
    const pem = caPem(dir);
    const serverCa = { name: "Test Dashboard CA", pem, downloadUrl: "https://127.0.0.1:1/ca/x", fingerprintSha256: "AB:CD" };
    const text = setup(
      acmeSetups(input({ directoryUrl: "https://cadesk.internal/acme/internal/directory", serverCa })),
      "cert-manager",
    ).text;
    // What `kubectl apply -f - <<EOF` receives, after the shell expands $EAB_KID.
    const r = bash(text, 'kubectl() { if [ "$1" = apply ]; then cat; else echo "kubectl $*" >&2; fi; }', VARS);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toBe(`kubectl -n cert-manager create secret generic cadesk-internal-eab --from-literal=secret=${EAB.hmacKey}\n`);
    const [issuer, certificate] = yaml(r.stdout) as Record<string, any>[]; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(issuer).toMatchObject({
      apiVersion: "cert-manager.io/v1",
      kind: "ClusterIssuer",
      metadata: { name: "cadesk-internal" },
      spec: {
        acme: {
          server: "https://cadesk.internal/acme/internal/directory",
          externalAccountBinding: { keyID: EAB.keyId, keySecretRef: { name: "cadesk-internal-eab", key: "secret" } },
          solvers: [{ http01: { ingress: { ingressClassName: "nginx" } } }],
        },
      },
    });
    expect(Buffer.from(issuer!.spec.acme.caBundle, "base64").toString()).toBe(pem.trim() + "\n");
    expect(certificate).toMatchObject({
      kind: "Certificate",
      spec: { dnsNames: ["service.internal"], issuerRef: { name: "cadesk-internal", kind: "ClusterIssuer" } },
    });
    // Both against cert-manager's own CRD schemas (required fields, types, enums), as the API
    // server would check them on `kubectl apply`; a broken document throws here.
    expect(() => new ClusterIssuer(issuer as never).validate()).not.toThrow();
    expect(() => new CertManagerCertificate(certificate as never).validate()).not.toThrow();
    expect(() => new ClusterIssuer({ ...issuer, spec: { acme: { ...issuer!.spec.acme, server: undefined } } } as never).validate()).toThrow(
      /required property server/,
    );
  });

  it("Traefik: a resolver with EAB and the endpoint's challenge", () => {
    const [doc] = yaml(setup(acmeSetups(input({ eab: EAB, challenges: ["tls-alpn-01"] })), "traefik").text) as Record<string, any>[]; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(doc!.certificatesResolvers["cadesk-internal"].acme).toEqual({
      caServer: "http://127.0.0.1:1/acme/internal/directory",
      email: "ops@example.internal",
      storage: "/etc/traefik/acme.json",
      eab: { kid: EAB.keyId, hmacEncoded: EAB.hmacKey },
      tlsChallenge: {},
    });
  });
});

describe("trust steps", () => {
  it("a server-CA step only for an https directory, an issuer step always", () => {
    const plain = acmeSetups(input()).map((s) => s.id);
    expect(plain).not.toContain("trust-server");
    expect(plain).toContain("trust-issuer");
    const serverCa = {
      name: "Dash",
      pem: "-----BEGIN CERTIFICATE-----\nMA==\n-----END CERTIFICATE-----",
      downloadUrl: "https://h/ca/x",
      fingerprintSha256: "AB:CD",
    };
    const tls = acmeSetups(input({ serverCa }));
    expect(setup(tls, "trust-server").text).toContain(SERVER_CA_FILE);
    expect(setup(tls, "lego").text).toContain(`export LEGO_CA_CERTIFICATES=${SERVER_CA_FILE}`);
    expect(setup(tls, "acme.sh").text).toContain(`--ca-bundle ${SERVER_CA_FILE}`);
  });

  it("example names follow the endpoint's rules", () => {
    expect(exampleDomain([".internal", "10.0.0.0/8"])).toBe("service.internal");
    expect(exampleDomain(["10.0.0.0/8", "db.example.internal", ".internal"])).toBe("db.example.internal");
    expect(exampleDomain([])).toBe("service.example.internal");
  });

  it("values that start with a dash (base64url allows it) stay values", async () => {
    const eab = { keyId: "-kid-with-dash", hmacKey: "-hmac-with-dash" };
    expect(certbotParse(setup(acmeSetups(input({ eab })), "certbot").text, {})).toMatchObject({
      eab_kid: eab.keyId,
      eab_hmac_key: eab.hmacKey,
    });
    const port = await closedPort();
    const dir = mkdtempSync(path.join(tmpdir(), "cadesk-lego-"));
    const url = `http://127.0.0.1:${port}/acme/internal/directory`;
    const text = setup(acmeSetups(input({ directoryUrl: url, eab })), "lego").text.replaceAll("/etc/lego", dir);
    const r = bash(text.split("\n# renew")[0]!, `${SUDO}\nlego() { /usr/bin/lego "$@"; }`, {});
    expect(r.stderr).toContain(`get directory at '${url}'`);
  });

  it("quotes values a shell would split", () => {
    const text = setup(acmeSetups(input({ eab: { keyId: "a b", hmacKey: "x'y" } })), "certbot").text;
    expect(certbotParse(text, {})).toMatchObject({ eab_kid: "a b", eab_hmac_key: "x'y" });
  });
});
