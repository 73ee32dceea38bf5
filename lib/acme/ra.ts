/**
 * The registration authority (Boulder's "RA"): ACME policy and the life of accounts, orders,
 * authorizations and challenges. The front end (wfe) hands it checked requests; it decides, asks
 * the VA to validate and the CA to sign, and stores through the SA.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { isIP } from "node:net";
import type { AcmeAccount, AcmeChallenge, AcmeEndpoint, Certificate } from "@/generated/prisma/client";
import { runAs } from "../auth/actor";
import { getDb } from "../db";
import { AppError } from "../errors";
import { parseCertificate, subjectKeyId } from "../pki/certificate";
import { x509 } from "../pki/crypto-provider";
import type { ParsedCsr } from "../pki/csr";
import { readPemOrDer } from "../pki/pem";
import { readVerifiedCsr } from "../issuance/csr";
import type { VerifiedCsr } from "../issuance/request";
import { acmeEabKeyContext } from "../services/acme-create-eab-key";
import { audit } from "../services/audit";
import { openKey } from "../signers/sealed-key";
import { acmeAccountActor } from "./actor";
import { parseAriCertId } from "./ari";
import { issueForOrder } from "./ca";
import { allowingRule, isDnsName, parseIdentifierRules } from "./identifier-policy";
import { importJwk, isHmacAlgorithm, jwkThumbprint, parseJws, publicJwk, verifyHmacJws, verifyJws, type Jwk } from "./jws";
import { AcmeProblem, problem, type AcmeIdentifier } from "./problem";
import { ACME_PROFILES, isAcmeProfile, type AcmeChallengeType, type AcmeProfileSpec } from "./profiles";
import * as sa from "./sa";
import { validate } from "./va";
import { DAY } from "../time";
import { decodeSans } from "../data/columns";
import { nameRefusalForCa, storedPolicy } from "../policy/checks";

/** Pending orders and their authorizations expire after a week (Let's Encrypt uses 7 days too). */
const ORDER_LIFETIME_MS = 7 * DAY;
const MAX_IDENTIFIERS = 100;

export interface EndpointPolicy {
  profiles: string[];
  challenges: AcmeChallengeType[];
  allowedIdentifiers: string[];
}

export function endpointPolicy(endpoint: AcmeEndpoint): EndpointPolicy {
  return {
    profiles: JSON.parse(endpoint.profiles) as string[],
    challenges: JSON.parse(endpoint.challenges) as AcmeChallengeType[],
    allowedIdentifiers: JSON.parse(endpoint.allowedIdentifiers) as string[],
  };
}

// --- accounts ----------------------------------------------------------------------------------

const MAX_CONTACTS = 10;
const EMAIL = /^[^\s@,<>"]+@[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?$/i;

export function checkContacts(value: unknown): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw problem.malformed('"contact" must be an array of URLs, e.g. ["mailto:ops@example.internal"].');
  if (value.length > MAX_CONTACTS) throw new AcmeProblem("invalidContact", `At most ${MAX_CONTACTS} contacts.`);
  return value.map((c) => {
    if (typeof c !== "string") throw new AcmeProblem("invalidContact", "Each contact must be a string URL.");
    if (!c.startsWith("mailto:")) {
      throw new AcmeProblem(
        "unsupportedContact",
        `The contact "${c.slice(0, 100)}" is not a mailto: URL; only e-mail contacts are supported.`,
      );
    }
    const address = c.slice("mailto:".length);
    if (!EMAIL.test(address) || address.length > 254) {
      throw new AcmeProblem(
        "invalidContact",
        `"${address.slice(0, 100)}" is not an e-mail address (one address per mailto: URL, no headers).`,
      );
    }
    return c;
  });
}

export interface NewAccountRequest {
  endpoint: AcmeEndpoint;
  jwk: Jwk;
  payload: Record<string, unknown>;
  /** The newAccount URL: the EAB inner JWS must name it too (RFC 8555 7.3.4). */
  url: string;
}

/**
 * newAccount (RFC 8555 7.3): returns the existing account for a known key, refuses an unknown
 * key with onlyReturnExisting, and otherwise creates one, checking and binding the EAB key.
 */
export async function newAccount(req: NewAccountRequest, now = new Date()): Promise<{ account: AcmeAccount; created: boolean }> {
  const { endpoint, jwk, payload } = req;
  const thumbprint = jwkThumbprint(jwk);
  const existing = await sa.findAccountByThumbprint(endpoint.id, thumbprint);
  if (existing) {
    if (existing.status !== "valid")
      throw problem.unauthorized(`The account for this key is ${existing.status}: create a new key to register again.`);
    return { account: existing, created: false };
  }
  if (payload.onlyReturnExisting === true) {
    throw new AcmeProblem(
      "accountDoesNotExist",
      "No account exists for this key on this endpoint (onlyReturnExisting was set): register without onlyReturnExisting, or use the key of an existing account.",
    );
  }
  const contacts = checkContacts(payload.contact);
  if (endpoint.termsOfServiceUrl && payload.termsOfServiceAgreed !== true) {
    throw new AcmeProblem(
      "userActionRequired",
      `This endpoint requires agreeing to its terms of service (${endpoint.termsOfServiceUrl}): set termsOfServiceAgreed (certbot --agree-tos, lego --accept-tos).`,
      { headers: { Link: `<${endpoint.termsOfServiceUrl}>;rel="terms-of-service"` } },
    );
  }
  const eab = await checkExternalAccountBinding(endpoint, jwk, payload.externalAccountBinding, req.url);
  const data = {
    id: randomUUID(),
    endpointId: endpoint.id,
    jwk: JSON.stringify(jwk),
    thumbprint,
    contacts: JSON.stringify(contacts),
    status: "valid",
    termsAgreedAt: payload.termsOfServiceAgreed === true ? now : null,
  };
  let account: AcmeAccount;
  try {
    account = await sa.createAccount(data, eab ? { id: eab.id, now } : undefined);
  } catch (error) {
    if (eab) throw problem.unauthorized(`The EAB key "${eab.keyId}" is already bound to another account: ask the admin for a new EAB key.`);
    // Two newAccount requests with the same key raced: the other one won, return it.
    const winner = await sa.findAccountByThumbprint(endpoint.id, thumbprint);
    if (winner) return { account: winner, created: false };
    throw error;
  }
  await runAs(acmeAccountActor(endpoint, account, null), () =>
    auditEvent("acme.account.create", account, { endpoint: endpoint.name, thumbprint, eabKeyId: eab?.keyId ?? null, contacts }),
  );
  return { account, created: true };
}

