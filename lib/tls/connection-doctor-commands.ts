/** The same test as commands people run themselves: curl, openssl s_client and Go's tls.Config. */
import { X509Certificate } from "node:crypto";
import net from "node:net";
import type { DoctorInput, DoctorResult } from "./connection-doctor-types";

function isSelfSignedPem(pem: string): boolean {
  try {
    const cert = new X509Certificate(pem);
    return cert.checkIssued(cert);
  } catch {
    return true;
  }
}

export function commandsFor(input: DoctorInput): DoctorResult["commands"] {
  const name = input.serverName || input.host;
  const caFile = input.trust === "system" ? null : input.trust.file;
  const key = input.client?.file.replace(/\.fullchain\.pem$/, ".key.pem");
  const resolve = name !== input.host ? ` --resolve ${name}:${input.port}:${input.host}` : "";
  const curl = `curl -v${caFile ? ` --cacert ${caFile}` : ""}${input.client ? ` --cert ${input.client.file} --key ${key}` : ""}${resolve} https://${name}:${input.port}/`;
  // An IP address is checked with -verify_ip (-verify_hostname never matches an iPAddress SAN) and
  // is not sent as SNI (RFC 6066 3: literal IP addresses are not permitted in server_name).
  const ip = net.isIP(name.replace(/^\[|\]$/g, "")) !== 0;
  const sni = ip ? " -noservername" : ` -servername ${name}`;
  const check = ip ? ` -verify_ip ${name.replace(/^\[|\]$/g, "")}` : ` -verify_hostname ${name}`;
  // OpenSSL only ends a chain at a self-signed anchor unless told otherwise; curl and Go accept an
  // intermediate as anchor, and so must this command when the trust file is one.
  const partial = input.trust !== "system" && input.trust.pems.some((pem) => !isSelfSignedPem(pem)) ? " -partial_chain" : "";
  const openssl = `openssl s_client -connect ${input.host}:${input.port}${sni}${caFile ? ` -CAfile ${caFile}${partial}` : ""}${input.client ? ` -cert ${input.client.file} -key ${key}` : ""}${check} -verify_return_error`;
  const go = [
    caFile
      ? `caPEM, _ := os.ReadFile("${caFile}")\nroots := x509.NewCertPool()\nroots.AppendCertsFromPEM(caPEM)`
      : "roots, _ := x509.SystemCertPool()",
    input.client ? `cert, err := tls.LoadX509KeyPair("${input.client.file}", "${key}")\nif err != nil {\n\tlog.Fatal(err)\n}` : "",
    `conn, err := tls.Dial("tcp", "${input.host}:${input.port}", &tls.Config{\n\tRootCAs:    roots,${input.client ? "\n\tCertificates: []tls.Certificate{cert}," : ""}\n\tServerName: "${name}",\n\tMinVersion: tls.VersionTLS12,\n})`,
  ]
    .filter(Boolean)
    .join("\n");
  return { curl, openssl, go };
}
