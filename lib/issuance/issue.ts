/**
 * The one issuance pipeline. Every entry point (the form, the JSON API, CSR signing, renewal,
 * ACME, bulk actions) builds an IssuanceRequest and calls issue(); the steps read like smallstep's
 * Sign: authorize -> names against the profile -> issuer -> policy -> validity -> key -> sign ->
 * store with audit -> return.
 */
import type { Certificate } from "@/generated/prisma/client";
import { assertCan, currentActor } from "../auth/actor";
import { AppError } from "../errors";
import type { SubjectPublicKey } from "../pki/csr";
import { keyAlgorithm } from "../pki/key-types";
import { generateKeyDer, privateKeyPem } from "../pki/keys";
import { signLeafFromTemplate } from "../pki/leaf-template";
import { randomSerial } from "../pki/serial";
import { issuerUrls, loadIssuerForIssuance, type IssuanceIssuer } from "../services/issuer";
import { metrics } from "../ops/metrics";
import { leafSans } from "./names";
import { ISSUANCE_POLICY_CHECKS, runPolicyChecks, type IssuancePolicyContext } from "./policy";
import type { IssuanceRequest, KeySource } from "./request";
import { StaleIssuerError, storeWithAudit } from "./store";
import { leafValidity } from "./validity";

export interface IssuanceResult {
  certificate: Certificate;
  /** The new private key, when cadesk generated it (returned even when it is also kept). */
  privateKeyPem?: string;
  warnings: string[];
  /** The issuing CA's certificate and those above it, as `download?format=chain` gives them. */
  chainPem: string;
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

/** The subject's public key: a fresh key pair, the CSR's key, or the one handed in (no promise unless a key is made). */
function resolveKey(key: KeySource) {
  if (key.kind === "generate") return generateKey(key.keyType);
  if (key.kind === "csr") return { publicKey: key.csr.publicKey, source: "csr" as const };
  return { publicKey: key.publicKey, source: key.source };
}

async function generateKey(keyType: Extract<KeySource, { kind: "generate" }>["keyType"]) {
  const generated = await generateKeyDer(keyType);
  const publicKey: SubjectPublicKey = { rawData: generated.spki.buffer, algorithm: { name: keyAlgorithm(keyType).name } };
  return { publicKey, pkcs8: generated.pkcs8, source: "generated" as const };
}

/** Attempts before a CA that keeps changing under a request is reported (each change is another instance's write). */
const ATTEMPTS = 3;

export async function issue(request: IssuanceRequest): Promise<IssuanceResult> {
  const started = performance.now();
  for (let attempt = 1; ; attempt++) {
    try {
      const issued = await issueOnce(request, attempt > 1);
      countIssued(request, issued, started);
      return issued;
    } catch (error) {
      if (!(error instanceof StaleIssuerError)) throw error;
      if (attempt >= ATTEMPTS) {
        throw new AppError(
          "CONFLICT",
          "The CA was changed several times while this certificate was being issued from it; send the request again.",
          "caId",
        );
      }
    }
  }
}

/** /metrics: every committed certificate, by CA, profile and entry point, and how long it took (issue #14). */
function countIssued(request: IssuanceRequest, issued: IssuanceResult, started: number): void {
  const m = metrics();
  m.issued.inc({ ca_id: issued.certificate.authorityId, profile: request.profile, entry_point: request.entryPoint });
  m.issuanceSeconds.observe({ entry_point: request.entryPoint }, (performance.now() - started) / 1000);
}

/**
 * The CA as the checks should see it: the cached row, or the stored one when `fresh`. A refusal
 * made from a cached row is made again from the stored row, so a CA that an admin just opened to
 * this operator (on any instance) is not refused from an old copy.
 */
async function checkedIssuer(request: IssuanceRequest, context: Omit<IssuancePolicyContext, "issuer">, fresh: boolean) {
  for (let retried = fresh; ; retried = true) {
    let issuer: IssuanceIssuer | undefined;
    try {
      issuer = await loadIssuerForIssuance(request.caId, context.now, { fresh: retried });
      const policyChecks = await runPolicyChecks({ ...context, issuer }, [...ISSUANCE_POLICY_CHECKS, ...(request.policy ?? [])]);
      return { issuer, policyChecks };
    } catch (error) {
      if (retried || !(error instanceof AppError) || (issuer && !issuer.cached)) throw error;
    }
  }
}

async function issueOnce(request: IssuanceRequest, fresh: boolean): Promise<IssuanceResult> {
  const now = request.now ?? new Date();
  authorize(request);
  const commonName = request.subject.getField("CN")[0];
  const sans = leafSans(request.profile, commonName, request.sans);
  const keyType = keyTypeOf(request.key);
  const { issuer, policyChecks } = await checkedIssuer(
    request,
    { request, subject: request.subject, commonName, sans, keyType, now },
    fresh,
  );
  const validity = leafValidity(request.validityDays, issuer.authority, now);
  // The key comes after every check: an RSA-4096 pair costs a second, not worth making for a refusal.
  const resolved = resolveKey(request.key);
  const key = resolved instanceof Promise ? await resolved : resolved;
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
  const stored = await storeWithAudit({
    request,
    certificate,
    sans,
    keyType,
    source: key.source,
    keepKey,
    policyChecks,
    issuerVersions: issuer.versions,
  });
  return {
    certificate: stored,
    chainPem: issuer.chainPem,
    privateKeyPem: "pkcs8" in key && key.pkcs8 ? privateKeyPem(key.pkcs8) : undefined,
    warnings: validity.warnings,
  };
}