/** Verifies externalAccountBinding (RFC 8555 7.3.4): an HMAC JWS over the account key, by a key the admin issued. */
async function checkExternalAccountBinding(
  endpoint: AcmeEndpoint,
  jwk: Jwk,
  binding: unknown,
  url: string,
): Promise<{ id: string; keyId: string } | null> {
  if (binding === undefined || binding === null) {
    if (!endpoint.requireEab) return null;
    throw new AcmeProblem(
      "externalAccountRequired",
      `The endpoint "${endpoint.name}" requires External Account Binding: create an EAB key on its page in cadesk and pass its key id and HMAC key (certbot --eab-kid/--eab-hmac-key, lego --eab --kid/--hmac).`,
    );
  }
  const jws = parseJws(binding);
  const header = jws.header;
  if (!isHmacAlgorithm(header.alg)) {
    throw problem.malformed(
      `The externalAccountBinding must be signed with HS256 (or HS384/HS512), not "${String(header.alg).slice(0, 20)}".`,
    );
  }
  if ("nonce" in header) throw problem.malformed("The externalAccountBinding must not carry a nonce (RFC 8555 7.3.4).");
  if (header.url !== url) throw problem.malformed(`The externalAccountBinding "url" must be the newAccount URL ${url}.`);
  if (typeof header.kid !== "string") throw problem.malformed('The externalAccountBinding needs the EAB key identifier as "kid".');
  const key = await sa.findEabKey(header.kid);
  if (!key || key.endpointId !== endpoint.id) {
    throw problem.unauthorized(
      `The EAB key id "${header.kid.slice(0, 100)}" is unknown on the endpoint "${endpoint.name}": check the key id, or create a key on this endpoint.`,
    );
  }
  if (key.revokedAt)
    throw problem.unauthorized(
      `The EAB key "${key.keyId}" was revoked on ${key.revokedAt.toISOString().slice(0, 10)}: ask the admin for a new one.`,
    );
  if (key.boundAt || key.account)
    throw problem.unauthorized(`The EAB key "${key.keyId}" is already bound to another account: each EAB key registers one account.`);
  const hmac = openKey(key.encryptedKey, acmeEabKeyContext(key.id));
  if (!verifyHmacJws(jws, hmac)) {
    throw problem.unauthorized(
      `The externalAccountBinding signature does not verify with the EAB key "${key.keyId}": the HMAC key is wrong (copy it again; it is base64url).`,
    );
  }
  let inner: unknown;
  try {
    inner = JSON.parse(jws.payload.toString("utf8"));
  } catch {
    throw problem.malformed("The externalAccountBinding payload must be the account's JWK.");
  }
  if (typeof inner !== "object" || !inner || jwkThumbprint(inner as Jwk) !== jwkThumbprint(jwk)) {
    throw problem.unauthorized("The externalAccountBinding binds a different key than the one signing this request.");
  }
  return { id: key.id, keyId: key.keyId };
}

/** Account update (RFC 8555 7.3.2) and deactivation (7.3.6). */
export async function updateAccount(
  endpoint: AcmeEndpoint,
  account: AcmeAccount,
  payload: Record<string, unknown>,
  now = new Date(),
): Promise<AcmeAccount> {
  if (payload.status !== undefined) {
    if (payload.status !== "deactivated") throw problem.malformed('An account\'s status can only be set to "deactivated".');
    const updated = await sa.updateAccount(account.id, { status: "deactivated", deactivatedAt: now });
    // Its pending authorizations go with it (RFC 8555 7.3.6).
    await getDb().acmeAuthorization.updateMany({
      where: { status: "pending", order: { accountId: account.id } },
      data: { status: "deactivated" },
    });
    await auditEvent("acme.account.deactivate", account, { endpoint: endpoint.name });
    return updated;
  }
  if (payload.contact !== undefined) {
    const contacts = checkContacts(payload.contact);
    const updated = await sa.updateAccount(account.id, { contacts: JSON.stringify(contacts) });
    await auditEvent("acme.account.update", account, { endpoint: endpoint.name, contacts });
    return updated;
  }
  if (payload.termsOfServiceAgreed === true && !account.termsAgreedAt) {
    return sa.updateAccount(account.id, { termsAgreedAt: now });
  }
  return account;
}

