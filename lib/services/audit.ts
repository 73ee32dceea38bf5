import { currentActor, type Actor } from "../auth/actor";
import { getDb } from "../db";

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
    detail: entry.detail ? JSON.stringify(entry.detail).slice(0, 4000) : null,
  };
}
