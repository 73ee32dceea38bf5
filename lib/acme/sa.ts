/**
 * Storage for ACME (Boulder's "SA"): every database read and write of the protocol goes through
 * here, so the front end and the registration authority never build queries themselves.
 */
import { randomBytes } from "node:crypto";
import type { AcmeAccount, AcmeAuthorization, AcmeChallenge, AcmeEndpoint, AcmeOrder, Prisma } from "@/generated/prisma/client";
import { getDb } from "../db";
import type { AcmeIdentifier } from "./problem";

/** A nonce lives an hour: enough for a slow client between requests, short enough to keep the table small. */
const NONCE_LIFETIME_MS = 60 * 60 * 1000;

/** A fresh nonce (RFC 8555 7.2), stored so any instance on this database accepts it once. */
export async function createNonce(now = new Date()): Promise<string> {
  const value = randomBytes(16).toString("base64url");
  const db = getDb();
  await db.acmeNonce.create({ data: { value, expiresAt: new Date(now.getTime() + NONCE_LIFETIME_MS) } });
  // Sweep expired ones now and then rather than on a timer: a quiet endpoint keeps none, a busy one few.
  if (Math.random() < 0.02) await db.acmeNonce.deleteMany({ where: { expiresAt: { lt: now } } });
  return value;
}

/** Uses a nonce up: true once for a nonce that was issued and has not expired, false ever after. */
export async function consumeNonce(value: string, now = new Date()): Promise<boolean> {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(value)) return false;
  const { count } = await getDb().acmeNonce.deleteMany({ where: { value, expiresAt: { gt: now } } });
  return count === 1;
}

export function findEndpointByName(name: string): Promise<AcmeEndpoint | null> {
  return getDb().acmeEndpoint.findUnique({ where: { name } });
}

export function findAccount(endpointId: string, id: string): Promise<AcmeAccount | null> {
  return getDb().acmeAccount.findFirst({ where: { id, endpointId } });
}

export function findAccountByThumbprint(endpointId: string, thumbprint: string): Promise<AcmeAccount | null> {
  return getDb().acmeAccount.findUnique({ where: { endpointId_thumbprint: { endpointId, thumbprint } } });
}

export function findEabKey(keyId: string) {
  return getDb().acmeEabKey.findUnique({ where: { keyId }, include: { account: { select: { id: true } } } });
}

export function createAccount(data: Prisma.AcmeAccountUncheckedCreateInput, eab?: { id: string; now: Date }): Promise<AcmeAccount> {
  const db = getDb();
  if (!eab) return db.acmeAccount.create({ data });
  // The account's unique eabKeyId makes the binding atomic: a second account racing for the same key fails.
  return db.$transaction(async (tx) => {
    const bound = await tx.acmeEabKey.updateMany({ where: { id: eab.id, boundAt: null, revokedAt: null }, data: { boundAt: eab.now } });
    if (bound.count !== 1) throw new Error("EAB key already bound");
    return tx.acmeAccount.create({ data: { ...data, eabKeyId: eab.id } });
  });
}

export function updateAccount(id: string, data: Prisma.AcmeAccountUncheckedUpdateInput): Promise<AcmeAccount> {
  return getDb().acmeAccount.update({ where: { id }, data });
}

export type OrderWithAuthz = AcmeOrder & { authorizations: (AcmeAuthorization & { challenges: AcmeChallenge[] })[] };

const orderInclude = { authorizations: { include: { challenges: true }, orderBy: { createdAt: "asc" } } } as const;

export interface NewAuthorization {
  identifier: AcmeIdentifier;
  wildcard: boolean;
  challenges: { type: string; token: string }[];
}