/** Account key rollover (RFC 8555 7.3.5): the inner JWS, signed by the new key, names the account and its old key. */
export async function keyChange(
  endpoint: AcmeEndpoint,
  account: AcmeAccount,
  outerUrl: string,
  accountUrl: string,
  payload: unknown,
): Promise<AcmeAccount> {
  const inner = parseJws(payload);
  const h = inner.header;
  if (!h.jwk || h.kid !== undefined) throw problem.malformed('The inner keyChange JWS must carry the new key as "jwk" and no "kid".');
  if (h.url !== outerUrl) throw problem.malformed(`The inner keyChange JWS "url" must equal the outer one (${outerUrl}).`);
  if ("nonce" in h) throw problem.malformed("The inner keyChange JWS must not carry a nonce (RFC 8555 7.3.5).");
  const newKey = importJwk(h.jwk);
  if (!verifyJws(inner, newKey)) throw problem.malformed("The inner keyChange JWS signature does not verify with the new key it carries.");
  let body: { account?: unknown; oldKey?: unknown };
  try {
    body = JSON.parse(inner.payload.toString("utf8"));
  } catch {
    throw problem.malformed("The inner keyChange payload must be JSON {account, oldKey}.");
  }
  if (body.account !== accountUrl)
    throw problem.malformed(
      `The keyChange payload names account ${String(body.account).slice(0, 200)}, but the request is signed by ${accountUrl}.`,
    );
  if (!body.oldKey || typeof body.oldKey !== "object" || jwkThumbprint(body.oldKey as Jwk) !== account.thumbprint) {
    throw problem.unauthorized("The keyChange oldKey is not the account's current key.");
  }
  const jwk = publicJwk(newKey);
  const thumbprint = jwkThumbprint(jwk);
  const other = await sa.findAccountByThumbprint(endpoint.id, thumbprint);
  if (other) {
    throw new AcmeProblem("malformed", "The new key already belongs to an account on this endpoint: use a key no account uses.", {
      status: 409,
      headers: { Location: accountUrl.replace(/[^/]+$/, other.id) },
    });
  }
  const updated = await sa.updateAccount(account.id, { jwk: JSON.stringify(jwk), thumbprint });
  await auditEvent("acme.account.key_change", account, { endpoint: endpoint.name, oldThumbprint: account.thumbprint, thumbprint });
  return updated;
}

// --- orders ------------------------------------------------------------------------------------

function canonicalIp(value: string): string | null {
  const version = isIP(value);
  if (!version) return null;
  return version === 6 ? new URL(`http://[${value}]/`).hostname.slice(1, -1) : value;
}

/** Reads and normalises the identifiers of a newOrder (RFC 8555 7.4, RFC 8738 3). */
export function readIdentifiers(value: unknown): AcmeIdentifier[] {
  if (!Array.isArray(value) || value.length === 0)
    throw problem.malformed('newOrder needs "identifiers": [{"type": "dns", "value": "host.example.internal"}, ...].');
  if (value.length > MAX_IDENTIFIERS)
    throw new AcmeProblem("rejectedIdentifier", `An order may name at most ${MAX_IDENTIFIERS} identifiers.`);
  const seen = new Set<string>();
  const out: AcmeIdentifier[] = [];
  for (const raw of value) {
    const item = raw as { type?: unknown; value?: unknown };
    if (!item || typeof item.value !== "string" || typeof item.type !== "string")
      throw problem.malformed("Each identifier needs a string type and value.");
    let identifier: AcmeIdentifier;
    if (item.type === "dns") {
      const name = item.value.toLowerCase().replace(/\.$/, "");
      const base = name.startsWith("*.") ? name.slice(2) : name;
      if (!isIP(name) && !isDnsName(base)) {
        throw new AcmeProblem(
          "rejectedIdentifier",
          `"${item.value.slice(0, 100)}" is not a valid DNS name (letters, digits and inner hyphens; a wildcard only as the whole leftmost label).`,
          {
            identifier: { type: "dns", value: item.value.slice(0, 255) },
          },
        );
      }
      if (name.startsWith("*.") && !base.includes(".")) {
        throw new AcmeProblem("rejectedIdentifier", `"${name}": a wildcard needs at least two labels after it.`, {
          identifier: { type: "dns", value: name },
        });
      }
      // RFC 8738 3 says an address comes as type "ip"; lego 4.9 and other older clients send it as
      // "dns". Read it as the address it is, as step-ca does, rather than refuse those clients.
      identifier = isIP(name) ? { type: "ip", value: canonicalIp(name)! } : { type: "dns", value: name };
    } else if (item.type === "ip") {
      const ip = canonicalIp(item.value);
      if (!ip)
        throw new AcmeProblem("malformed", `"${item.value.slice(0, 100)}" is not an IPv4 or IPv6 address.`, {
          identifier: { type: "ip", value: item.value.slice(0, 100) },
        });
      identifier = { type: "ip", value: ip };
    } else {
      throw new AcmeProblem("unsupportedIdentifier", `Identifier type "${item.type.slice(0, 20)}" is not supported: use "dns" or "ip".`);
    }
    const key = `${identifier.type}:${identifier.value}`;
    if (!seen.has(key)) out.push(identifier);
    seen.add(key);
  }
  return out;
}

