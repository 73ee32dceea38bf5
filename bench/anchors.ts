/**
 * The anchors issue #13 measures cadesk against, each started by the bench on loopback:
 * Debian's cfssl 1.2 `serve` (CSR signing, stores nothing), OpenSSL's own OCSP responder
 * (`openssl ocsp -port`, one request per connection) and a Go crypto/tls server (standard
 * library only) with RequireAndVerifyClientCert.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { run, startChild, waitForPort } from "./tools";

/** A P-256 key and CSR made by openssl (the same CSR is sent to cadesk and to cfssl). */
export function makeCsr(dir: string, name: string, keyArgs: string[]): string {
  const key = path.join(dir, `${name}.key`);
  const csr = path.join(dir, `${name}.csr`);
  run("openssl", [
    "req",
    "-new",
    "-newkey",
    ...keyArgs,
    "-nodes",
    "-keyout",
    key,
    "-out",
    csr,
    "-subj",
    `/CN=${name}.bench.example`,
    "-addext",
    `subjectAltName=DNS:${name}.bench.example`,
  ]);
  return run("cat", [csr]);
}

/**
 * The request bodies of the issuance loads (bench/issue-cpu.ts, bench/issue-inproc.ts): `csr` a
 * P-256 CSR, `rsa` an RSA-2048 CSR, `gen` a key cadesk generates (P-256), all for the CA `caId`.
 */
export function issuanceBodies(dir: string, caId: string): Record<string, unknown> {
  return {
    csr: { caId, csrPem: makeCsr(dir, "p256", ["ec", "-pkeyopt", "ec_paramgen_curve:P-256"]) },
    rsa: { caId, csrPem: makeCsr(dir, "rsa2048", ["rsa:2048"]) },
    gen: { caId, commonName: "gen.bench.example", sans: { dns: ["gen.bench.example"] }, keyType: "ecdsa-p256" },
  };
}

/** cfssl's own P-256 CA (openssl-made) and `cfssl serve` on the port. */
export async function startCfssl(dir: string, port: number) {
  const key = path.join(dir, "cfssl-ca.key");
  const cert = path.join(dir, "cfssl-ca.pem");
  run("openssl", ["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", key]);
  run("openssl", [
    "req",
    "-x509",
    "-new",
    "-key",
    key,
    "-out",
    cert,
    "-days",
    "365",
    "-subj",
    "/CN=cfssl bench CA",
    "-addext",
    "basicConstraints=critical,CA:TRUE",
    "-addext",
    "keyUsage=critical,keyCertSign,cRLSign",
  ]);
  const config = path.join(dir, "cfssl-config.json");
  writeFileSync(
    config,
    JSON.stringify({ signing: { default: { expiry: "2160h", usages: ["digital signature", "key encipherment", "server auth"] } } }),
  );
  const child = startChild("/usr/bin/cfssl", [
    "serve",
    "-address",
    "127.0.0.1",
    "-port",
    String(port),
    "-ca",
    cert,
    "-ca-key",
    key,
    "-config",
    config,
  ]);
  await waitForPort(port, "cfssl serve", child);
  return child;
}

/** An OpenSSL index.txt line (the `openssl ca` database OpenSSL's responder reads). */
export function indexLine(cert: { serialNumber: string; notAfter: string; commonName: string; status?: string }): string {
  // The API presents a status, not the revocation time: the responder needs only "R" and a time.
  const revokedAt = cert.status === "revoked" ? new Date().toISOString() : undefined;
  const t = (iso: string) => new Date(iso).toISOString().replace(/[-:T]/g, "").slice(2, 14) + "Z";
  const serial = cert.serialNumber.toUpperCase();
  return [revokedAt ? "R" : "V", t(cert.notAfter), revokedAt ? t(revokedAt) : "", serial, "unknown", `/CN=${cert.commonName}`].join("\t");
}

/** OpenSSL's responder on the same CA; it signs with a delegated key cadesk issued (`-rsigner`). */
export async function startOpensslOcsp(
  dir: string,
  port: number,
  files: { index: string; caPem: string; signer: string; signerKey: string },
) {
  const child = startChild(
    "openssl",
    [
      "ocsp",
      "-index",
      files.index,
      "-port",
      String(port),
      "-rsigner",
      files.signer,
      "-rkey",
      files.signerKey,
      "-CA",
      files.caPem,
      "-ignore_err",
      "-nmin",
      "5",
    ],
    { cwd: dir },
  );
  // No TCP probe here: OpenSSL's responder serves one connection at a time, and an empty probe
  // connection can stall it. It listens within a moment of starting.
  await new Promise((r) => setTimeout(r, 1500));
  if (child.exitCode !== null) throw new Error(`openssl ocsp exited: ${child.log()}`);
  return child;
}

const GO_SERVER = `// A minimal mTLS server: the anchor for cadesk's echo server (issue #13).
package main

import (
	"crypto/tls"
	"crypto/x509"
	"log"
	"os"
)

func main() {
	cert, err := tls.LoadX509KeyPair(os.Args[2], os.Args[3])
	if err != nil {
		log.Fatal(err)
	}
	pem, err := os.ReadFile(os.Args[4])
	if err != nil {
		log.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pem)
	ln, err := tls.Listen("tcp", "127.0.0.1:"+os.Args[1], &tls.Config{
		Certificates: []tls.Certificate{cert},
		ClientCAs:    pool,
		ClientAuth:   tls.RequireAndVerifyClientCert,
		MinVersion:   tls.VersionTLS12,
	})
	if err != nil {
		log.Fatal(err)
	}
	for {
		conn, err := ln.Accept()
		if err != nil {
			continue
		}
		go func() {
			defer conn.Close()
			c := conn.(*tls.Conn)
			if err := c.Handshake(); err != nil {
				return
			}
			c.Write([]byte("go echo: " + c.ConnectionState().PeerCertificates[0].Subject.CommonName + "\\r\\n"))
		}()
	}
}
`;

/** Builds the Go server in the bench's temp dir (no network: standard library only) and starts it. */
export async function startGoTls(dir: string, port: number, files: { cert: string; key: string; clientCa: string }) {
  const goDir = path.join(dir, "gotls");
  run("mkdir", ["-p", goDir]);
  writeFileSync(path.join(goDir, "main.go"), GO_SERVER);
  writeFileSync(path.join(goDir, "go.mod"), "module benchtls\n\ngo 1.19\n");
  run("go", ["build", "-o", "gotls", "."], { cwd: goDir, env: { ...process.env, GOFLAGS: "-mod=mod", GOPROXY: "off" } });
  const child = startChild(path.join(goDir, "gotls"), [String(port), files.cert, files.key, files.clientCa]);
  await waitForPort(port, "Go TLS server", child);
  return child;
}
