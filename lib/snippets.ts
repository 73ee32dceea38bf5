/**
 * Copyable set-ups for the common servers and clients, written with the exact names of the files
 * the download buttons produce. The chain file holds the issuing CAs up to the root: it is what
 * peers load to trust this certificate, and what an mTLS server loads as its client-CA pool.
 *
 * A server certificate gets server set-ups for plain TLS; requiring client certificates (mTLS) is
 * a clearly marked optional block, commented out, since a TLS server certificate says nothing
 * about its clients (issue #12 item 6). A client certificate gets client set-ups that connect to
 * a placeholder server address the user replaces, never to the client's own name.
 * Tests build and run the Go, Node, Python and curl snippets against each other, so what users copy works.
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
  /** The name clients connect to, one the certificate holds (server certificates). */
  host: string;
  port?: number;
  isServer: boolean;
  isClient: boolean;
  secretName: string;
}

/** The server a client certificate's set-ups connect to: a placeholder, replaced by the user (and by the tests). */
export const SERVER_URL_PLACEHOLDER = "https://your-server.example:8443/";
const PLACEHOLDER_HOST_PORT = "your-server.example:8443";

/** Lines between these markers are the optional mTLS block, commented out; tests uncomment them. */
export const MTLS_BEGIN = "optional mTLS";
export const MTLS_END = "end of optional mTLS";

interface SnippetContext extends Required<Omit<SnippetParams, "port">> {
  port: number;
  /** The download file names. */
  f: { full: string; key: string; chain: string; p12: string };
}

/** A snippet and whether it applies to this certificate (server snippets for server profiles ...). */
type Candidate = Snippet & { when: boolean };

/** nginx: TLS, mTLS as a commented block */
function nginxSnippet({ host, isServer, f }: SnippetContext): Candidate {
  return {
    title: "nginx (TLS; mTLS optional)",
    id: "nginx",
    when: isServer,
    text: `server {
    listen 443 ssl;
    server_name ${host};
    ssl_certificate     /etc/ssl/cadesk/${f.full};
    ssl_certificate_key /etc/ssl/cadesk/${f.key};
    ssl_protocols TLSv1.2 TLSv1.3;

    # --- ${MTLS_BEGIN}: uncomment to accept only clients with a certificate from this CA ---
    # ssl_client_certificate /etc/ssl/cadesk/${f.chain};
    # ssl_verify_client on;
    # ssl_verify_depth 2;
    # --- ${MTLS_END} ---
}
# after renewing: nginx -s reload (no dropped connections)`,
  };
}

/** Go server: TLS reloading the certificate from disk without a restart, mTLS as a commented block */
function goServerSnippet({ port, isServer, f }: SnippetContext): Candidate {
  return {
    title: "Go server: TLS, reloading the certificate from disk without a restart (mTLS optional)",
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

// clientCAs is the pool client certificates must chain to, used only with the optional mTLS lines below.
func clientCAs() *x509.CertPool {
	caPEM, err := os.ReadFile("${f.chain}")
	if err != nil {
		log.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(caPEM)
	return pool
}

func main() {
	srv := &http.Server{
		Addr: ":${port}",
		TLSConfig: &tls.Config{
			MinVersion:     tls.VersionTLS12,
			GetCertificate: (&certReloader{}).GetCertificate,
			// --- ${MTLS_BEGIN}: uncomment to require a client certificate from this CA ---
			// ClientCAs:  clientCAs(),
			// ClientAuth: tls.RequireAndVerifyClientCert,
			// --- ${MTLS_END} ---
		},
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if len(r.TLS.PeerCertificates) > 0 {
				w.Write([]byte("hello " + r.TLS.PeerCertificates[0].Subject.CommonName + "\\n"))
				return
			}
			w.Write([]byte("hello\\n"))
		}),
	}
	log.Fatal(srv.ListenAndServeTLS("", ""))
}`,
  };
}

/** Go client (trusts the server's CA, presents this certificate) */
function goClientSnippet({ isClient, f }: SnippetContext): Candidate {
  return {
    title: "Go client (presents this certificate)",
    id: "go-client",
    when: isClient,
    text: `// The CA that issued the server's certificate: this certificate's chain if the same CA issued both.
caPEM, err := os.ReadFile("${f.chain}")
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
}}}
// Replace with your server's URL: its certificate must name that host.
resp, err := client.Get("${SERVER_URL_PLACEHOLDER}")`,
  };
}

/** Node.js https server: TLS, mTLS as a commented block */
function nodeServerSnippet({ port, isServer, f }: SnippetContext): Candidate {
  return {
    title: "Node.js https server (TLS; mTLS optional)",
    id: "node-server",
    when: isServer,
    text: `import https from "node:https";
import { readFileSync } from "node:fs";

