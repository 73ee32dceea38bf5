/**
 * Copyable set-ups for the common servers and clients, written with the exact names of the files
 * the download buttons produce. The chain file holds the issuing CAs up to the root: it is what
 * peers load to trust this certificate, and what an mTLS server loads as its client-CA pool.
 * Tests build and run the Go and curl snippets against each other, so what users copy works.
 */
export interface Snippet {
  title: string;
  /** "go-server" | "go-client" | ... : stable ids for tests. */
  id: string;
  text: string;
}

export interface SnippetParams {
  /** The file name stem of the downloads ("api.example.com"). */
  base: string;
  /** The name clients connect to, one the certificate holds. */
  host: string;
  port?: number;
  isServer: boolean;
  isClient: boolean;
  secretName: string;
}

interface SnippetContext extends Required<Omit<SnippetParams, "port">> {
  port: number;
  /** The download file names. */
  f: { full: string; key: string; chain: string; p12: string };
}

/** A snippet and whether it applies to this certificate (server snippets for server profiles ...). */
type Candidate = Snippet & { when: boolean };

/** nginx (TLS, optionally mTLS) */
function nginxSnippet({ host, isServer, f }: SnippetContext): Candidate {
  return {
    title: "nginx (TLS, optionally mTLS)",
    id: "nginx",
    when: isServer,
    text: `server {
    listen 443 ssl;
    server_name ${host};
    ssl_certificate     /etc/ssl/cadesk/${f.full};
    ssl_certificate_key /etc/ssl/cadesk/${f.key};
    ssl_protocols TLSv1.2 TLSv1.3;

    # mTLS: accept only clients with a certificate from this CA
    ssl_client_certificate /etc/ssl/cadesk/${f.chain};
    ssl_verify_client on;
    ssl_verify_depth 2;
}
# after renewing: nginx -s reload (no dropped connections)`,
  };
}

/** Go server: mTLS, reloading the certificate from disk without a restart */
function goServerSnippet({ port, isServer, f }: SnippetContext): Candidate {
  return {
    title: "Go server: mTLS, reloading the certificate from disk without a restart",
    id: "go-server",
    when: isServer,
    text: `package main

import (
	"crypto/tls"
	"crypto/x509"
	"log"
	"net/http"
	"os"
	"sync"
	"time"
)

// certReloader serves the newest key pair on disk: a renewed certificate is picked up by the
// next handshake, without a restart and without dropping open connections.
type certReloader struct {
	mu      sync.Mutex
	cert    *tls.Certificate
	modTime time.Time
}

func (r *certReloader) GetCertificate(*tls.ClientHelloInfo) (*tls.Certificate, error) {
	info, err := os.Stat("${f.full}")
	if err != nil {
		return nil, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.cert == nil || info.ModTime().After(r.modTime) {
		c, err := tls.LoadX509KeyPair("${f.full}", "${f.key}")
		if err != nil {
			if r.cert != nil {
				return r.cert, nil // keep serving the old pair while files are half-written
			}
			return nil, err
		}
		r.cert, r.modTime = &c, info.ModTime()
	}
	return r.cert, nil
}

func main() {
	caPEM, err := os.ReadFile("${f.chain}")
	if err != nil {
		log.Fatal(err)
	}
	clientCAs := x509.NewCertPool()
	clientCAs.AppendCertsFromPEM(caPEM)

	srv := &http.Server{
		Addr: ":${port}",
		TLSConfig: &tls.Config{
			MinVersion:     tls.VersionTLS12,
			GetCertificate: (&certReloader{}).GetCertificate,
			ClientCAs:      clientCAs,
			ClientAuth:     tls.RequireAndVerifyClientCert,
		},
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Write([]byte("hello " + r.TLS.PeerCertificates[0].Subject.CommonName + "\\n"))
		}),
	}
	log.Fatal(srv.ListenAndServeTLS("", ""))
}`,
  };
}

