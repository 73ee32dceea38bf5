/**
 * Decoders for the columns stored as JSON text (SQLite has no arrays): one typed reader each,
 * which refuses a value of the wrong shape instead of passing it on as if it were right.
 */
import type { San, SanType } from "../pki/names-format";

const SAN_TYPES: readonly SanType[] = ["dns", "ip", "email", "uri"];

function corrupt(column: string): Error {
  return new Error(`The stored ${column} column is not in the expected format: restore the database from a backup.`);
}

/** A certificate's `sans` column: [{ type: "dns" | "ip" | "email" | "uri", value }]. */
export function decodeSans(json: string): San[] {
  const value: unknown = JSON.parse(json);
  if (!Array.isArray(value)) throw corrupt("sans");
  return value.map((entry: unknown) => {
    const san = entry as { type?: unknown; value?: unknown };
    if (typeof san?.value !== "string" || !SAN_TYPES.includes(san.type as SanType)) throw corrupt("sans");
    return { type: san.type as SanType, value: san.value };
  });
}

/** A JSON array of ids (operatorIds, clientCaIds ...). */
export function decodeIds(json: string, column: string): string[] {
  const value: unknown = JSON.parse(json);
  if (!Array.isArray(value) || !value.every((v) => typeof v === "string")) throw corrupt(column);
  return value;
}

/** The operators allowed on a CA (null: all of them). */
export function authorityOperatorIds(authority: { operatorIds: string | null }): string[] | null {
  return authority.operatorIds === null ? null : decodeIds(authority.operatorIds, "operatorIds");
}
