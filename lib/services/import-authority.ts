import { assertCan, assertRecentAuth } from "../auth/actor";
import { audit, checkSensitive } from "./audit";
import { randomUUID } from "node:crypto";
import { getDb } from "../db";
import { AppError } from "../errors";
import { presentNameConstraints } from "../policy/name-constraints";
import { x509 } from "../pki/crypto-provider";
import { certificatePem, parseCertificate, publicKeyMatches, sha256Fingerprint } from "../pki/certificate";
import { KEY_TYPE_LABELS, type KeyType } from "../pki/key-types";
import { describePublicKey, parsePrivateKeyPem } from "../pki/keys";
import { readPemOrDer } from "../pki/pem";
import { parseInput } from "../validations/parse";
import { ZImportAuthorityInput, type TImportAuthorityInput } from "../validations/authority";
import { assertNameFree, type CreatedAuthority } from "./create-authority";
import { existingTokenKey, type StoredCaKey } from "../signers/ca-keys";
import { authorityKeyContext, sealKey } from "../signers/sealed-key";

/**
 * Imports an existing CA (what `openssl req -x509` or minica produce) from its certificate and
 * private key: read both -> check it is a CA -> check the key belongs to it -> check it is new ->
 * link it under its issuer when that CA is already here -> save with the key sealed.
 */
export async function importAuthority(raw: unknown, now = new Date()): Promise<CreatedAuthority> {
  await checkSensitive(
    { action: "ca.import", objectType: "authority" },
    () => assertCan("manage_cas", "import CAs"),
    () => assertRecentAuth(now),
  );
  const input = parseInput(ZImportAuthorityInput, raw);
  const certificate = readCaCertificate(input.certificatePem);
  const key = await caKeyFor(input, certificate);
  if (certificate.notAfter <= now) {
    throw new AppError(
      "INVALID_INPUT",
      `This CA certificate expired on ${certificate.notAfter.toISOString().slice(0, 10)}: it cannot issue valid certificates.`,
      "certificatePem",
    );
  }
  const fingerprint = await sha256Fingerprint(certificate);
  const db = getDb();
  if (await db.authority.findUnique({ where: { fingerprintSha256: fingerprint }, select: { id: true } })) {
    throw new AppError("CONFLICT", "This CA is already in the store.", "certificatePem");
  }
  await assertNameFree(certificate.subject);
  const nameConstraints = importedNameConstraints(certificate, fingerprint);

  const id = randomUUID();
  const basic = certificate.getExtension(x509.BasicConstraintsExtension)!;
  const authority = await db.authority.create({
    data: {
      id,
      commonName: certificate.subjectName.getField("CN")[0] ?? certificate.subject,
      subjectDn: certificate.subject,
      parentId: await findParentId(certificate),
      keyType: key.keyType,
      pathLength: basic.pathLength ?? null,
      serialHex: certificate.serialNumber.toLowerCase(),
      notBefore: certificate.notBefore,
      notAfter: certificate.notAfter,
      certificatePem: certificatePem(certificate),
      ...key.stored(id),
      fingerprintSha256: fingerprint,
      imported: true,
    },
  });
  const warnings: string[] = [];
  if (!authority.parentId && !(await certificate.isSelfSigned())) {
    warnings.push(`Its issuer "${certificate.issuer}" is not in the store: import that CA too so chains reach the root.`);
  }
  if (nameConstraints && !nameConstraints.critical) {
    warnings.push(
      "Its Name Constraints extension is not critical: RFC 5280 4.2.1.10 requires it to be, and clients that do not know the extension would ignore the constraints. cadesk enforces them all the same.",
    );
  }
  await audit({
    action: "ca.import",
    objectType: "authority",
    objectId: authority.id,
    objectLabel: authority.commonName,
    detail: {
      fingerprintSha256: authority.fingerprintSha256,
      keyStorage: authority.keyStorage,
      ...(authority.pkcs11KeyId ? { pkcs11Token: authority.pkcs11Token, pkcs11KeyId: authority.pkcs11KeyId } : {}),
      ...(nameConstraints ? { nameConstraints: { permitted: nameConstraints.permitted, excluded: nameConstraints.excluded } } : {}),
    },
  });
  return { authority, warnings };
}

/**
 * The Name Constraints the imported certificate carries: cadesk enforces them on everything it
 * signs with this CA, so a certificate whose constraints cannot be read is refused here, not at
 * the first issuance.
 */
