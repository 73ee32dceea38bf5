import { currentActor, type Actor } from "../auth/actor";
import { getDb } from "../db";
import { AppError } from "../errors";

export interface AuditEntry {
  action: string;
  outcome?: "success" | "failure";
  objectType?: string;
  objectId?: string | null;
  objectLabel?: string | null;
  detail?: Record<string, unknown>;
  /** Defaults to the current request's actor. */
  actor?: Actor;
}

/** Appends one event to the audit log (the table refuses updates and deletes). */
export async function audit(entry: AuditEntry): Promise<void> {
  await getDb().auditEvent.create({ data: auditEventData(entry) });
}

/** The row for an event, for writes that commit it together with what it records. */
export function auditEventData(entry: AuditEntry) {
  const actor = entry.actor ?? currentActor();
  return {
    actorType: actor.type,
    actorId: actor.id,
    actorLabel: actor.label.slice(0, 320),
    action: entry.action,
    outcome: entry.outcome ?? "success",
    objectType: entry.objectType ?? null,
    objectId: entry.objectId ?? null,
    objectLabel: entry.objectLabel?.slice(0, 500) ?? null,
    ip: actor.ip?.slice(0, 100) ?? null,
    requestId: actor.requestId ?? null,
    detail: entry.detail ? JSON.stringify(entry.detail).slice(0, 4000) : null,
  };
}

/**
 * The permission checks of a sensitive action (role, recent password). A refusal is recorded as
 * a failure of that same action before it is thrown, so the log shows attempts, not only what
 * succeeded: a viewer trying to download a key reads as `key.export` failed, refused by role.
 */
export async function checkSensitive(entry: Omit<AuditEntry, "outcome">, ...checks: (() => void)[]): Promise<void> {
  try {
    for (const check of checks) check();
  } catch (error) {
    if (error instanceof AppError && (error.code === "FORBIDDEN" || error.code === "REAUTH_REQUIRED")) {
      const refused = error.code === "FORBIDDEN" ? "role" : "password not entered recently";
      // Without an actor there is nobody to record (a programming error): the refusal stands regardless.
      await audit({ ...entry, outcome: "failure", detail: { ...entry.detail, refused } }).catch(() => undefined);
    }
    throw error;
  }
}
