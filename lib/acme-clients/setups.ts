/**
 * Copyable set-ups that point the common ACME clients at one cadesk endpoint: certbot, lego,
 * acme.sh, Caddy, Traefik and cert-manager, plus the trust steps. Pure text from the endpoint's
 * settings, so tests can run what a user copies through the real programs' parsers (certbot's
 * argument parser, `lego`, `caddy adapt`/`caddy validate`).
 *
 * EAB (RFC 8555 7.3.4): the HMAC key is shown once, when it is created. The set-ups on the
 * endpoint page read it from the shell variables EAB_KID and EAB_HMAC (set from that one-time
 * display); right after creating a key, the same set-ups are shown with the values filled in.
 */
import type { AcmeChallengeType } from "../acme/profiles";

export interface AcmeSetup {
  /** Stable id for tests and anchors: "certbot", "lego", "acme.sh", "caddy", "traefik", "cert-manager", "trust-*". */
  id: string;
  title: string;
  /** What to run or where to put it. */
  text: string;
  /** One line on what it does and how it renews, for the page. */
  note: string;
}

export interface AcmeSetupInput {
  directoryUrl: string;
  /** The endpoint's slug, used to name the resolver, issuer and secrets. */
  endpointName: string;
  /** The challenge types the endpoint accepts. */
  challenges: readonly AcmeChallengeType[];
  requireEab: boolean;
  /** Real values right after a key is created; otherwise the set-ups read $EAB_KID and $EAB_HMAC. */
  eab?: { keyId: string; hmacKey: string };
  /**
   * When the directory is https:// with a certificate from a private CA (cadesk's own with
   * CADESK_TLS=1): that CA, which every ACME client must trust to reach the directory.
   */
  serverCa?: { name: string; pem: string; downloadUrl: string; fingerprintSha256: string };
  /** The root of the endpoint's CA: what the peers of the servers that get these certificates trust. */
  issuingRoot: { name: string; downloadUrl: string };
  /** A name to show in the examples (one the endpoint's policy allows). */
  domain: string;
  email: string;
}

/** Where the set-ups expect the CA that signed cadesk's HTTPS certificate (a Debian trust-store path). */
export const SERVER_CA_FILE = "/usr/local/share/ca-certificates/cadesk-acme-server.crt";

