/**
 * Name constraints end to end on a real store: written critical on a new CA (openssl reads them),
 * enforced before signing on every entry point for the whole chain, narrowed only for new
 * intermediates, and enforced by clients too: a certificate forged with openssl under the
 * constrained CA's own key is refused by openssl verify, Go's crypto/x509 and GnuTLS, and Inspect
 * and the connection doctor say why in words.
 */
import { execFileSync, spawnSync } from "node:child_process";
import path from "node:path";
import { createServer, type Server, type TLSSocket } from "node:tls";
import { describe, expect } from "vitest";
import { afterAll, beforeAll, it } from "../testing/system";
import { refusal } from "../testing/refusal";
import { openssl, opensslOk, tempDir, writeFiles } from "../testing/openssl";
import { createAuthority } from "../services/create-authority";
import { issueCertificate } from "../services/issue-certificate";
import { importAuthority } from "../services/import-authority";
import { issueInputFromForm } from "../services/issue-form";
import { renewCertificate } from "../services/renew-certificate";
import { inspect } from "../services/inspect";
import { diagnose } from "../tls/connection-doctor";
import { openKey, authorityKeyContext } from "../signers/sealed-key";
import { getDb } from "../db";
import { presentNameConstraints } from "./name-constraints";
import { parseSubtree } from "./subtrees";

let rootPem: string;
let rootId: string;
let constrainedId: string;
let constrainedPem: string;
let constrainedKeyPem: string;
const dir = tempDir("cadesk-nc-");

const pem = (der: Uint8Array, label: string) =>
  `-----BEGIN ${label}-----\n${Buffer.from(der).toString("base64").replace(/.{64}/g, "$&\n").replace(/\n?$/, "\n")}-----END ${label}-----\n`;

beforeAll(async () => {
  const root = await createAuthority({ commonName: "NC Test Root" });
  rootId = root.authority.id;
  rootPem = root.authority.certificatePem;
  const constrained = await createAuthority({
    commonName: "NC Internal Issuing",
    parentId: rootId,
    pathLen: 2,
    nameConstraints: {
      permitted: { dns: [".internal"], ip: ["10.0.0.0/8", "fd00::/8"], email: [".example.com"], uri: ["spiffe://prod.example/"] },
      excluded: { dns: ["secret.internal"] },
    },
  });
  constrainedId = constrained.authority.id;
  constrainedPem = constrained.authority.certificatePem;
  constrainedKeyPem = pem(openKey(constrained.authority.encryptedKey, authorityKeyContext(constrainedId)), "PRIVATE KEY");
});

describe("subtrees as typed", () => {
  it.each([
    ["dns", ".internal", "internal"],
    ["dns", "Example.COM.", "example.com"],
    ["ip", "10.0.0.0/8", "10.0.0.0/8"],
    ["ip", "192.0.2.7", "192.0.2.7/32"],
    ["ip", "FD00::/8", "fd00::/8"],
    ["email", "ops@Example.com", "ops@example.com"],
    ["email", ".example.com", ".example.com"],
    ["uri", "spiffe://prod.example/", "prod.example"],
    ["uri", ".example.com", ".example.com"],
  ] as const)("%s %s is written as %s", (form, raw, value) => {
    const r = parseSubtree(form, raw);
    expect(r).toMatchObject({ ok: true, name: { value } });
  });

  it.each([
    ["dns", "*.internal", "wildcard"],
    ["dns", "10.0.0.1", "put it under IP ranges"],
    ["ip", "10.1.0.0/8", "did you mean 10.0.0.0/8?"],
    ["ip", "10.0.0.0/33", "prefix length outside 0-32"],
    ["ip", "internal", "not an address with a prefix length"],
    ["email", "not an address", "neither a mailbox"],
    ["uri", "spiffe://prod.example/ns/prod", "has a path"],
    ["uri", "10.0.0.1", "is an IP address"],
  ] as const)("%s %s is refused (%s)", (form, raw, why) => {
    const r = parseSubtree(form, raw);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.problem).toContain(why);
      expect(r.problem).toContain(raw);
    }
  });

  it("refuses a bad entry when a CA is created, naming the entry and the field", async () => {
    const e = await refusal(
      createAuthority({ commonName: "NC Bad", nameConstraints: { permitted: { ip: ["10.0.0.0/8", "10.1.0.0/8"] } } }),
    );
    expect(e).toMatchObject({ code: "INVALID_INPUT", field: "nameConstraints.permitted.ip" });
    expect(e.message).toContain('"10.1.0.0/8" has host bits set');
    expect(await getDb().authority.findFirst({ where: { commonName: "NC Bad" } })).toBeNull();
  });
});

