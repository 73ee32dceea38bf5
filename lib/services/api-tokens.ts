import { randomUUID } from "node:crypto";
import type { ApiToken } from "@/generated/prisma/client";
import { assertCan, assertRecentAuth, currentActor } from "../auth/actor";
import { newToken, tokenHash } from "../auth/secrets";
import { getDb } from "../db";
import { AppError } from "../errors";
import { parseInput } from "../validations/parse";
import { ZCreateTokenInput } from "../validations/users";
import { audit, checkSensitive } from "./audit";
import { DAY } from "../time";

/** Creates an API token; the token itself is returned this once and only its hash is kept. */
export async function createApiToken(raw: unknown, now = new Date()): Promise<{ token: string; record: ApiToken }> {
  await checkSensitive(
    { action: "token.create", objectType: "token" },
    () => assertCan("users", "manage API tokens"),
    () => assertRecentAuth(now),
  );
  const input = parseInput(ZCreateTokenInput, raw);
  const token = newToken("cdk_");
  const record = await getDb().apiToken.create({
    data: {
      id: randomUUID(),
      name: input.name,
      role: input.role,
      tokenHash: tokenHash(token),
      prefix: token.slice(0, 10),
      createdById: currentActor().userId,
      createdAt: now,
      expiresAt: input.expiresInDays ? new Date(now.getTime() + input.expiresInDays * DAY) : null,
    },
  });
  await audit({
    action: "token.create",
    objectType: "token",
    objectId: record.id,
    objectLabel: record.name,
    detail: { role: record.role, expiresAt: record.expiresAt },
  });
  return { token, record };
}

export async function revokeApiToken(id: string, now = new Date()): Promise<ApiToken> {
  assertCan("users", "manage API tokens");
  const db = getDb();
  const token = await db.apiToken.findUnique({ where: { id } });
  if (!token) throw new AppError("NOT_FOUND", `There is no API token with id "${id.slice(0, 100)}".`, "id");
  if (token.revokedAt) return token;
  const revoked = await db.apiToken.update({ where: { id }, data: { revokedAt: now } });
  await audit({ action: "token.revoke", objectType: "token", objectId: id, objectLabel: token.name });
  return revoked;
}

/** The live token behind a bearer value, its last use noted (at most once a minute). */
export async function findApiToken(bearer: string, now = new Date()): Promise<ApiToken | null> {
  if (!bearer.startsWith("cdk_") || bearer.length > 200) return null;
  const db = getDb();
  const token = await db.apiToken.findUnique({ where: { tokenHash: tokenHash(bearer) } });
  if (!token || token.revokedAt || (token.expiresAt && token.expiresAt <= now)) return null;
  if (!token.lastUsedAt || now.getTime() - token.lastUsedAt.getTime() > 60_000) {
    await db.apiToken.update({ where: { id: token.id }, data: { lastUsedAt: now } });
  }
  return token;
}