/** Challenge types that can prove `identifier` here: wildcards only dns-01, IPs never dns-01 (RFC 8555 7.1.3, RFC 8738 7). */
function challengeTypesFor(identifier: AcmeIdentifier, wildcard: boolean, allowed: AcmeChallengeType[]): AcmeChallengeType[] {
  if (wildcard) return allowed.filter((t) => t === "dns-01");
  if (identifier.type === "ip") return allowed.filter((t) => t !== "dns-01");
  return allowed;
}

/** Refuses identifiers outside the endpoint's rules, naming the rules, with one subproblem per identifier. */
function checkPolicy(endpoint: AcmeEndpoint, policy: EndpointPolicy, identifiers: AcmeIdentifier[]): void {
  const rules = parseIdentifierRules(policy.allowedIdentifiers);
  const refusals: AcmeProblem[] = [];
  for (const identifier of identifiers) {
    const wildcard = identifier.value.startsWith("*.");
    if (rules.length > 0 && !allowingRule(rules, identifier)) {
      const kind = identifier.type === "ip" ? "CIDR ranges" : "names and suffixes";
      const relevant = rules.filter((r) => (identifier.type === "ip" ? r.kind === "cidr" : r.kind !== "cidr")).map((r) => r.text);
      refusals.push(
        new AcmeProblem(
          "rejectedIdentifier",
          `"${identifier.value}" is outside the policy of the endpoint "${endpoint.name}", whose allowed ${kind} are ${relevant.join(", ") || "none"}. An admin can add a rule on the endpoint's page.`,
          { identifier },
        ),
      );
      continue;
    }
    if (challengeTypesFor(identifier, wildcard, policy.challenges).length === 0) {
      refusals.push(
        new AcmeProblem(
          "rejectedIdentifier",
          wildcard
            ? `"${identifier.value}": wildcards can only be proven with dns-01, which the endpoint "${endpoint.name}" does not accept.`
            : `"${identifier.value}": none of the endpoint's challenge types (${policy.challenges.join(", ")}) can prove an ${identifier.type === "ip" ? "IP address (dns-01 cannot, RFC 8738 7)" : "identifier of this kind"}.`,
          { identifier },
        ),
      );
    }
  }
  if (refusals.length === 1) throw refusals[0]!;
  if (refusals.length > 1) {
    throw new AcmeProblem(
      "rejectedIdentifier",
      `${refusals.length} identifiers are refused: ${refusals.map((r) => r.options.identifier?.value).join(", ")}. See the subproblems.`,
      {
        subproblems: refusals,
      },
    );
  }
}

/**
 * Refuses, before any challenge is offered, identifiers the endpoint's CA could never sign: outside
 * the name constraints of its chain or its issuance policy (lib/policy, the checks issuance runs).
 */
async function checkCaNames(endpoint: AcmeEndpoint, identifiers: AcmeIdentifier[]): Promise<void> {
  const authority = await getDb().authority.findUnique({ where: { id: endpoint.authorityId } });
  if (!authority) return; // issueForOrder reports a missing CA at finalize, as before
  const refusals: AcmeProblem[] = [];
  for (const identifier of identifiers) {
    const why = await nameRefusalForCa(authority, { type: identifier.type, value: identifier.value });
    if (why) refusals.push(new AcmeProblem("rejectedIdentifier", why, { identifier }));
  }
  if (refusals.length === 1) throw refusals[0]!;
  if (refusals.length > 1)
    throw new AcmeProblem(
      "rejectedIdentifier",
      `${refusals.length} identifiers are refused by the CA "${authority.commonName}": ${refusals.map((r) => r.options.identifier?.value).join(", ")}. See the subproblems.`,
      { subproblems: refusals },
    );
}

function readDate(value: unknown, field: string): Date | null {
  if (value === undefined || value === null) return null;
  const date = typeof value === "string" ? new Date(value) : null;
  if (!date || Number.isNaN(date.getTime())) throw problem.malformed(`"${field}" must be an RFC 3339 date, e.g. 2026-12-31T00:00:00Z.`);
  return date;
}

/** The certificate a `replaces` certID names, which must be one this account (or its key's predecessor) ordered (RFC 9773 5). */
async function findReplaced(endpoint: AcmeEndpoint, account: AcmeAccount, certId: unknown): Promise<Certificate> {
  if (typeof certId !== "string") throw problem.malformed('"replaces" must be the ARI certID string of the certificate being renewed.');
  const certificate = await findCertificateByAriId(certId);
  if (!certificate) throw problem.malformed(`"replaces": no certificate with the ARI identifier ${certId.slice(0, 100)} was issued here.`);
  const order = await getDb().acmeOrder.findUnique({ where: { certificateId: certificate.id } });
  if (!order || order.accountId !== account.id || order.endpointId !== endpoint.id) {
    throw problem.unauthorized(`"replaces" names a certificate this account did not order (serial ${certificate.serialHex}).`);
  }
  const taken = await getDb().acmeOrder.findFirst({ where: { replacesCertificateId: certificate.id, status: { not: "invalid" } } });
  if (taken) {
    throw new AcmeProblem(
      "alreadyReplaced",
      `The certificate with serial ${certificate.serialHex} was already replaced by order ${taken.id}: it cannot be replaced twice.`,
    );
  }
  return certificate;
}

