/**
 * The issuance commit on PostgreSQL (lib/stores/issuance.ts): one multi-row INSERT per table
 * through Prisma's raw queries inside an interactive transaction, so the query compiler never
 * sees the rows' values as a model query (it compiled them, data and all, every batch). Dates are
 * bound as the adapter binds them (UTC "YYYY-MM-DD HH:MM:SS.mmm") and cast to the columns'
 * timestamp(3); createdAt and audit `at` are written, not left to the columns' defaults, as
 * Prisma does (its now() is the client's clock).
 */
import { getDb } from "../db";
import type { AuthorityVersionRow, CommitDecision, IssuanceBatch } from "./issuance";
import { AUDIT_COLUMNS, AUTHORITY_VERSION_COLUMNS, CERTIFICATE_COLUMNS, CERTIFICATE_TIMESTAMPS, quoted } from "./issuance-columns";

/** `INSERT ... VALUES ($1::t, ...), (...)` for `rows` rows of `types` (the last value of each row is createdAt/at). */
function multiRowInsert(table: string, columns: string[], types: string[], rows: number): string {
  const values: string[] = [];
  let n = 0;
  for (let r = 0; r < rows; r++) values.push(`(${types.map((t) => `$${++n}::${t}`).join(", ")})`);
  return `INSERT INTO "${table}" (${quoted(columns)}) VALUES ${values.join(", ")}`;
}

class Rollback<T> {
  constructor(readonly value: T) {}
}

export async function postgresCommitIssuances<T>(batch: IssuanceBatch, decide: CommitDecision<T>): Promise<{ createdAt: Date; value: T }> {
  const createdAt = new Date();
  const certColumns = [...CERTIFICATE_COLUMNS, "status", "createdAt"];
  const certTypes = [...CERTIFICATE_COLUMNS.map((c) => (CERTIFICATE_TIMESTAMPS.has(c) ? "timestamp(3)" : "text")), "text", "timestamp(3)"];
  const certArgs = batch.certificates.flatMap((row) => [...CERTIFICATE_COLUMNS.map((c) => row[c]), "active", createdAt]);
  const auditColumns = [...AUDIT_COLUMNS, "at"];
  const auditTypes = [...AUDIT_COLUMNS.map(() => "text"), "timestamp(3)"];
  const auditArgs = batch.audits.flatMap((row) => [...AUDIT_COLUMNS.map((c) => row[c]), createdAt]);
  const ids = batch.authorityIds;
  try {
    const value = await getDb().$transaction(
      async (tx) => {
        if (batch.certificates.length) {
          await tx.$executeRawUnsafe(multiRowInsert("Certificate", certColumns, certTypes, batch.certificates.length), ...certArgs);
        }
        if (batch.audits.length) {
          await tx.$executeRawUnsafe(multiRowInsert("AuditEvent", auditColumns, auditTypes, batch.audits.length), ...auditArgs);
        }
        const authorities = ids.length
          ? await tx.$queryRawUnsafe<(Omit<AuthorityVersionRow, "notAfter"> & { notAfter: Date | string })[]>(
              `SELECT ${quoted(AUTHORITY_VERSION_COLUMNS)} FROM "Authority" WHERE "id" IN (${ids.map((_, i) => `$${i + 1}`).join(", ")})`,
              ...ids,
            )
          : [];
        const decided = decide(authorities.map((a) => ({ ...a, notAfter: new Date(a.notAfter) })));
        if (!decided.commit) throw new Rollback(decided.value);
        return decided.value;
      },
      // A batch waits for the one before it, not for the default 2 s / 5 s on a loaded machine.
      { maxWait: 60_000, timeout: 60_000 },
    );
    return { createdAt, value };
  } catch (error) {
    if (error instanceof Rollback) return { createdAt, value: error.value as T };
    throw error;
  }
}
