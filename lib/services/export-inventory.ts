import { assertCan } from "../auth/actor";
import { getDb } from "../db";
import { certificateStatus } from "../data/status";
import { formatSans } from "../pki/names-format";
import type { TCertificateQuery } from "../validations/certificate";
import { parseCertificateQuery, certificateWhere } from "../data/certificates";
import type { ExportedFile } from "./export-certificate";
import { AppError } from "../errors";
import { decodeSans } from "../data/columns";
import { hostWhere } from "../data/host-search";

const COLUMNS = [
  "id",
  "commonName",
  "sans",
  "issuer",
  "profile",
  "keyType",
  "source",
  "serialNumber",
  "notBefore",
  "notAfter",
  "status",
  "revokedAt",
  "revocationReason",
  "fingerprintSha256",
  "createdAt",
] as const;

export function csvCell(value: string): string {
  // Quote always; double inner quotes; neutralise spreadsheet formulas (=, +, -, @).
  const safe = /^[=+\-@]/.test(value) ? `'${value}` : value;
  return `"${safe.replace(/"/g, '""')}"`;
}

/** The whole inventory (or the current filter) as CSV or JSON, for audits. */
export async function exportInventory(params: Record<string, string | undefined>, now = new Date()): Promise<ExportedFile> {
  assertCan("view", "export the inventory");
  const format = params.format ?? "csv";
  if (format !== "csv" && format !== "json") throw new AppError("INVALID_INPUT", 'format must be "csv" or "json".', "format");
  const query: TCertificateQuery = parseCertificateQuery(params);
  const rows: Record<(typeof COLUMNS)[number], string>[] = [];
  const db = getDb();
  const base = await certificateWhere(query, now);
  const where = query.host ? { AND: [base, await hostWhere(query.host)] } : base;
  for (let skip = 0; ; skip += 1000) {
    const batch = await db.certificate.findMany({
      where,
      orderBy: { createdAt: "desc" },
      skip,
      take: 1000,
      select: {
        id: true,
        commonName: true,
        sans: true,
        profile: true,
        keyType: true,
        source: true,
        serialHex: true,
        notBefore: true,
        notAfter: true,
        status: true,
        revokedAt: true,
        revocationReason: true,
        fingerprintSha256: true,
        createdAt: true,
        authority: { select: { commonName: true } },
      },
    });
    for (const c of batch) {
      rows.push({
        id: c.id,
        commonName: c.commonName,
        sans: formatSans(decodeSans(c.sans)),
        issuer: c.authority.commonName,
        profile: c.profile,
        keyType: c.keyType,
        source: c.source,
        serialNumber: c.serialHex,
        notBefore: c.notBefore.toISOString(),
        notAfter: c.notAfter.toISOString(),
        status: certificateStatus(c, now),
        revokedAt: c.revokedAt?.toISOString() ?? "",
        revocationReason: c.revocationReason ?? "",
        fingerprintSha256: c.fingerprintSha256,
        createdAt: c.createdAt.toISOString(),
      });
    }
    if (batch.length < 1000) break;
  }
  const stamp = now.toISOString().slice(0, 10);
  if (format === "json")
    return { filename: `cadesk-inventory-${stamp}.json`, contentType: "application/json", body: JSON.stringify(rows, null, 2) + "\n" };
  const csv = [COLUMNS.join(","), ...rows.map((r) => COLUMNS.map((k) => csvCell(r[k])).join(","))].join("\r\n") + "\r\n";
  return { filename: `cadesk-inventory-${stamp}.csv`, contentType: "text/csv; charset=utf-8", body: csv };
}