/** The cadesk certificate an ARI certID names: its serial, issued by a CA whose key identifier is the AKI. */
export async function findCertificateByAriId(certId: string): Promise<(Certificate & { authority: { status: string } }) | null> {
  const { akiHex, serialHex } = parseAriCertId(certId);
  const bare = serialHex.replace(/^(00)+/, "");
  const candidates = await getDb().certificate.findMany({
    where: { serialHex: { in: [bare, "00" + bare, serialHex] } },
    include: { authority: true },
  });
  for (const candidate of candidates) {
    const ski = await subjectKeyId(parseCertificate(readPemOrDer(candidate.authority.certificatePem, ["CERTIFICATE"], "CA certificate")));
    if (ski.toLowerCase() === akiHex) return candidate;
  }
  return null;
}

/**
 * New orders per account and hour. A client in a retry loop (a broken deployment, a wrong
 * challenge set-up) otherwise fills the database; Let's Encrypt limits new orders per account too.
 */
export const ORDERS_PER_ACCOUNT_HOUR = 300;

async function checkOrderRate(account: AcmeAccount, now: Date): Promise<void> {
  const since = new Date(now.getTime() - 3_600_000);
  const recent = await getDb().acmeOrder.findMany({
    where: { accountId: account.id, createdAt: { gt: since } },
    select: { createdAt: true },
    orderBy: { createdAt: "desc" },
    take: ORDERS_PER_ACCOUNT_HOUR,
  });
  if (recent.length < ORDERS_PER_ACCOUNT_HOUR) return;
  // The window frees up when the oldest of the last ORDERS_PER_ACCOUNT_HOUR orders is an hour old.
  const freeAt = new Date(recent.at(-1)!.createdAt.getTime() + 3_600_000);
  const seconds = Math.max(1, Math.ceil((freeAt.getTime() - now.getTime()) / 1000));
  throw new AcmeProblem(
    "rateLimited",
    `This account created ${ORDERS_PER_ACCOUNT_HOUR} orders in the last hour, the most cadesk accepts: retry after ${freeAt.toISOString().slice(11, 19)} UTC. A client that orders in a loop usually fails a challenge: the order's authorizations say why.`,
    { headers: { "Retry-After": String(seconds) } },
  );
}

export async function newOrder(
  endpoint: AcmeEndpoint,
  account: AcmeAccount,
  payload: Record<string, unknown>,
  now = new Date(),
): Promise<sa.OrderWithAuthz> {
  await checkOrderRate(account, now);
  const policy = endpointPolicy(endpoint);
  const identifiers = readIdentifiers(payload.identifiers);
  checkPolicy(endpoint, policy, identifiers);
  await checkCaNames(endpoint, identifiers);
  const profile = payload.profile === undefined ? endpoint.defaultProfile : payload.profile;
  if (typeof profile !== "string" || !isAcmeProfile(profile) || !policy.profiles.includes(profile)) {
    throw new AcmeProblem(
      "invalidProfile",
      `The profile ${JSON.stringify(profile).slice(0, 50)} is not offered by the endpoint "${endpoint.name}": choose one of ${policy.profiles.join(", ")} (directory meta.profiles).`,
    );
  }
  if (payload.notBefore !== undefined) {
    throw problem.malformed("cadesk starts every certificate at issuance: leave notBefore out of the order.");
  }
  const notAfter = readDate(payload.notAfter, "notAfter");
  if (notAfter) {
    const days = Math.ceil((notAfter.getTime() - now.getTime()) / DAY);
    if (days < 1) throw problem.malformed(`"notAfter" ${notAfter.toISOString()} is in the past or less than a day away.`);
    if (days > endpoint.maxValidityDays) {
      throw problem.malformed(
        `"notAfter" is ${days} days away; the endpoint "${endpoint.name}" issues for at most ${endpoint.maxValidityDays} days.`,
      );
    }
  }
  const replaced = payload.replaces === undefined ? null : await findReplaced(endpoint, account, payload.replaces);
  const expires = new Date(now.getTime() + ORDER_LIFETIME_MS);
  const orderId = randomUUID();
  const order = await sa.createOrder(
    {
      id: orderId,
      endpointId: endpoint.id,
      accountId: account.id,
      status: "pending",
      identifiers: JSON.stringify(identifiers),
      profile,
      notAfter,
      expires,
      replaces: replaced ? (payload.replaces as string) : null,
      replacesCertificateId: replaced?.id ?? null,
    },
    identifiers.map((identifier) => {
      const wildcard = identifier.value.startsWith("*.");
      const base = wildcard ? { type: identifier.type, value: identifier.value.slice(2) } : identifier;
      const types = challengeTypesFor(identifier, wildcard, policy.challenges);
      return {
        id: randomUUID(),
        identifier: base,
        wildcard,
        expires,
        challenges: types.map((type) => ({ type, token: randomBytes(16).toString("base64url") })),
        challengeIds: types.map(() => randomUUID()),
      };
    }),
  );
  await auditEvent("acme.order.create", account, {
    endpoint: endpoint.name,
    orderId,
    identifiers,
    profile,
    replaces: replaced?.id ?? null,
  });
  return order;
}

