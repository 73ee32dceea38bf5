import { assertCan } from "../auth/actor";
import { audit } from "./audit";
import { randomUUID } from "node:crypto";
import type { NotificationChannel, NotificationRule } from "@/generated/prisma/client";
import { getDb } from "../db";
import { AppError } from "../errors";
import type { SmtpSettings } from "../notify/email";
import { parseInput } from "../validations/parse";
import { ZChannelInput, ZChannelUpdate, ZRuleInput } from "../validations/notifications";
import { authorityChain, findAuthority } from "../data/find";
import { openKey, sealKey } from "../signers/sealed-key";

export type WebhookSettings = { url: string; trustCaId?: string };
export type EmailSettings = SmtpSettings & { trustCaId?: string };

/** A channel with its settings read and its secret opened, ready to send. */
export type OpenChannel =
  | { id: string; name: string; kind: "webhook"; settings: WebhookSettings; secret?: string }
  | { id: string; name: string; kind: "email"; settings: EmailSettings; secret?: string };

const secretContext = (id: string) => `notification-channel:${id}`;

/** Stores a webhook or SMTP channel; its secret (HMAC key or SMTP password) is sealed like a private key. */
export async function createChannel(raw: unknown): Promise<NotificationChannel> {
  assertCan("settings", "change notification settings");
  const input = parseInput(ZChannelInput, raw);
  if (input.trustCaId) await findAuthority(input.trustCaId, "trustCaId");
  const id = randomUUID();
  const { name, kind } = input;
  const secret = channelSecret(input);
  const settings = channelSettings(input);
  const db = getDb();
  await assertNameFree(name);
  const channel = await db.notificationChannel.create({
    data: {
      id,
      name,
      kind,
      settings: JSON.stringify(settings),
      encryptedSecret: secret ? sealKey(Buffer.from(secret, "utf8"), secretContext(id)) : null,
    },
  });
  await audit({
    action: "settings.notification_channel.create",
    objectType: "notification_channel",
    objectId: id,
    objectLabel: name,
    detail: { kind },
  });
  return channel;
}

/**
 * Changes a channel's settings with the same validation as creating it. Its kind stays; a secret
 * left blank keeps the stored one (it is never shown back), `clearSecret` removes it.
 */
export async function updateChannel(id: string, raw: unknown): Promise<NotificationChannel> {
  assertCan("settings", "change notification settings");
  const channel = await findChannel(id, "id");
  const input = parseInput(ZChannelUpdate, raw);
  if (input.kind !== channel.kind) {
    throw new AppError(
      "INVALID_INPUT",
      `"${channel.name}" is a ${channel.kind} channel and stays one: add a ${input.kind} channel instead, then delete this one.`,
      "kind",
    );
  }
  if (input.trustCaId) await findAuthority(input.trustCaId, "trustCaId");
  if (input.name !== channel.name) await assertNameFree(input.name);
  const secret = channelSecret(input);
  const encryptedSecret = input.clearSecret
    ? null
    : secret
      ? sealKey(Buffer.from(secret, "utf8"), secretContext(id))
      : channel.encryptedSecret;
  const updated = await getDb().notificationChannel.update({
    where: { id },
    data: { name: input.name, settings: JSON.stringify(channelSettings(input)), encryptedSecret },
  });
  await audit({
    action: "settings.notification_channel.update",
    objectType: "notification_channel",
    objectId: id,
    objectLabel: input.name,
    detail: {
      kind: input.kind,
      ...(input.name !== channel.name ? { renamedFrom: channel.name } : {}),
      secret: input.clearSecret ? "removed" : secret ? "replaced" : channel.encryptedSecret ? "kept" : "none",
    },
  });
  return updated;
}

type ChannelFields = { kind: "webhook"; url: string; secret?: string; trustCaId?: string } | (SmtpFields & { kind: "email" });
type SmtpFields = Omit<SmtpSettings, "password"> & { password?: string; trustCaId?: string };

/** The settings column: everything but the secret, which is sealed on its own. */
function channelSettings(input: ChannelFields): WebhookSettings | EmailSettings {
  return input.kind === "webhook"
    ? { url: input.url, trustCaId: input.trustCaId }
    : {
        host: input.host,
        port: input.port,
        security: input.security,
        username: input.username,
        from: input.from,
        to: input.to,
        trustCaId: input.trustCaId,
      };
}

const channelSecret = (input: ChannelFields) => (input.kind === "webhook" ? input.secret : input.password);

async function assertNameFree(name: string): Promise<void> {
  if (await getDb().notificationChannel.findUnique({ where: { name } })) {
    throw new AppError("CONFLICT", `A channel named "${name}" exists already: choose another name.`, "name");
  }
}

export async function deleteChannel(id: string): Promise<void> {
  assertCan("settings", "change notification settings");
  const channel = await findChannel(id, "id");
  await getDb().notificationChannel.delete({ where: { id } });
  await audit({
    action: "settings.notification_channel.delete",
    objectType: "notification_channel",
    objectId: id,
    objectLabel: channel.name,
  });
}

export async function findChannel(id: string, field = "channelId"): Promise<NotificationChannel> {
  const channel = await getDb().notificationChannel.findUnique({ where: { id } });
  if (!channel) throw new AppError("NOT_FOUND", `There is no notification channel with id "${id.slice(0, 100)}".`, field);
  return channel;
}

export function openChannel(channel: NotificationChannel): OpenChannel {
  const secret = channel.encryptedSecret
    ? Buffer.from(openKey(channel.encryptedSecret, secretContext(channel.id))).toString("utf8")
    : undefined;
  const settings = JSON.parse(channel.settings);
  return channel.kind === "email"
    ? { id: channel.id, name: channel.name, kind: "email", settings: settings as EmailSettings, secret }
    : { id: channel.id, name: channel.name, kind: "webhook", settings: settings as WebhookSettings, secret };
}

/** PEM certificates of the CA a channel trusts for its receiver's TLS, with its ancestors. */
export async function trustedPems(trustCaId: string | undefined): Promise<string[]> {
  if (!trustCaId) return [];
  return (await authorityChain(trustCaId)).map((a) => a.certificatePem);
}

/** "Notify this channel N days before expiry", for one CA (and its certificates) or all. */
export async function createRule(raw: unknown): Promise<NotificationRule> {
  assertCan("settings", "change notification settings");
  const input = parseInput(ZRuleInput, raw);
  const channel = await findChannel(input.channelId);
  if (input.caId) await findAuthority(input.caId);
  const rule = await getDb().notificationRule.create({
    data: { id: randomUUID(), channelId: input.channelId, authorityId: input.caId ?? null, daysBefore: JSON.stringify(input.daysBefore) },
  });
  await audit({
    action: "settings.notification_rule.create",
    objectType: "notification_rule",
    objectId: rule.id,
    objectLabel: channel.name,
    detail: { caId: rule.authorityId, daysBefore: input.daysBefore },
  });
  return rule;
}

export async function deleteRule(id: string): Promise<void> {
  assertCan("settings", "change notification settings");
  const { count } = await getDb().notificationRule.deleteMany({ where: { id } });
  if (count === 0) throw new AppError("NOT_FOUND", `There is no notification rule with id "${id.slice(0, 100)}".`, "id");
  await audit({ action: "settings.notification_rule.delete", objectType: "notification_rule", objectId: id });
}