function importedNameConstraints(certificate: x509.X509Certificate, fingerprint: string) {
  try {
    return presentNameConstraints({
      fingerprintSha256: fingerprint,
      certificatePem: certificatePem(certificate),
      commonName: certificate.subject,
    });
  } catch (error) {
    throw new AppError("INVALID_INPUT", (error as Error).message.replace(/; re-import it\.$/, "."), "certificatePem");
  }
}

/**
 * The CA's key: the pasted private key (checked against the certificate, then sealed), or with
 * keyStorage "pkcs11" a key already inside the token, named by id or label (proved to match).
 */
async function caKeyFor(
  input: TImportAuthorityInput,
  certificate: x509.X509Certificate,
): Promise<{ keyType: KeyType; stored: (id: string) => StoredCaKey }> {
  const spki = new Uint8Array(certificate.publicKey.rawData);
  if (input.keyStorage === "pkcs11") {
    if (input.privateKeyPem) {
      throw new AppError(
        "INVALID_INPUT",
        "With the key in the HSM, leave the private key empty and name the token key by its id or label: cadesk does not move keys into a token.",
        "privateKeyPem",
      );
    }
    if (!input.pkcs11KeyId && !input.pkcs11KeyLabel) {
      throw new AppError(
        "INVALID_INPUT",
        "Name the token key: its id (hex, as pkcs11-tool --list-objects shows it) or its label.",
        "pkcs11KeyId",
      );
    }
    const found = await existingTokenKey(
      { keyId: input.pkcs11KeyId?.replace(/[:\s]/g, "").toLowerCase(), keyLabel: input.pkcs11KeyLabel },
      { keyType: describePublicKey(spki).keyType, spki, owner: certificate.subjectName.getField("CN")[0] ?? certificate.subject },
    );
    return { keyType: found.keyType, stored: () => found.stored };
  }
  if (!input.privateKeyPem) throw new AppError("INVALID_INPUT", "The CA private key is required.", "privateKeyPem");
  const key = parsePrivateKeyPem(input.privateKeyPem, input.keyPassphrase);
  if (!publicKeyMatches(certificate, key.spki)) {
    throw new AppError(
      "KEY_MISMATCH",
      "The private key does not belong to this certificate: their public keys differ. Pick the key file that was created together with this CA certificate.",
      "privateKeyPem",
    );
  }
  const keyType = key.info.keyType;
  if (!keyType) {
    const supported = Object.values(KEY_TYPE_LABELS).join(", ").replace(" (recommended)", "");
    throw new AppError("INVALID_INPUT", `This CA's key is ${key.info.label}; cadesk signs with ${supported}.`, "privateKeyPem");
  }
  return {
    keyType,
    stored: (id) => ({
      encryptedKey: sealKey(key.pkcs8, authorityKeyContext(id)),
      keyStorage: "sealed",
      pkcs11Token: null,
      pkcs11KeyId: null,
      pkcs11KeyLabel: null,
    }),
  };
}

function readCaCertificate(pem: string): x509.X509Certificate {
  const der = readPemOrDer(pem, ["CERTIFICATE"], "certificate");
  let certificate: x509.X509Certificate;
  try {
    certificate = parseCertificate(der);
  } catch {
    throw new AppError(
      "INVALID_PEM",
      "The CA certificate could not be decoded as X.509. Paste the whole PEM block of the certificate.",
      "certificatePem",
    );
  }
  const basic = certificate.getExtension(x509.BasicConstraintsExtension);
  if (!basic?.ca) {
    throw new AppError(
      "INVALID_INPUT",
      `"${certificate.subject}" is not a CA certificate (its basicConstraints does not say CA:TRUE), so nothing it signs would be trusted. Import the CA's certificate, not a server's.`,
      "certificatePem",
    );
  }
  return certificate;
}

/** The CA in the store that signed this certificate, matched by name and then by signature. */
async function findParentId(certificate: x509.X509Certificate): Promise<string | null> {
  if (certificate.issuer === certificate.subject) return null;
  const candidate = await getDb().authority.findUnique({ where: { subjectDn: certificate.issuer } });
  if (!candidate) return null;
  const issuerCert = parseCertificate(readPemOrDer(candidate.certificatePem, ["CERTIFICATE"], "certificate"));
  return (await certificate.verify({ publicKey: issuerCert.publicKey, signatureOnly: true })) ? candidate.id : null;
}