/** Go client (trusts this CA, presents this certificate) */
function goClientSnippet({ host, port, isClient, f }: SnippetContext): Candidate {
  return {
    title: "Go client (trusts this CA, presents this certificate)",
    id: "go-client",
    when: isClient,
    text: `caPEM, err := os.ReadFile("${f.chain}")
if err != nil {
	log.Fatal(err)
}
roots := x509.NewCertPool()
roots.AppendCertsFromPEM(caPEM)

cert, err := tls.LoadX509KeyPair("${f.full}", "${f.key}")
if err != nil {
	log.Fatal(err)
}
client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{
	MinVersion:   tls.VersionTLS12,
	RootCAs:      roots,
	Certificates: []tls.Certificate{cert},
	ServerName:   "${host}", // the name the server's certificate must hold
}}}
resp, err := client.Get("https://${host}:${port}/")`,
  };
}

/** Node.js https server (mTLS) */
function nodeServerSnippet({ port, isServer, f }: SnippetContext): Candidate {
  return {
    title: "Node.js https server (mTLS)",
    id: "node-server",
    when: isServer,
    text: `import https from "node:https";
import { readFileSync } from "node:fs";

const server = https.createServer({
  cert: readFileSync("${f.full}"),
  key: readFileSync("${f.key}"),
  ca: readFileSync("${f.chain}"),      // client certificates must chain to this CA
  requestCert: true,
  rejectUnauthorized: true,
  minVersion: "TLSv1.2",
}, (req, res) => res.end(\`hello \${req.socket.getPeerCertificate().subject.CN}\\n\`));
server.listen(${port});

// Renewed files? Swap them in without a restart:
// server.setSecureContext({ cert: readFileSync(...), key: readFileSync(...), ca: readFileSync(...) });`,
  };
}

/** Node.js client */
function nodeClientSnippet({ host, port, isClient, f }: SnippetContext): Candidate {
  return {
    title: "Node.js client",
    id: "node-client",
    when: isClient,
    text: `import https from "node:https";
import { readFileSync } from "node:fs";

https.get("https://${host}:${port}/", {
  ca: readFileSync("${f.chain}"),
  cert: readFileSync("${f.full}"),
  key: readFileSync("${f.key}"),
}, (res) => res.pipe(process.stdout));`,
  };
}

/** curl */
function curlSnippet({ host, port, isClient, f }: SnippetContext): Candidate {
  return {
    title: "curl",
    id: "curl",
    when: true,
    text: isClient
      ? `curl --cacert ${f.chain} --cert ${f.full} --key ${f.key} https://${host}:${port}/`
      : `curl --cacert ${f.chain} https://${host}/`,
  };
}

/** Kubernetes TLS Secret */
function kubernetesSnippet({ isServer, secretName, f }: SnippetContext): Candidate {
  return {
    title: "Kubernetes TLS Secret",
    id: "kubernetes",
    when: isServer,
    text: `kubectl create secret generic ${secretName} --type=kubernetes.io/tls \\
  --from-file=tls.crt=${f.full} \\
  --from-file=tls.key=${f.key} \\
  --from-file=ca.crt=${f.chain}`,
  };
}

/** Every set-up, in the order the page shows them. */
const SNIPPETS = [nginxSnippet, goServerSnippet, goClientSnippet, nodeServerSnippet, nodeClientSnippet, curlSnippet, kubernetesSnippet];

export function usageSnippets({ base, host, port = 8443, isServer, isClient, secretName }: SnippetParams): Snippet[] {
  const f = { full: `${base}.fullchain.pem`, key: `${base}.key.pem`, chain: `${base}.chain.pem`, p12: `${base}.p12` };
  const context: SnippetContext = { base, host, port, isServer, isClient, secretName, f };
  return SNIPPETS.map((make) => make(context))
    .filter((s) => s.when)
    .map(({ when: _when, ...s }) => s);
}