/** Brings a stored order up to date: expiry, and the status its authorizations imply (RFC 8555 7.1.6). */
export async function refreshOrder(order: sa.OrderWithAuthz, now = new Date()): Promise<sa.OrderWithAuthz> {
  let status = order.status;
  let error = order.error;
  if ((status === "pending" || status === "ready") && order.expires <= now) {
    status = "invalid";
    error = JSON.stringify(problem.malformed("The order expired before it was finalized: create a new order.").toJSON());
  } else if (status === "pending") {
    const statuses = order.authorizations.map((a) => (a.status === "pending" && a.expires <= now ? "expired" : a.status));
    const bad = order.authorizations.find((_, i) => !["pending", "valid"].includes(statuses[i]!));
    if (bad) {
      status = "invalid";
      const failed = bad.challenges.find((c) => c.error);
      error =
        failed?.error ??
        JSON.stringify(
          problem.unauthorized(`The authorization for ${bad.identifierValue} is ${statuses[order.authorizations.indexOf(bad)]}.`).toJSON(),
        );
    } else if (statuses.every((s) => s === "valid")) {
      status = "ready";
    }
  }
  if (status === order.status) return order;
  await sa.updateOrder(order.id, { status, error });
  return { ...order, status, error };
}

/** Marks a challenge to be validated (RFC 8555 7.5.1) and starts the validator. */
export async function respondToChallenge(
  endpoint: AcmeEndpoint,
  account: AcmeAccount,
  challenge: sa.ChallengeWithContext,
  now = new Date(),
): Promise<AcmeChallenge> {
  const authz = challenge.authorization;
  if (challenge.status !== "pending") return challenge;
  if (authz.status !== "pending")
    throw problem.malformed(`The authorization for ${authz.identifierValue} is ${authz.status}; its challenges can no longer be answered.`);
  if (authz.expires <= now) throw problem.malformed(`The authorization for ${authz.identifierValue} expired: create a new order.`);
  const claimed = await sa.claimChallenge(challenge.id, { status: "pending", nextAttemptAt: null }, new Date(now.getTime() + LEASE_MS));
  if (!claimed) return (await sa.findChallenge(challenge.id)) ?? challenge;
  await auditEvent("acme.challenge.respond", account, {
    endpoint: endpoint.name,
    challengeId: challenge.id,
    type: challenge.type,
    identifier: authz.identifierValue,
  });
  scheduleValidation(challenge.id, 0);
  return { ...challenge, status: "processing", nextAttemptAt: new Date(now.getTime() + LEASE_MS) };
}

/** An attempt holds the challenge this long; after that, another instance (or a restart) may take it over. */
const LEASE_MS = 90_000;
/** Three tries: at once, then after 2 s and 5 s, for DNS that propagates or a server that starts late. */
export const RETRY_DELAYS_MS = [2_000, 5_000];

const scheduled = new Set<string>();

function scheduleValidation(id: string, delayMs: number): void {
  if (scheduled.has(id)) return;
  scheduled.add(id);
  setTimeout(() => {
    scheduled.delete(id);
    runValidationAsAccount(id).catch((error) => console.error(`[cadesk] ACME validation of challenge ${id} failed unexpectedly:`, error));
  }, delayMs).unref?.();
}

let lastSweep = 0;

/** Picks up validations whose validator went away (restart, another instance died). Cheap; called on ACME traffic. */
export async function resumeDueValidations(now = new Date()): Promise<void> {
  // One indexed query at most every 2 s per instance.
  if (now.getTime() - lastSweep < 2_000) return;
  lastSweep = now.getTime();
  for (const challenge of await sa.dueChallenges(now)) {
    if (!scheduled.has(challenge.id)) scheduleValidation(challenge.id, 0);
  }
}

/** Validation runs after the request that asked for it: as the account, so whatever it records names who asked. */
async function runValidationAsAccount(id: string): Promise<void> {
  const challenge = await sa.findChallenge(id);
  if (!challenge) return;
  const { account, endpoint } = challenge.authorization.order;
  await runAs(acmeAccountActor(endpoint, account, null), () => runValidation(id));
}

/** One validation attempt, with its outcome stored; schedules the next attempt or settles the authorization. */
export async function runValidation(id: string): Promise<void> {
  const challenge = await sa.findChallenge(id);
  if (!challenge || challenge.status !== "processing") return;
  const now = new Date();
  // Take the lease (also guards against two instances running the same attempt).
  if (!(await sa.claimChallenge(id, { status: "processing", nextAttemptAt: challenge.nextAttemptAt }, new Date(now.getTime() + LEASE_MS))))
    return;
  const authz = challenge.authorization;
  const account = authz.order.account;
  const jwk = JSON.parse(account.jwk) as Jwk;
  const keyAuthorization = `${challenge.token}.${jwkThumbprint(jwk)}`;
  const result = await validate({
    type: challenge.type,
    identifier: { type: authz.identifierType as "dns" | "ip", value: authz.identifierValue },
    token: challenge.token,
    keyAuthorization,
  });
  const attempts = challenge.attempts + 1;
  const transcript = [...(JSON.parse(challenge.transcript) as unknown[]), ...result.attempts.map((a) => ({ ...a, attempt: attempts }))];
  const db = getDb();
  if (result.ok) {
    const done = new Date();
    await db.$transaction([
      db.acmeChallenge.update({
        where: { id },
        data: { status: "valid", validated: done, attempts, transcript: JSON.stringify(transcript), nextAttemptAt: null, error: null },
      }),
      db.acmeAuthorization.update({ where: { id: authz.id }, data: { status: "valid", expires: new Date(done.getTime() + 30 * DAY) } }),
    ]);
  } else if (attempts <= RETRY_DELAYS_MS.length && authz.expires > now) {
    const delay = RETRY_DELAYS_MS[attempts - 1]!;
    await sa.updateChallenge(id, { attempts, transcript: JSON.stringify(transcript), nextAttemptAt: new Date(Date.now() + delay) });
    scheduleValidation(id, delay);
    return;
  } else {
    const error = JSON.stringify(result.problem!.toJSON());
    await db.$transaction([
      db.acmeChallenge.update({
        where: { id },
        data: { status: "invalid", attempts, transcript: JSON.stringify(transcript), nextAttemptAt: null, error },
      }),
      db.acmeAuthorization.update({ where: { id: authz.id }, data: { status: "invalid" } }),
      db.acmeOrder.update({ where: { id: authz.orderId }, data: { status: "invalid", error } }),
    ]);
  }
  const order = await db.acmeOrder.findUnique({
    where: { id: authz.orderId },
    include: { authorizations: { include: { challenges: true } } },
  });
  if (order) await refreshOrder(order);
}

