/**
 * The one issuance pipeline. Every entry point (the form, the JSON API, CSR signing, renewal,
 * ACME, bulk actions) builds an IssuanceRequest and calls issue(); the steps read like smallstep's
 * Sign: authorize -> names against the profile -> issuer -> policy -> validity -> key -> sign ->
 * store with audit -> return.
 */
import type { Certificate } from "@/generated/prisma/client";
import { assertCan, currentActor } from "../auth/actor";
import { AppError } from "../errors";
import { x509 } from "../pki/crypto-provider";
import { generateKeyPair, privateKeyPem } from "../pki/keys";
import { signLeafFromTemplate } from "../pki/leaf-template";
import { randomSerial } from "../pki/serial";
import { issuerUrls, loadIssuer, type LoadedIssuer } from "../services/issuer";
import { leafSans } from "./names";
import { ISSUANCE_POLICY_CHECKS, runPolicyChecks } from "./policy";
import type { IssuanceRequest, KeySource } from "./request";
import { storeWithAudit } from "./store";
import { leafValidity } from "./validity";

export interface IssuanceResult {
  certificate: Certificate;
  /** The new private key, when cadesk generated it (returned even when it is also kept). */
  privateKeyPem?: string;
  warnings: string[];
}

/**
 * Who may issue: people and API tokens need the "issue" permission; an ACME account is allowed by
 * its endpoint's policy (checked in the RA before it gets here), so only the ACME entry point
 * accepts it, and it accepts nobody else but cadesk itself.
 */
function authorize(request: IssuanceRequest): void {
  if (request.entryPoint === "acme") {
    const actor = currentActor("issue certificates");
    if (actor.type !== "acme" && actor.type !== "system") {
      throw new AppError("FORBIDDEN", "Only an ACME account (through its endpoint) issues through the ACME entry point.");
    }
    return;
  }
  assertCan("issue", "issue certificates");
}

function keyTypeOf(key: KeySource): string {
  if (key.kind === "generate") return key.keyType;
  if (key.kind === "csr") return key.csr.keyInfo.keyType ?? key.csr.keyInfo.label;
  return key.keyType;
}

/** The subject's public key: a fresh key pair, the CSR's key, or the one handed in. */
async function resolveKey(key: KeySource) {
  if (key.kind === "generate") {
    const generated = await generateKeyPair(key.keyType);
    return { publicKey: await x509.PublicKey.create(generated.keys.publicKey), pkcs8: generated.pkcs8, source: "generated" as const };
  }
  if (key.kind === "csr") return { publicKey: key.csr.request.publicKey, source: "csr" as const };
  return { publicKey: key.publicKey, source: key.source };
}

export async function issue(request: IssuanceRequest): Promise<IssuanceResult> {
  const now = request.now ?? new Date();
  authorize(request);
  const commonName = request.subject.getField("CN")[0];
  const sans = leafSans(request.profile, commonName, request.sans);
  const issuer: LoadedIssuer = await loadIssuer(request.caId, now);
  const keyType = keyTypeOf(request.key);
  const policyChecks = await runPolicyChecks({ request, subject: request.subject, commonName, sans, issuer, keyType, now }, [
    ...ISSUANCE_POLICY_CHECKS,
    ...(request.policy ?? []),
  ]);
  const validity = leafValidity(request.validityDays, issuer.authority, now);
  // The key comes after every check: an RSA-4096 pair costs a second, not worth making for a refusal.
  const key = await resolveKey(request.key);
  // The DER template makes what signLeafCertificate (lib/pki/certificate.ts) makes, byte for byte
  // (lib/pki/leaf-template.test.ts), without its object graph: one leaf signer, two encoders.
  const certificate = await signLeafFromTemplate({
    issuer,
    subject: request.subject,
    publicKey: key.publicKey,
    sans,
    profile: request.profile,
    validity,
    serialNumber: randomSerial(),
    issuerUrls: issuerUrls(issuer.authority.id),
  });
  const keepKey = "pkcs8" in key && request.keepKey ? key.pkcs8 : undefined;
  const stored = await storeWithAudit({ request, certificate, sans, keyType, source: key.source, keepKey, policyChecks });
  return {
    certificate: stored,
    privateKeyPem: "pkcs8" in key && key.pkcs8 ? privateKeyPem(key.pkcs8) : undefined,
    warnings: validity.warnings,
  };
}