export async function createOrder(
  order: Omit<Prisma.AcmeOrderUncheckedCreateInput, "authorizations">,
  authorizations: (NewAuthorization & { id: string; expires: Date; challengeIds: string[] })[],
): Promise<OrderWithAuthz> {
  return getDb().acmeOrder.create({
    data: {
      ...order,
      authorizations: {
        create: authorizations.map((a) => ({
          id: a.id,
          identifierType: a.identifier.type,
          identifierValue: a.identifier.value,
          wildcard: a.wildcard,
          status: "pending",
          expires: a.expires,
          challenges: { create: a.challenges.map((c, i) => ({ id: a.challengeIds[i]!, type: c.type, token: c.token, status: "pending" })) },
        })),
      },
    },
    include: orderInclude,
  });
}

export function findOrder(endpointId: string, id: string): Promise<OrderWithAuthz | null> {
  return getDb().acmeOrder.findFirst({ where: { id, endpointId }, include: orderInclude });
}

export function updateOrder(id: string, data: Prisma.AcmeOrderUncheckedUpdateInput) {
  return getDb().acmeOrder.update({ where: { id }, data });
}

/** Moves an order from one status to another only if nobody else did first (finalize races). */
export async function transitionOrder(id: string, from: string, data: Prisma.AcmeOrderUncheckedUpdateInput): Promise<boolean> {
  const { count } = await getDb().acmeOrder.updateMany({ where: { id, status: from }, data });
  return count === 1;
}

export function listOrderIds(accountId: string): Promise<{ id: string }[]> {
  return getDb().acmeOrder.findMany({ where: { accountId }, select: { id: true }, orderBy: { createdAt: "desc" }, take: 1000 });
}

export type AuthzWithContext = AcmeAuthorization & { challenges: AcmeChallenge[]; order: AcmeOrder };

export function findAuthorization(endpointId: string, id: string): Promise<AuthzWithContext | null> {
  return getDb().acmeAuthorization.findFirst({
    where: { id, order: { endpointId } },
    include: { challenges: { orderBy: { type: "asc" } }, order: true },
  });
}

export function updateAuthorization(id: string, data: Prisma.AcmeAuthorizationUncheckedUpdateInput) {
  return getDb().acmeAuthorization.update({ where: { id }, data });
}

export type ChallengeWithContext = AcmeChallenge & {
  authorization: AcmeAuthorization & { order: AcmeOrder & { account: AcmeAccount; endpoint: AcmeEndpoint } };
};

export function findChallenge(id: string): Promise<ChallengeWithContext | null> {
  return getDb().acmeChallenge.findUnique({
    where: { id },
    include: { authorization: { include: { order: { include: { account: true, endpoint: true } } } } },
  });
}

export function updateChallenge(id: string, data: Prisma.AcmeChallengeUncheckedUpdateInput) {
  return getDb().acmeChallenge.update({ where: { id }, data });
}

/** Claims a challenge for validation until `leaseUntil` (so one validator runs it, even across instances). */
export async function claimChallenge(id: string, from: { status: string; nextAttemptAt: Date | null }, leaseUntil: Date): Promise<boolean> {
  const { count } = await getDb().acmeChallenge.updateMany({
    where: { id, status: from.status, nextAttemptAt: from.nextAttemptAt },
    data: { status: "processing", nextAttemptAt: leaseUntil },
  });
  return count === 1;
}

/** Challenges whose validation is due or whose validator went away (restart, crashed instance). */
export function dueChallenges(now: Date): Promise<AcmeChallenge[]> {
  return getDb().acmeChallenge.findMany({ where: { status: "processing", nextAttemptAt: { lte: now } }, take: 20 });
}

/** Valid authorizations of an account for these identifiers (revocation by a non-issuing account, RFC 8555 7.6). */
export function validAuthorizationsFor(accountId: string, identifiers: AcmeIdentifier[], now: Date) {
  return getDb().acmeAuthorization.findMany({
    where: {
      status: "valid",
      expires: { gt: now },
      order: { accountId },
      OR: identifiers.map((i) => ({ identifierType: i.type, identifierValue: i.value })),
    },
    select: { identifierType: true, identifierValue: true },
  });
}