export async function deactivateAuthorization(account: AcmeAccount, authz: sa.AuthzWithContext): Promise<void> {
  if (!["pending", "valid"].includes(authz.status))
    throw problem.malformed(`The authorization is ${authz.status}; only pending or valid ones can be deactivated.`);
  await sa.updateAuthorization(authz.id, { status: "deactivated" });
  if (["pending", "ready"].includes(authz.order.status)) {
    await sa.updateOrder(authz.orderId, {
      status: "invalid",
      error: JSON.stringify(
        problem.unauthorized(`The authorization for ${authz.identifierValue} was deactivated by the account.`).toJSON(),
      ),
    });
  }
  await auditEvent("acme.authorization.deactivate", account, { authorizationId: authz.id, identifier: authz.identifierValue });
}

// --- finalize ----------------------------------------------------------------------------------

function csrIdentifiers(csr: ParsedCsr): Set<string> {
  const names = new Set<string>();
  for (const san of csr.sans) {
    // An address in a dNSName (lego 4.9 writes IPs there) is read as the address, like the order's identifier.
    if (san.type === "dns") names.add(canonicalIp(san.value) ? `ip:${canonicalIp(san.value)}` : `dns:${san.value.toLowerCase()}`);
    else if (san.type === "ip") names.add(`ip:${canonicalIp(san.value) ?? san.value}`);
    else
      throw new AcmeProblem(
        "badCSR",
        `The CSR asks for ${san.type === "email" ? "an e-mail address" : "a URI"} (${san.value}); ACME certificates carry only DNS names and IP addresses.`,
      );
  }
  if (csr.commonName) {
    const cn = csr.commonName.toLowerCase();
    const asIp = canonicalIp(cn);
    // A CN must repeat one of the names (RFC 8555 7.4 leaves the CN to the server; Boulder requires this).
    if (!names.has(asIp ? `ip:${asIp}` : `dns:${cn}`)) names.add(asIp ? `ip:${asIp}` : `dns:${cn}`);
  }
  return names;
}

export async function finalizeOrder(
  endpoint: AcmeEndpoint,
  account: AcmeAccount,
  order: sa.OrderWithAuthz,
  payload: Record<string, unknown>,
  now = new Date(),
): Promise<void> {
  const current = await refreshOrder(order, now);
  if (current.status !== "ready") {
    const why =
      current.status === "pending"
        ? "its authorizations are not all valid yet: answer the challenges first"
        : current.status === "valid"
          ? "it was finalized already: download its certificate"
          : current.status === "processing"
            ? "it is being finalized right now"
            : "it failed; create a new order";
    throw new AcmeProblem("orderNotReady", `The order is ${current.status}, not ready: ${why}.`);
  }
  if (typeof payload.csr !== "string" || !/^[A-Za-z0-9_-]+$/.test(payload.csr)) {
    throw problem.malformed('finalize needs "csr": the DER CSR, base64url-encoded (RFC 8555 7.4).');
  }
  let csr: VerifiedCsr;
  try {
    // The issuance pipeline's own reader: proof of possession and the key rules, checked once here.
    csr = await readVerifiedCsr(new Uint8Array(Buffer.from(payload.csr, "base64url")));
  } catch (error) {
    if (error instanceof AppError) throw new AcmeProblem("badCSR", error.message);
    throw error;
  }
  const spki = Buffer.from(csr.publicKey.rawData);
  const accountKey = importJwk(JSON.parse(account.jwk));
  if (accountKey.export({ format: "der", type: "spki" }).equals(spki)) {
    throw new AcmeProblem("badCSR", "The CSR uses the account key: a certificate key must differ from the ACME account key.");
  }
  const identifiers = JSON.parse(order.identifiers) as AcmeIdentifier[];
  const wanted = new Set(identifiers.map((i) => `${i.type}:${i.value}`));
  const asked = csrIdentifiers(csr);
  const extra = [...asked].filter((n) => !wanted.has(n));
  const missing = [...wanted].filter((n) => !asked.has(n));
  if (extra.length || missing.length) {
    const show = (list: string[]) => list.map((n) => n.replace(/^dns:/, "DNS:").replace(/^ip:/, "IP:")).join(", ");
    throw new AcmeProblem(
      "badCSR",
      `The CSR's names differ from the order's: ${extra.length ? `not in the order: ${show(extra)}` : ""}${extra.length && missing.length ? "; " : ""}${missing.length ? `missing from the CSR: ${show(missing)}` : ""}. The CSR must ask for exactly ${show([...wanted])}.`,
    );
  }
  if (!(await sa.transitionOrder(order.id, "ready", { status: "processing" }))) {
    throw new AcmeProblem("orderNotReady", "The order is being finalized by another request.");
  }
  const profile = isAcmeProfile(order.profile) ? order.profile : "tlsserver";
  const requestedDays = order.notAfter ? Math.ceil((order.notAfter.getTime() - now.getTime()) / DAY) : undefined;
  // A default lifetime stays within the CA's policy; a notAfter the client asked for is checked, not shortened.
  const caPolicy = requestedDays ? null : storedPolicy(await getDb().authority.findUniqueOrThrow({ where: { id: endpoint.authorityId } }));
  const validityDays = Math.min(
    requestedDays ?? (ACME_PROFILES[profile] as AcmeProfileSpec).validityDays ?? endpoint.validityDays,
    endpoint.maxValidityDays,
    caPolicy?.maxValidityDays ?? Infinity,
  );
  try {
    const certificate = await issueForOrder({
      endpoint,
      accountId: account.id,
      orderId: order.id,
      identifiers,
      profile,
      validityDays,
      csr,
      replacesCertificateId: order.replacesCertificateId,
    });
    await sa.updateOrder(order.id, { status: "valid", certificateId: certificate.id });
  } catch (error) {
    const failure = error instanceof AcmeProblem ? error : finalizeProblem(error as Error);
    await sa.updateOrder(order.id, { status: "invalid", error: JSON.stringify(failure.toJSON()) });
    throw failure;
  }
}

