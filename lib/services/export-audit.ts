import { assertCan } from "../auth/actor";
import { auditWhere, parseAuditQuery } from "../data/audit";
import { getDb } from "../db";
import { AppError } from "../errors";
import { audit } from "./audit";
import type { ExportedFile } from "./export-certificate";
import { csvCell } from "./export-inventory";

const COLUMNS = [
  "id",
  "at",
  "actorType",
  "actorLabel",
  "action",
  "outcome",
  "objectType",
  "objectId",
  "objectLabel",
  "ip",
  "requestId",
  "detail",
] as const;

/** The audit log (or the current filter) as CSV or JSON; the export itself is logged too. */
export async function exportAudit(params: Record<string, string | undefined>): Promise<ExportedFile> {
  assertCan("audit", "export the audit log");
  const format = params.format ?? "csv";
  if (format !== "csv" && format !== "json") throw new AppError("INVALID_INPUT", 'format must be "csv" or "json".', "format");
  const query = parseAuditQuery(params);
  const rows: Record<(typeof COLUMNS)[number], string | number | null>[] = [];
  for (let cursor = 0; ;) {
    const batch = await getDb().auditEvent.findMany({
      where: { ...auditWhere(query), id: { gt: cursor } },
      orderBy: { id: "asc" },
      take: 1000,
    });
    if (batch.length === 0) break;
    for (const e of batch) rows.push({ ...e, at: e.at.toISOString() });
    cursor = batch.at(-1)!.id;
  }
  await audit({ action: "audit.export", detail: { format, rows: rows.length, filter: query } });
  const stamp = new Date().toISOString().slice(0, 10);
  if (format === "json") {
    return {
      filename: `cadesk-audit-${stamp}.json`,
      contentType: "application/json",
      body: JSON.stringify(
        rows.map((r) => ({ ...r, detail: r.detail ? JSON.parse(String(r.detail)) : null })),
        null,
        2,
      ),
    };
  }
  const lines = [COLUMNS.join(","), ...rows.map((r) => COLUMNS.map((c) => csvCell(String(r[c] ?? ""))).join(","))];
  return { filename: `cadesk-audit-${stamp}.csv`, contentType: "text/csv; charset=utf-8", body: lines.join("\r\n") + "\r\n" };
}