const server = https.createServer({
  cert: readFileSync("${f.full}"),
  key: readFileSync("${f.key}"),
  minVersion: "TLSv1.2",
  // --- ${MTLS_BEGIN}: uncomment to require a client certificate from this CA ---
  // ca: readFileSync("${f.chain}"),
  // requestCert: true,
  // rejectUnauthorized: true,
  // --- ${MTLS_END} ---
}, (req, res) => {
  const peer = req.socket.getPeerCertificate();
  res.end(peer && peer.subject ? \`hello \${peer.subject.CN}\\n\` : "hello\\n");
});
server.listen(${port});

// Renewed files? Swap them in without a restart:
// server.setSecureContext({ cert: readFileSync(...), key: readFileSync(...) });`,
  };
}

/** Node.js client */
function nodeClientSnippet({ isClient, f }: SnippetContext): Candidate {
  return {
    title: "Node.js client (presents this certificate)",
    id: "node-client",
    when: isClient,
    text: `import https from "node:https";
import { readFileSync } from "node:fs";

// Replace with your server's URL; ca: the CA that issued the server's certificate.
https.get("${SERVER_URL_PLACEHOLDER}", {
  ca: readFileSync("${f.chain}"),
  cert: readFileSync("${f.full}"),
  key: readFileSync("${f.key}"),
}, (res) => res.pipe(process.stdout));`,
  };
}

/** Python requests client */
function pythonClientSnippet({ isClient, f }: SnippetContext): Candidate {
  return {
    title: "Python requests (presents this certificate)",
    id: "python-client",
    when: isClient,
    text: `import requests

# Replace with your server's URL; verify: the CA that issued the server's certificate.
response = requests.get(
    "${SERVER_URL_PLACEHOLDER}",
    cert=("${f.full}", "${f.key}"),
    verify="${f.chain}",
)
print(response.text, end="")`,
  };
}

/** curl: against this server, or presenting this client certificate to a server */
function curlSnippet({ host, isClient, isServer, f }: SnippetContext): Candidate[] {
  return [
    {
      title: "curl (check this server)",
      id: "curl",
      when: isServer,
      text: `curl --cacert ${f.chain} https://${host}/`,
    },
    {
      title: "curl (presents this certificate; replace the URL with your server's)",
      id: "curl-client",
      when: isClient,
      text: `curl --cacert ${f.chain} \\
  --cert ${f.full} --key ${f.key} \\
  ${SERVER_URL_PLACEHOLDER}`,
    },
  ];
}

/** openssl s_client: the handshake in detail, presenting this client certificate */
function opensslClientSnippet({ isClient, f }: SnippetContext): Candidate {
  return {
    title: "openssl s_client (presents this certificate; replace host:port with your server's)",
    id: "openssl-client",
    when: isClient,
    text: `openssl s_client -connect ${PLACEHOLDER_HOST_PORT} \\
  -CAfile ${f.chain} -cert ${f.full} -key ${f.key} \\
  -verify_return_error </dev/null`,
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

/** Every set-up, in the order the page shows them: servers first, then clients. */
const SNIPPETS = [
  nginxSnippet,
  goServerSnippet,
  nodeServerSnippet,
  kubernetesSnippet,
  curlSnippet,
  goClientSnippet,
  nodeClientSnippet,
  pythonClientSnippet,
  opensslClientSnippet,
];

export function usageSnippets({ base, host, port = 8443, isServer, isClient, secretName }: SnippetParams): Snippet[] {
  const f = { full: `${base}.fullchain.pem`, key: `${base}.key.pem`, chain: `${base}.chain.pem`, p12: `${base}.p12` };
  const context: SnippetContext = { base, host, port, isServer, isClient, secretName, f };
  return SNIPPETS.flatMap((make) => make(context))
    .filter((s) => s.when)
    .map(({ when: _when, ...s }) => s);
}

/**
 * The snippet parameters for a stored certificate: the host a server is reached at (its first DNS
 * name, a wildcard as www., else its IP, else the CN), server and client roles from its profile.
 */
export function snippetParamsFor(cert: { base: string; commonName: string; sans: string[]; profile: string }): SnippetParams {
  const host =
    cert.sans
      .find((s) => s.startsWith("DNS:"))
      ?.slice(4)
      .replace(/^\*\./, "www.") ??
    cert.sans.find((s) => s.startsWith("IP:"))?.slice(3) ??
    (cert.commonName || "service.internal");
  const secretName =
    cert.base
      .replace(/[^a-z0-9-]/gi, "-")
      .toLowerCase()
      .replace(/^-+|-+$/g, "")
      .slice(0, 50) + "-tls";
  return { base: cert.base, host, isServer: cert.profile !== "client", isClient: cert.profile !== "server", secretName };
}