/** Single-quotes a value for POSIX shells unless it is plainly safe. */
function sh(value: string): string {
  return /^[A-Za-z0-9@%+=:,./_-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/** One command over several lines, `\` at each break, two-space indent: what people paste. */
function command(lines: string[]): string {
  return lines.map((l, i) => (i === 0 ? l : `  ${l}`)).join(" \\\n");
}

/** The client's first choice among what the endpoint accepts, in the client's order of preference. */
function pick(challenges: readonly AcmeChallengeType[], preference: AcmeChallengeType[]): AcmeChallengeType | undefined {
  return preference.find((c) => challenges.includes(c));
}

/** A string safe as a YAML scalar: double-quoted JSON is valid YAML. */
const yamlString = (v: string) => JSON.stringify(v);

/** The slug as a Kubernetes / Traefik object name. */
const objectName = (name: string) => `cadesk-${name}`.slice(0, 63).replace(/-+$/, "");

export function acmeSetups(input: AcmeSetupInput): AcmeSetup[] {
  const { directoryUrl: url, challenges, requireEab, eab, serverCa, domain, email } = input;
  const kid = eab ? sh(eab.keyId) : '"$EAB_KID"';
  const hmac = eab ? sh(eab.hmacKey) : '"$EAB_HMAC"';
  const eabVars = requireEab && !eab ? "# EAB_KID and EAB_HMAC: the key id and HMAC key shown once when you created the EAB key\n" : "";
  const name = objectName(input.endpointName);
  const reload = "systemctl reload nginx";
  const setups: AcmeSetup[] = [];

  // Reaching the directory: a private CA behind https:// must be trusted first (RFC 8555 6.1
  // requires HTTPS; plain HTTP needs no trust step but should sit behind a TLS proxy).
  if (serverCa) {
    setups.push({
      id: "trust-server",
      title: `Trust cadesk's HTTPS certificate (${serverCa.name})`,
      note: "On every machine that runs an ACME client: the directory is served over HTTPS with a certificate from this CA.",
      text: [
        `# ${serverCa.name}: download it from this page, or fetch it once (-k: not trusted yet) and compare the fingerprint`,
        `curl -fsSk ${sh(serverCa.downloadUrl)} | openssl x509 -inform DER -out cadesk-acme-server.crt`,
        `openssl x509 -in cadesk-acme-server.crt -noout -fingerprint -sha256   # must print ${serverCa.fingerprintSha256}`,
        `sudo cp cadesk-acme-server.crt ${SERVER_CA_FILE}`,
        "sudo update-ca-certificates",
      ].join("\n"),
    });
  }

  // certbot: http-01 with its own listener, or dns-01 through hooks; it has no tls-alpn-01.
  const certbotChallenge = pick(challenges, ["http-01", "dns-01"]);
  setups.push({
    id: "certbot",
    title: "certbot",
    note: certbotChallenge
      ? `Debian: apt install certbot. ${certbotChallenge === "http-01" ? "Answers http-01 itself on port 80" : "dns-01 through your hook scripts"}; certbot.timer renews twice a day, and the deploy hook reloads your server.`
      : "certbot cannot answer tls-alpn-01, the only challenge this endpoint accepts: use lego, acme.sh or Caddy.",
    text: certbotChallenge
      ? eabVars +
        (serverCa
          ? `# Debian's certbot trusts the system store (step above); pip/snap installs: REQUESTS_CA_BUNDLE=${SERVER_CA_FILE}\n`
          : "") +
        command([
          "sudo certbot certonly",
          ...(certbotChallenge === "http-01"
            ? ["--standalone"]
            : [
                "--manual --preferred-challenges dns",
                "--manual-auth-hook /etc/letsencrypt/add-txt.sh --manual-cleanup-hook /etc/letsencrypt/remove-txt.sh",
              ]),
          `--server ${sh(url)}`,
          // "=": base64url values may start with "-", which argparse would read as the next option.
          ...(requireEab ? [`--eab-kid=${kid} --eab-hmac-key=${hmac}`] : []),
          `--agree-tos --email ${sh(email)}`,
          `-d ${sh(domain)}`,
          `--deploy-hook ${sh(reload)}`,
        ])
      : "# not supported",
  });

  // lego: every challenge type; renewals by cron.
  const legoChallenge = pick(challenges, ["http-01", "tls-alpn-01", "dns-01"])!;
  const legoFlags = [
    `--server ${sh(url)}`,
    `--accept-tos --email ${sh(email)}`,
    ...(requireEab ? [`--eab --kid=${kid} --hmac=${hmac}`] : []),
    `--domains ${sh(domain)}`,
    legoChallenge === "http-01" ? "--http" : legoChallenge === "tls-alpn-01" ? "--tls" : "--dns rfc2136",
    "--path /etc/lego",
  ];
  setups.push({
    id: "lego",
    title: "lego",
    note: `Debian: apt install lego. ${
      legoChallenge === "dns-01"
        ? "dns-01 through RFC 2136 updates (RFC2136_NAMESERVER, RFC2136_TSIG_KEY, RFC2136_TSIG_SECRET)"
        : `Answers ${legoChallenge} itself on port ${legoChallenge === "http-01" ? 80 : 443}`
    }; run the renew line daily from cron or a timer.`,
    text:
      eabVars +
      (serverCa ? `export LEGO_CA_CERTIFICATES=${SERVER_CA_FILE}\n` : "") +
      (legoChallenge === "dns-01"
        ? "export RFC2136_NAMESERVER=ns.example.internal:53 RFC2136_TSIG_KEY=acme. RFC2136_TSIG_SECRET=...\n"
        : "") +
      command(["sudo -E lego", ...legoFlags, "run"]) +
      "\n# renew when fewer than 30 days are left (daily):\n" +
      command(["sudo -E lego", ...legoFlags, "renew --days 30", `--renew-hook ${sh(reload)}`]),
  });

  // acme.sh: registers once, then issues; installs its own cron job for renewals.
  const acmeShChallenge = pick(challenges, ["http-01", "tls-alpn-01", "dns-01"])!;
  const caBundle = serverCa ? [`--ca-bundle ${SERVER_CA_FILE}`] : [];
  setups.push({
    id: "acme.sh",
    title: "acme.sh",
    note: `Not packaged by Debian (get.acme.sh). ${acmeShChallenge === "dns-01" ? "dns-01 through nsupdate (NSUPDATE_SERVER, NSUPDATE_KEY)" : `${acmeShChallenge} on port ${acmeShChallenge === "http-01" ? 80 : 443}`}; its cron job renews and runs the reload command.`,
    text:
      eabVars +
      command([
        "acme.sh --register-account",
        `--server ${sh(url)}`,
        ...caBundle,
        ...(requireEab ? [`--eab-kid ${kid} --eab-hmac-key ${hmac}`] : []),
        `-m ${sh(email)}`,
      ]) +
      "\n" +
      command([
        "acme.sh --issue",
        `--server ${sh(url)}`,
        ...caBundle,
        `-d ${sh(domain)}`,
        acmeShChallenge === "http-01" ? "--standalone" : acmeShChallenge === "tls-alpn-01" ? "--alpn" : "--dns dns_nsupdate",
      ]) +
      "\n" +
      command([
        `acme.sh --install-cert -d ${sh(domain)}`,
        `--key-file /etc/ssl/private/${domain}.key`,
        `--fullchain-file /etc/ssl/certs/${domain}.fullchain.pem`,
        `--reloadcmd ${sh(reload)}`,
      ]),
  });

  // Caddy: obtains and renews by itself, over http-01 or tls-alpn-01 (dns-01 needs a plugin).
  const caddyDns = !challenges.includes("http-01") && !challenges.includes("tls-alpn-01");
  const caddyEab = requireEab
    ? ["\tacme_eab {", `\t\tkey_id ${eab ? eab.keyId : "{$EAB_KID}"}`, `\t\tmac_key ${eab ? eab.hmacKey : "{$EAB_HMAC}"}`, "\t}"]
    : [];
  setups.push({
    id: "caddy",
    title: "Caddy (Caddyfile)",
    note: caddyDns
      ? "This endpoint accepts only dns-01: Caddy needs a DNS provider module for it (xcaddy build --with github.com/caddy-dns/rfc2136), which Debian's caddy lacks."
      : `Debian: apt install caddy. Caddy obtains the certificate at start and renews it on its own${requireEab && !eab ? "; {$EAB_KID} and {$EAB_HMAC} come from its environment" : ""}.`,
    text: [
      "{",
      `\temail ${email}`,
      `\tacme_ca ${url}`,
      ...(serverCa ? [`\tacme_ca_root ${SERVER_CA_FILE}`] : []),
      ...caddyEab,
      "}",
      "",
      `${domain} {`,
      ...(caddyDns ? ["\ttls {", "\t\tdns rfc2136 {", "\t\t\t# server, key_name, key_alg, key", "\t\t}", "\t}"] : []),
      "\treverse_proxy localhost:8080",
      "}",
      "",
    ].join("\n"),
  });

  // Traefik: a certificate resolver in the static configuration (Traefik uses lego inside).
  const traefikChallenge = pick(challenges, ["http-01", "tls-alpn-01", "dns-01"])!;
  setups.push({
    id: "traefik",
    title: "Traefik (static configuration)",
    note: `Routers that set tls.certresolver=${name} get certificates from this endpoint; Traefik renews them 30 days before expiry (set certificatesDuration to the endpoint's lifetime in hours if it is not 90 days).`,
    text: [
      "# traefik.yml",
      ...(serverCa ? [`# run Traefik with LEGO_CA_CERTIFICATES=${SERVER_CA_FILE} in its environment`] : []),
      ...(requireEab && !eab ? ["# fill in the EAB key id and HMAC key shown once when you created the key"] : []),
      "entryPoints:",
      "  web:",
      '    address: ":80"',
      "  websecure:",
      '    address: ":443"',
      "certificatesResolvers:",
      `  ${name}:`,
      "    acme:",
      `      caServer: ${yamlString(url)}`,
      `      email: ${yamlString(email)}`,
      "      storage: /etc/traefik/acme.json",
      ...(requireEab
        ? [
            "      eab:",
            `        kid: ${yamlString(eab ? eab.keyId : "EAB_KID")}`,
            `        hmacEncoded: ${yamlString(eab ? eab.hmacKey : "EAB_HMAC")}`,
          ]
        : []),
      ...(traefikChallenge === "http-01"
        ? ["      httpChallenge:", "        entryPoint: web"]
        : traefikChallenge === "tls-alpn-01"
          ? ["      tlsChallenge: {}"]
          : ["      dnsChallenge:", "        provider: rfc2136"]),
      "# on a router (Docker label):",
      `#   traefik.http.routers.app.tls.certresolver=${name}`,
    ].join("\n"),
  });

  // cert-manager: a ClusterIssuer; caBundle lets it trust a private CA behind https://.
  const k8sChallenge = pick(challenges, ["http-01", "dns-01"]);
  setups.push({
    id: "cert-manager",
    title: "Kubernetes cert-manager (ClusterIssuer)",
    note: k8sChallenge
      ? `Certificates that name this ClusterIssuer are issued and renewed by cert-manager (at two thirds of their lifetime)${k8sChallenge === "http-01" ? ", answering http-01 through your ingress" : ", answering dns-01 through RFC 2136"}.`
      : "cert-manager cannot answer tls-alpn-01, the only challenge this endpoint accepts.",
    text: k8sChallenge
      ? eabVars +
        (requireEab
          ? `kubectl -n cert-manager create secret generic ${name}-eab --from-literal=secret=${eab ? sh(eab.hmacKey) : '"$EAB_HMAC"'}\n`
          : "") +
        [
          "kubectl apply -f - <<EOF",
          "apiVersion: cert-manager.io/v1",
          "kind: ClusterIssuer",
          "metadata:",
          `  name: ${name}`,
          "spec:",
          "  acme:",
          `    server: ${yamlString(url)}`,
          `    email: ${yamlString(email)}`,
          ...(serverCa
            ? [
                `    # ${serverCa.name}, which signed cadesk's HTTPS certificate`,
                `    caBundle: ${Buffer.from(serverCa.pem.trim() + "\n").toString("base64")}`,
              ]
            : []),
          "    privateKeySecretRef:",
          `      name: ${name}-account-key`,
          ...(requireEab
            ? [
                "    externalAccountBinding:",
                `      keyID: ${yamlString(eab ? eab.keyId : "$EAB_KID")}`,
                "      keySecretRef:",
                `        name: ${name}-eab`,
                "        key: secret",
              ]
            : []),
          "    solvers:",
          ...(k8sChallenge === "http-01"
            ? ["      - http01:", "          ingress:", "            ingressClassName: nginx"]
            : [
                "      - dns01:",
                "          rfc2136:",
                "            nameserver: ns.example.internal:53",
                "            tsigKeyName: acme.",
                "            tsigAlgorithm: HMACSHA256",
                "            tsigSecretSecretRef:",
                "              name: rfc2136-tsig",
                "              key: secret",
              ]),
          "---",
          "apiVersion: cert-manager.io/v1",
          "kind: Certificate",
          "metadata:",
          `  name: ${domain.replace(/[^a-z0-9-]/g, "-").replace(/^-+|-+$/g, "") || "service"}`,
          "  namespace: default",
          "spec:",
          `  secretName: ${(domain.replace(/[^a-z0-9-]/g, "-").replace(/^-+|-+$/g, "") || "service") + "-tls"}`,
          `  dnsNames: [${yamlString(domain)}]`,
          "  issuerRef:",
          `    name: ${name}`,
          "    kind: ClusterIssuer",
          "EOF",
        ].join("\n")
      : "# not supported",
  });

  setups.push({
    id: "trust-issuer",
    title: `Trust the certificates it issues (${input.issuingRoot.name})`,
    note: "On the clients of the servers that get these certificates (browsers, services, curl): install the root of the endpoint's CA once.",
    text: [
      `curl -fsSL ${sh(input.issuingRoot.downloadUrl)} | openssl x509 -inform DER -out cadesk-root.crt`,
      "sudo cp cadesk-root.crt /usr/local/share/ca-certificates/cadesk-root.crt",
      "sudo update-ca-certificates",
      `curl https://${domain}/   # now trusted`,
    ].join("\n"),
  });
  return setups;
}

/** An example name the endpoint's rules allow: the first exact name, or a host under the first suffix. */
export function exampleDomain(allowedIdentifiers: readonly string[]): string {
  for (const rule of allowedIdentifiers) if (!rule.startsWith(".") && !rule.includes("/")) return rule;
  const suffix = allowedIdentifiers.find((r) => r.startsWith("."));
  return suffix ? `service${suffix}` : "service.example.internal";
}
