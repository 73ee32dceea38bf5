import { AppError } from "../errors";
import { parseCertificate } from "../pki/certificate";
import { privateKeyPem } from "../pki/keys";
import { parsePemBlocks } from "../pki/pem";
import { buildPkcs12 } from "../pki/pkcs12";
import { assertActing, assertCan, assertRecentAuth } from "../auth/actor";
import { audit, checkSensitive } from "./audit";
import { parseInput } from "../validations/parse";
import { ZExportFormat, ZPkcs12Input, type TExportFormat } from "../validations/certificate";
import { authorityChain, findAuthority, findCertificate } from "../data/find";
import { certificateKeyContext, openKey } from "../signers/sealed-key";

export interface ExportedFile {
  filename: string;
  contentType: string;
  body: Uint8Array | string;
}

/**
 * A file name that says what the file is and cannot escape a folder:
 * "*.example.com" becomes "wildcard.example.com", anything unusual an underscore.
 */
export function fileBaseName(commonName: string, serialHex: string): string {
  const base = commonName
    .replace(/^\*\./, "wildcard.")
    .replace(/[^A-Za-z0-9._-]+/g, "_")
    .replace(/^[._]+/, "")
    .slice(0, 80);
  return base || `certificate-${serialHex.slice(0, 8)}`;
}

export const FORMAT_FILES: Record<TExportFormat | "p12", { suffix: string; contentType: string; explains: string }> = {
  pem: {
    suffix: ".pem",
    contentType: "application/x-pem-file",
    explains: "The certificate alone (PEM). What most servers call the certificate file.",
  },
  crt: {
    suffix: ".crt",
    contentType: "application/x-x509-ca-cert",
    explains: "The same PEM with the .crt name Windows, Debian and many guides expect.",
  },
  der: {
    suffix: ".cer",
    contentType: "application/pkix-cert",
    explains: "The certificate in binary DER, for Java and Windows tools that want it.",
  },
  key: {
    suffix: ".key.pem",
    contentType: "application/x-pem-file",
    explains: "The private key (PKCS#8 PEM). Keep it secret, readable only by the service.",
  },
  chain: {
    suffix: ".chain.pem",
    contentType: "application/x-pem-file",
    explains: "The issuing CAs up to the root, for peers that must trust or verify this certificate.",
  },
  fullchain: {
    suffix: ".fullchain.pem",
    contentType: "application/x-pem-file",
    explains: "Certificate then intermediates (no root): what nginx, HAProxy and Go servers should present.",
  },
  p12: {
    suffix: ".p12",
    contentType: "application/x-pkcs12",
    explains: "Key, certificate and chain in one password-protected file, for Java, Windows and macOS.",
  },
};

/** A root is left out of a fullchain: clients must already trust it, and sending it is wasted bytes. */
function isSelfSigned(pem: string): boolean {
  const cert = parseCertificate(parsePemBlocks(pem)[0]!.der);
  return cert.subject === cert.issuer;
}

async function loadForExport(id: string) {
  const certificate = await findCertificate(id);
  const issuers = await authorityChain(certificate.authorityId);
  return { certificate, issuers };
}

type HeldKey = { id: string; encryptedKey: string | null; source: string; commonName: string };

/** The stored private key, or why cadesk does not hold it. */
function heldKey(certificate: HeldKey): Uint8Array {
  if (!certificate.encryptedKey) {
    const why =
      certificate.source === "csr"
        ? "it was issued from a CSR, so the key stayed with whoever made the CSR"
        : 'it was issued with "do not keep the private key"';
    throw new AppError("NOT_FOUND", `cadesk does not hold this certificate's private key: ${why}.`, "format");
  }
  return openKey(certificate.encryptedKey, certificateKeyContext(certificate.id));
}

/**
 * The stored private key leaving cadesk: for an admin who entered the password recently, and every
 * export is in the audit log.
 */