describe("the extension on the CA certificate", () => {
  it("is critical and reads back as written (openssl and the API's view)", () => {
    const text = opensslOk(["x509", "-noout", "-ext", "nameConstraints"], constrainedPem);
    expect(text).toContain("X509v3 Name Constraints: critical");
    expect(text).toMatch(
      /Permitted:\s+DNS:internal\s+IP:10\.0\.0\.0\/255\.0\.0\.0\s+IP:FD00:0:0:0:0:0:0:0\/FF00:0:0:0:0:0:0:0\s+email:\.example\.com\s+URI:prod\.example/,
    );
    expect(text).toMatch(/Excluded:\s+DNS:secret\.internal/);
    const authority = { fingerprintSha256: "x", certificatePem: constrainedPem, commonName: "NC Internal Issuing" };
    expect(presentNameConstraints(authority)).toEqual({
      permitted: { dns: ["internal"], ip: ["10.0.0.0/8", "fd00::/8"], email: [".example.com"], uri: ["prod.example"] },
      excluded: { dns: ["secret.internal"] },
      critical: true,
    });
  });
});

describe("enforcement before signing", () => {
  it("issues names inside the subtrees", async () => {
    const ok = await issueCertificate({
      caId: constrainedId,
      profile: "server-client",
      commonName: "api.internal",
      sans: {
        dns: ["db.prod.internal"],
        ip: ["10.2.3.4", "fd00::5"],
        email: ["ops@mail.example.com"],
        uri: ["spiffe://prod.example/ns/api"],
      },
    });
    expect(ok.certificate.id).toBeTruthy();
  });

  it.each([
    [{ dns: ["api.example.com"] }, 'DNS name "api.example.com"', 'permits only "internal" for DNS names'],
    [{ dns: ["db.secret.internal"] }, 'DNS name "db.secret.internal"', 'excludes the DNS subtree "secret.internal"'],
    [{ dns: ["*.secret.internal"] }, 'DNS name "*.secret.internal"', 'excludes the DNS subtree "secret.internal"'],
    [{ ip: ["192.168.1.1"] }, 'IP name "192.168.1.1"', 'permits only "10.0.0.0/8", "fd00::/8"'],
    [{ email: ["someone@example.org"] }, 'e-mail name "someone@example.org"', 'permits only ".example.com"'],
    [{ uri: ["spiffe://staging.example/ns/api"] }, 'URI name "spiffe://staging.example/ns/api"', 'permits only "prod.example"'],
  ])("refuses %j through the API service, naming the name, the subtree and the CA", async (sans, name, constraint) => {
    const e = await refusal(issueCertificate({ caId: constrainedId, profile: "client", commonName: "svc", sans }));
    expect(e.code).toBe("NAME_NOT_ALLOWED");
    expect(e.status).toBe(400);
    expect(e.message).toContain(name);
    expect(e.message).toContain(constraint);
    expect(e.message).toContain('the CA "NC Internal Issuing"');
  });

  it("refuses through the form's service and through CSR signing", async () => {
    const form = new FormData();
    for (const [k, v] of Object.entries({ caId: constrainedId, profile: "server", commonName: "www.example.com", validityDays: "30" }))
      form.set(k, v);
    const viaForm = await refusal(issueCertificate(issueInputFromForm(form), new Date(), "form"));
    expect(viaForm).toMatchObject({ code: "NAME_NOT_ALLOWED", field: "sans" });
    expect(viaForm.message).toContain('DNS name "www.example.com"');

    const keyFile = path.join(dir, "csr.key");
    opensslOk(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", keyFile]);
    const csrPem = opensslOk([
      "req",
      "-new",
      "-key",
      keyFile,
      "-subj",
      "/CN=db.secret.internal",
      "-addext",
      "subjectAltName=DNS:db.secret.internal",
    ]);
    const viaCsr = await refusal(issueCertificate({ caId: constrainedId, profile: "server", csrPem }));
    expect(viaCsr.code).toBe("NAME_NOT_ALLOWED");
    expect(viaCsr.message).toContain('excludes the DNS subtree "secret.internal"');
  });

  it("refuses a host-like Common Name without a DNS SAN, as OpenSSL reads it as a DNS name", async () => {
    const e = await refusal(issueCertificate({ caId: constrainedId, profile: "server", commonName: "10.2.3.4" }));
    expect(e).toMatchObject({ code: "NAME_NOT_ALLOWED", field: "commonName" });
    expect(e.message).toContain('The Common Name "10.2.3.4" would make OpenSSL refuse the certificate');
    expect(e.message).toContain('the CA "NC Internal Issuing" has the permitted DNS subtrees "internal"');
    const client = await refusal(
      issueCertificate({
        caId: constrainedId,
        profile: "client",
        commonName: "billing.example.com",
        sans: { uri: ["spiffe://prod.example/billing"] },
      }),
    );
    expect(client.field).toBe("commonName");
    // A CN that is no host name, or a DNS SAN beside it, is fine (OpenSSL then ignores the CN).
    const ip = await issueCertificate({
      caId: constrainedId,
      profile: "server",
      commonName: "Database server",
      sans: { ip: ["10.2.3.4"] },
    });
    const f = writeFiles(dir, { "ip-leaf.pem": ip.certificate.certificatePem, "ip-inter.pem": constrainedPem, "ip-root.pem": rootPem });
    expect(opensslOk(["verify", "-CAfile", f["ip-root.pem"]!, "-untrusted", f["ip-inter.pem"]!, f["ip-leaf.pem"]!])).toContain(": OK");
    await issueCertificate({
      caId: constrainedId,
      profile: "client",
      commonName: "billing",
      sans: { uri: ["spiffe://prod.example/billing"] },
    });
  });

  it("refuses renewal when the names fall outside (a stored certificate whose names the chain does not allow)", async () => {
    const issued = await issueCertificate({ caId: constrainedId, profile: "server", commonName: "renew.internal" });
    // As for a certificate made before the CA was re-imported with narrower constraints: its names are out of scope now.
    await getDb().certificate.update({
      where: { id: issued.certificate.id },
      data: { sans: JSON.stringify([{ type: "dns", value: "renew.example.com" }]) },
    });
    const e = await refusal(renewCertificate(issued.certificate.id, {}));
    expect(e.code).toBe("NAME_NOT_ALLOWED");
    expect(e.message).toContain('DNS name "renew.example.com"');
  });
});

describe("a CA below a constrained CA", () => {
  it("may only narrow the constraints, and its subject must pass them", async () => {
    const wider = await refusal(
      createAuthority({ commonName: "NC Wider", parentId: constrainedId, nameConstraints: { permitted: { dns: ["example.com"] } } }),
    );
    expect(wider).toMatchObject({ code: "NAME_NOT_ALLOWED", field: "nameConstraints.permitted.dns" });
    expect(wider.message).toContain(
      '"example.com" is wider than, or outside, what the parent CA "NC Internal Issuing" permits ("internal")',
    );
    const excluded = await refusal(
      createAuthority({
        commonName: "NC Secret",
        parentId: constrainedId,
        nameConstraints: { permitted: { dns: ["db.secret.internal"] } },
      }),
    );
    expect(excluded.message).toContain('lies inside the subtree "secret.internal" that the CA "NC Internal Issuing" excludes');
    const ipWider = await refusal(
      createAuthority({ commonName: "NC IP", parentId: constrainedId, nameConstraints: { permitted: { ip: ["0.0.0.0/0"] } } }),
    );
    expect(ipWider.message).toContain('"0.0.0.0/0" is wider');
  });

  it("is bound by its parents' constraints even without its own, and the refusal names the parent that imposes it", async () => {
    const narrow = await createAuthority({
      commonName: "NC Svc Issuing",
      parentId: constrainedId,
      nameConstraints: { permitted: { dns: ["svc.internal"], ip: ["10.1.0.0/16"] } },
    });
    const plain = await createAuthority({ commonName: "NC Plain Below", parentId: narrow.authority.id });
    await issueCertificate({ caId: plain.authority.id, profile: "server", commonName: "a.svc.internal", sans: { ip: ["10.1.2.3"] } });
    const own = await refusal(issueCertificate({ caId: plain.authority.id, profile: "server", commonName: "b.other.internal" }));
    expect(own.message).toContain('the CA "NC Svc Issuing" permits only "svc.internal"');
    const ip = await refusal(
      issueCertificate({ caId: plain.authority.id, profile: "server", commonName: "c.svc.internal", sans: { ip: ["10.2.0.1"] } }),
    );
    expect(ip.message).toContain('the CA "NC Svc Issuing" permits only "10.1.0.0/16"');
    // One level further up: an unconstrained CA directly under the constrained one is refused by that parent's constraints.
    const sibling = await createAuthority({ commonName: "NC Plain Sibling", parentId: constrainedId });
    const up = await refusal(issueCertificate({ caId: sibling.authority.id, profile: "server", commonName: "db.secret.internal" }));
    expect(up.message).toContain('the CA "NC Internal Issuing" excludes the DNS subtree "secret.internal"');
  });
});

describe("an imported CA", () => {
  it("keeps the constraints its certificate carries (read, shown, enforced) and warns when they are not critical", async () => {
    const made = (name: string, nc: string) => {
      const key = path.join(dir, `${name}.key`);
      const cert = path.join(dir, `${name}.pem`);
      opensslOk([
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-keyout",
        key,
        "-out",
        cert,
        "-days",
        "30",
        "-subj",
        `/O=Corp/CN=${name}`,
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign,digitalSignature",
        "-addext",
        `nameConstraints=${nc}`,
      ]);
      return { certificatePem: readPem(cert), privateKeyPem: readPem(key) };
    };
    const imported = await importAuthority(
      made("NC Imported Corp", "critical,permitted;DNS:corp.example,permitted;IP:192.168.0.0/255.255.0.0,excluded;email:.bad.example"),
    );
    expect(imported.warnings).toEqual([]);
    expect(presentNameConstraints(imported.authority)).toEqual({
      permitted: { dns: ["corp.example"], ip: ["192.168.0.0/16"] },
      excluded: { email: [".bad.example"] },
      critical: true,
    });
    await issueCertificate({ caId: imported.authority.id, profile: "server", commonName: "a.corp.example", sans: { ip: ["192.168.4.4"] } });
    const e = await refusal(
      issueCertificate({ caId: imported.authority.id, profile: "server", commonName: "a.corp.example", sans: { ip: ["10.0.0.1"] } }),
    );
    expect(e.message).toContain('the CA "NC Imported Corp" permits only "192.168.0.0/16" for IP names');

    const loose = await importAuthority(made("NC Imported Loose", "permitted;DNS:loose.example"));
    expect(loose.warnings.join(" ")).toContain("Its Name Constraints extension is not critical");
    const refused = await refusal(issueCertificate({ caId: loose.authority.id, profile: "server", commonName: "www.example.com" }));
    expect(refused.code).toBe("NAME_NOT_ALLOWED");
  });
});

describe("clients refuse what cadesk would not sign", () => {
  const forged: Record<string, string> = {};
  let server: Server | undefined;

  beforeAll(() => {
    const files = writeFiles(dir, { "root.pem": rootPem, "inter.pem": constrainedPem, "inter.key": constrainedKeyPem });
    for (const [name, san] of [
      ["excluded", "DNS:db.secret.internal"],
      ["outside", "DNS:api.example.com"],
      ["inside", "DNS:api.internal"],
    ] as const) {
      const key = path.join(dir, `${name}.key`);
      const csr = path.join(dir, `${name}.csr`);
      const ext = path.join(dir, `${name}.ext`);
      writeFiles(dir, {
        [`${name}.ext`]: `basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=${san}\n`,
      });
      opensslOk(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", key]);
      opensslOk(["req", "-new", "-key", key, "-subj", `/CN=${san.slice(4)}`, "-out", csr]);
      opensslOk([
        "x509",
        "-req",
        "-in",
        csr,
        "-CA",
        files["inter.pem"]!,
        "-CAkey",
        files["inter.key"]!,
        "-days",
        "30",
        "-extfile",
        ext,
        "-out",
        path.join(dir, `${name}.pem`),
      ]);
      forged[name] = path.join(dir, `${name}.pem`);
      forged[`${name}.key`] = key;
    }
  });

  afterAll(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

  it("openssl verify refuses the excluded and the outside names, and accepts the inside one", () => {
    const verify = (leaf: string) =>
      openssl(["verify", "-CAfile", path.join(dir, "root.pem"), "-untrusted", path.join(dir, "inter.pem"), leaf]);
    const excluded = verify(forged.excluded!);
    expect(excluded.status).not.toBe(0);
    expect(excluded.stdout + excluded.stderr).toContain("excluded subtree violation");
    const outside = verify(forged.outside!);
    expect(outside.status).not.toBe(0);
    expect(outside.stdout + outside.stderr).toContain("permitted subtree violation");
    expect(verify(forged.inside!).status).toBe(0);
  });

  it("Go's crypto/x509 refuses them", () => {
    const goFile = path.join(dir, "verify.go");
    writeFiles(dir, {
      "verify.go": `package main

import (
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"os"
)

func load(path string) []*x509.Certificate {
	data, err := os.ReadFile(path)
	if err != nil {
		panic(err)
	}
	var out []*x509.Certificate
	for {
		var block *pem.Block
		block, data = pem.Decode(data)
		if block == nil {
			return out
		}
		c, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			panic(err)
		}
		out = append(out, c)
	}
}

func main() {
	roots, inters := x509.NewCertPool(), x509.NewCertPool()
	roots.AddCert(load(os.Args[1])[0])
	inters.AddCert(load(os.Args[2])[0])
	_, err := load(os.Args[3])[0].Verify(x509.VerifyOptions{Roots: roots, Intermediates: inters, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}})
	if err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	fmt.Println("ok")
}
`,
    });
    const run = (leaf: string) =>
      spawnSync("go", ["run", goFile, path.join(dir, "root.pem"), path.join(dir, "inter.pem"), leaf], {
        encoding: "utf8",
        env: { ...process.env, GOFLAGS: "-mod=mod", GOCACHE: path.join(dir, "gocache"), GO111MODULE: "off" },
      });
    const excluded = run(forged.excluded!);
    expect(excluded.status).toBe(1);
    expect(excluded.stdout).toContain('"db.secret.internal" is excluded by constraint "secret.internal"');
    const outside = run(forged.outside!);
    expect(outside.status).toBe(1);
    expect(outside.stdout).toContain('"api.example.com" is not permitted by any constraint');
    expect(run(forged.inside!).stdout.trim()).toBe("ok");
  });

  it("GnuTLS certtool --verify-chain refuses them", () => {
    // --verify-chain takes the whole chain, its self-signed root last, as the anchor.
    const chain = (leaf: string) =>
      execFileSync("cat", [leaf, path.join(dir, "inter.pem"), path.join(dir, "root.pem")], { encoding: "utf8" });
    const verify = (leaf: string) => spawnSync("certtool", ["--verify-chain"], { input: chain(leaf), encoding: "utf8" });
    for (const name of ["excluded", "outside"]) {
      const r = verify(forged[name]!);
      expect(r.status).not.toBe(0);
      // GNUTLS_CERT_SIGNER_CONSTRAINTS_FAILURE: GnuTLS's verdict for a name outside the issuer's name constraints.
      expect(r.stdout).toContain(
        "Chain verification output: Not verified. The certificate is NOT trusted. The certificate chain violates the signer's constraints.",
      );
    }
    const inside = verify(forged.inside!);
    expect(inside.stdout).toContain("Chain verification output: Verified.");
    expect(inside.status).toBe(0);
  });

  it("Inspect explains the violation in words", async () => {
    const result = await inspect({ input: readPem(forged.excluded!) + constrainedPem, rootPem });
    expect(result.chain).toMatchObject({ ok: false, code: "NAME_CONSTRAINT_VIOLATION" });
    expect(result.chain!.explanation).toContain(
      'DNS "db.secret.internal" is in the subtree "secret.internal" that "CN=NC Internal Issuing" excludes',
    );
    const outside = await inspect({ input: readPem(forged.outside!) + constrainedPem, rootPem });
    expect(outside.chain!.explanation).toContain('DNS "api.example.com" is outside what "CN=NC Internal Issuing" permits');
  });

  it("the connection doctor explains it for a server that sends the forged certificate", async () => {
    // resume(): a server socket that never reads the client's request never sees its close on Node 24.
    const answer = (s: TLSSocket) => s.resume().end();
    server = createServer({ cert: readPem(forged.excluded!) + constrainedPem, key: readPem(forged["excluded.key"]!) }, answer);
    await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as { port: number }).port;
    const r = await diagnose({
      host: "127.0.0.1",
      port,
      serverName: "db.secret.internal",
      trust: { pems: [rootPem], label: "NC Test Root", file: "root.pem" },
    });
    expect(r.ok).toBe(false);
    expect(r.explanation).toContain('"secret.internal" that "CN=NC Internal Issuing" excludes');
  });
});

function readPem(file: string): string {
  return execFileSync("cat", [file], { encoding: "utf8" });
}
