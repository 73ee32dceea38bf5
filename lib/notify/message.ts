/**
 * What a notice says. The webhook receives `payload` as JSON; an e-mail is the same facts as
 * text. One builder, so both channels always agree.
 */
import { DAY } from "../time";

export interface ExpiringObject {
  kind: "certificate" | "authority";
  id: string;
  commonName: string;
  serialNumber: string;
  sans: string[];
  notAfter: Date;
  issuer: { id: string; commonName: string } | null;
}

export interface Notice {
  subject: string;
  text: string;
  payload: Record<string, unknown>;
}

/** Whole days left, rounded up: 6.2 days is "in 7 days", as a calendar reader would say. */
function daysLeft(notAfter: Date, now: Date): number {
  return Math.max(0, Math.ceil((notAfter.getTime() - now.getTime()) / DAY));
}

function inDays(notAfter: Date, now: Date): string {
  const days = daysLeft(notAfter, now);
  if (days <= 0) return "within a day";
  return days === 1 ? "in 1 day" : `in ${days} days`;
}

/** The notice for a certificate or CA that crossed a "N days before expiry" threshold. */
export function expiryNotice(
  object: ExpiringObject,
  thresholdDays: number,
  options: { now: Date; baseUrl: string; deliveryId: string },
): Notice {
  const path = object.kind === "certificate" ? `/certificates/${object.id}` : `/authorities/${object.id}`;
  const url = options.baseUrl + path;
  const what = object.kind === "certificate" ? "Certificate" : "CA";
  const when = inDays(object.notAfter, options.now);
  const date = object.notAfter.toISOString().slice(0, 16).replace("T", " ") + " UTC";
  const subject = `[cadesk] ${what} ${object.commonName} expires ${when} (${date.slice(0, 10)})`;
  const fix =
    object.kind === "certificate"
      ? "Renew it on its page (Renew), deploy the new files, and the old one can be revoked as superseded."
      : "Create a successor CA and move issuance to it before this one expires: certificates it signed stop validating with it.";
  const text = [
    `${what} "${object.commonName}" expires ${when}, on ${date}.`,
    "",
    ...(object.sans.length ? [`Names:   ${object.sans.join(", ")}`] : []),
    `Serial:  ${object.serialNumber}`,
    ...(object.issuer ? [`Issuer:  ${object.issuer.commonName}`] : []),
    `Details: ${url}`,
    "",
    fix,
    "",
    `You receive this because a cadesk notification rule watches for expiries ${thresholdDays} days ahead.`,
  ].join("\n");
  return {
    subject,
    text,
    payload: {
      type: object.kind === "certificate" ? "certificate.expiring" : "authority.expiring",
      deliveryId: options.deliveryId,
      createdAt: options.now.toISOString(),
      thresholdDays,
      daysLeft: daysLeft(object.notAfter, options.now),
      [object.kind]: {
        id: object.id,
        commonName: object.commonName,
        serialNumber: object.serialNumber,
        sans: object.sans,
        notAfter: object.notAfter.toISOString(),
        issuer: object.issuer,
        url,
      },
      summary: subject.replace("[cadesk] ", ""),
    },
  };
}

/** The message behind "Send test notification": proves the path without waiting for an expiry. */
export function testNotice(channelName: string, options: { now: Date; baseUrl: string; deliveryId: string }): Notice {
  const subject = `[cadesk] Test notification for "${channelName}"`;
  return {
    subject,
    text: `This is a test from cadesk (${options.baseUrl}). Expiry notices for the channel "${channelName}" will arrive here.\n\nSent ${options.now.toISOString()}.`,
    payload: {
      type: "test",
      deliveryId: options.deliveryId,
      createdAt: options.now.toISOString(),
      channel: channelName,
      summary: subject.replace("[cadesk] ", ""),
    },
  };
}
