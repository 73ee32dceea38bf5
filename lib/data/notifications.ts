import { getDb } from "../db";

/** A channel's stored settings (webhook or SMTP); the secret is sealed apart and never read here. */
export interface ChannelSettingsView {
  url?: string;
  host?: string;
  port?: number;
  security?: string;
  username?: string;
  from?: string;
  to?: string[];
  trustCaId?: string;
}

/** Channels with their rules, the recent delivery log, and the CAs rules can watch. */
export async function notificationsPageData(limit = 50) {
  const db = getDb();
  const [channels, recent, authorities, uncertainCount, uncertainRows] = await Promise.all([
    db.notificationChannel.findMany({
      orderBy: { createdAt: "asc" },
      include: { rules: { orderBy: { createdAt: "asc" }, include: { authority: { select: { id: true, commonName: true } } } } },
    }),
    db.notificationDelivery.findMany({ orderBy: { createdAt: "desc" }, take: limit, include: { channel: { select: { name: true } } } }),
    db.authority.findMany({ orderBy: { commonName: "asc" }, select: { id: true, commonName: true } }),
    // All of them, not only those among the recent rows: each waits for the operator's decision.
    db.notificationDelivery.count({ where: { status: "uncertain" } }),
    db.notificationDelivery.findMany({
      where: { status: "uncertain" },
      orderBy: { createdAt: "desc" },
      take: limit,
      include: { channel: { select: { name: true } } },
    }),
  ]);
  // Uncertain ones stay in view however old, until someone decides about them.
  const seen = new Set(recent.map((d) => d.id));
  const deliveries = [...recent, ...uncertainRows.filter((d) => !seen.has(d.id))];
  return {
    channels: channels.map((c) => {
      const settings = JSON.parse(c.settings) as ChannelSettingsView;
      return {
        id: c.id,
        name: c.name,
        kind: c.kind,
        /** Everything but the secret, to fill in the edit form. */
        settings,
        hasSecret: c.encryptedSecret !== null,
        target: c.kind === "webhook" ? settings.url! : `${settings.to?.join(", ")} via ${settings.host}:${settings.port}`,
        signed: c.kind === "webhook" && c.encryptedSecret !== null,
        rules: c.rules.map((r) => ({ id: r.id, scope: r.authority?.commonName ?? "All CAs", daysBefore: JSON.parse(r.daysBefore) as number[] })),
      };
    }),
    deliveries: deliveries.map((d) => ({
      id: d.id,
      channel: d.channel.name,
      kind: d.kind,
      subject: d.subject,
      status: d.status,
      attempts: d.attempts,
      lastResult: d.lastResult,
      nextAttemptAt: d.nextAttemptAt,
      sendingBy: d.sendingBy,
      createdAt: d.createdAt,
    })),
    authorities,
    uncertainCount,
  };
}

/** The delivery log for the API, newest first, optionally of one status. */
export function listDeliveries(status: string | null, limit: number) {
  return getDb().notificationDelivery.findMany({
    where: status ? { status } : {},
    orderBy: { createdAt: "desc" },
    take: limit,
  });
}

/** Every channel with its rules, for the API. */
export function listChannels() {
  return getDb().notificationChannel.findMany({ orderBy: { createdAt: "asc" }, include: { rules: true } });
}