async function exportedKey(certificate: HeldKey, action: "key.export" | "pkcs12.export"): Promise<Uint8Array> {
  const entry = { action, objectType: "certificate", objectId: certificate.id, objectLabel: certificate.commonName };
  await checkSensitive(
    entry,
    () => assertCan("export_keys", "download private keys"),
    () => assertRecentAuth(),
  );
  const key = heldKey(certificate);
  await audit(entry);
  return key;
}

function fullchainPem(certificatePem: string, issuers: { certificatePem: string }[]): string {
  return (
    certificatePem +
    issuers
      .filter((a) => !isSelfSigned(a.certificatePem))
      .map((a) => a.certificatePem)
      .join("")
  );
}

/**
 * What cadesk's own TLS listeners (the echo server, the dashboard over HTTPS) serve: the
 * fullchain and key of a stored certificate. The key stays in this process, so this is not an
 * export and needs no export rights.
 */
export async function servingPems(id: string): Promise<{ certificatePem: string; keyPem: string }> {
  assertCan("view", "serve certificates");
  const { certificate, issuers } = await loadForExport(id);
  return { certificatePem: fullchainPem(certificate.certificatePem, issuers), keyPem: privateKeyPem(heldKey(certificate)) };
}

/** One of the download formats (pem, crt, der, key, chain, fullchain) of a stored certificate. */
export async function exportCertificate(id: string, rawFormat: unknown): Promise<ExportedFile> {
  assertCan("view", "download certificates");
  const format = parseInput(ZExportFormat, rawFormat);
  const { certificate, issuers } = await loadForExport(id);
  const file = FORMAT_FILES[format];
  const filename = fileBaseName(certificate.commonName, certificate.serialHex) + file.suffix;
  const body = await (async () => {
    switch (format) {
      case "pem":
      case "crt":
        return certificate.certificatePem;
      case "der":
        return parsePemBlocks(certificate.certificatePem)[0]!.der;
      case "key":
        return privateKeyPem(await exportedKey(certificate, "key.export"));
      case "chain":
        return issuers.map((a) => a.certificatePem).join("");
      case "fullchain":
        return fullchainPem(certificate.certificatePem, issuers);
    }
  })();
  return { filename, contentType: file.contentType, body };
}

/** A PKCS#12 with key, certificate and the whole chain, sealed with the user's password. */
export async function exportPkcs12(id: string, raw: unknown): Promise<ExportedFile> {
  assertCan("export_keys", "download private keys");
  const { password } = parseInput(ZPkcs12Input, raw);
  const { certificate, issuers } = await loadForExport(id);
  const der = (pem: string) => parsePemBlocks(pem)[0]!.der;
  const body = buildPkcs12({
    pkcs8: await exportedKey(certificate, "pkcs12.export"),
    certificates: [der(certificate.certificatePem), ...issuers.map((a) => der(a.certificatePem))],
    password,
    friendlyName: certificate.commonName || certificate.serialHex,
  });
  return {
    filename: fileBaseName(certificate.commonName, certificate.serialHex) + ".p12",
    contentType: FORMAT_FILES.p12.contentType,
    body,
  };
}

/** A CA's own certificate, to install in trust stores: PEM (.crt) or DER (.cer). Never its key. */
export async function exportAuthorityCertificate(id: string, format: string): Promise<ExportedFile> {
  // CA certificates are public (the AIA caIssuers URL of every leaf points here).
  assertActing("download CA certificates");
  if (format !== "pem" && format !== "der") throw new AppError("INVALID_INPUT", 'format must be "pem" or "der".', "format");
  const authority = await findAuthority(id, "id");
  const base = fileBaseName(authority.commonName, authority.serialHex);
  return format === "pem"
    ? { filename: `${base}.crt`, contentType: FORMAT_FILES.crt.contentType, body: authority.certificatePem }
    : { filename: `${base}.cer`, contentType: FORMAT_FILES.der.contentType, body: parsePemBlocks(authority.certificatePem)[0]!.der };
}