/**
 * What a refusal of the pipeline means to the client: a name the CA may not sign is a rejected
 * identifier, a key its policy refuses a bad CSR, another policy rule (profile, lifetime) a
 * refusal of this account's request; anything else is the server's failure.
 */
function finalizeProblem(error: Error): AcmeProblem {
  if (error instanceof AppError && error.code === "NAME_NOT_ALLOWED") return new AcmeProblem("rejectedIdentifier", error.message);
  if (error instanceof AppError && error.code === "POLICY_VIOLATION")
    return new AcmeProblem(error.field === "keyType" ? "badCSR" : "unauthorized", error.message);
  return new AcmeProblem("serverInternal", `Signing failed: ${error.message}`);
}

// --- revocation --------------------------------------------------------------------------------

/**
 * revokeCert (RFC 8555 7.6): allowed for the account that ordered the certificate, an account
 * holding valid authorizations for all its names, or anyone signing with the certificate's key.
 */
export async function authorizeRevocation(
  endpoint: AcmeEndpoint,
  certificateDer: Buffer,
  signer: { account: AcmeAccount } | { jwkSpki: Buffer },
  now = new Date(),
): Promise<Certificate> {
  let parsed: x509.X509Certificate;
  try {
    parsed = parseCertificate(new Uint8Array(certificateDer));
  } catch {
    throw problem.malformed('"certificate" is not a DER certificate (base64url).');
  }
  const serialHex = parsed.serialNumber.toLowerCase();
  const certificate = await getDb().certificate.findFirst({
    where: { authorityId: endpoint.authorityId, serialHex },
    include: { acmeOrder: true },
  });
  if (!certificate || Buffer.from(readPemOrDer(certificate.certificatePem, ["CERTIFICATE"], "certificate")).compare(certificateDer) !== 0) {
    throw problem.notFound(`A certificate with serial ${serialHex.slice(0, 64)} from this endpoint's CA`);
  }
  // Who may revoke is settled before whether it is revoked already, so a stranger learns nothing.
  await assertMayRevoke(certificate, parsed, signer, now);
  if (certificate.status === "revoked" && certificate.revocationReason !== "certificateHold") {
    throw new AcmeProblem(
      "alreadyRevoked",
      `The certificate (serial ${serialHex}) was already revoked on ${certificate.revokedAt?.toISOString().slice(0, 10)}.`,
    );
  }
  return certificate;
}

async function assertMayRevoke(
  certificate: Certificate & { acmeOrder: { accountId: string } | null },
  parsed: x509.X509Certificate,
  signer: { account: AcmeAccount } | { jwkSpki: Buffer },
  now: Date,
): Promise<void> {
  if ("jwkSpki" in signer) {
    if (Buffer.from(parsed.publicKey.rawData).equals(signer.jwkSpki)) return;
    throw problem.unauthorized(
      "The request is signed with a jwk that is not the certificate's key: sign with the certificate's private key, or with the ordering account.",
    );
  }
  const account = signer.account;
  if (certificate.acmeOrder?.accountId === account.id) return;
  const sans = decodeSans(certificate.sans);
  const identifiers = sans
    .filter((s) => s.type === "dns" || s.type === "ip")
    .map((s) => ({ type: s.type as "dns" | "ip", value: s.value }));
  const held = await sa.validAuthorizationsFor(account.id, identifiers, now);
  const heldSet = new Set(held.map((a) => `${a.identifierType}:${a.identifierValue}`));
  if (identifiers.length > 0 && identifiers.every((i) => heldSet.has(`${i.type}:${i.value}`))) return;
  throw problem.unauthorized("This account neither ordered the certificate nor holds valid authorizations for all of its names.");
}

async function auditEvent(action: string, account: AcmeAccount, detail: Record<string, unknown>): Promise<void> {
  await audit({ action, objectType: "acme_account", objectId: account.id, objectLabel: account.thumbprint, detail });
}
