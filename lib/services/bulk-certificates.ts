/**
 * The inventory's bulk actions on a selection of certificates: renew, revoke, export. Each one
 * calls the one-by-one service per certificate (renewCertificate, revokeCertificate,
 * exportCertificate), so the permission checks, the re-authentication rule, the issuance
 * pipeline and the audit rows are exactly those of the certificate page, and one failure is
 * reported beside its certificate instead of stopping the rest.
 */
import { assertActing } from "../auth/actor";
import { certificatesByIds } from "../data/certificates";
import { AppError } from "../errors";
import { buildZip } from "../export/zip";
import { returnsKeyToCaller } from "../issuance/key-delivery";
import { parseInput } from "../validations/parse";
import { ZBulkExportInput, ZBulkRenewInput, ZBulkRevokeInput, type TBulkExportInput } from "../validations/bulk";
import { exportCertificate, fileBaseName, type ExportedFile } from "./export-certificate";
import { renewCertificate } from "./renew-certificate";
import { revokeCertificate } from "./revoke-certificate";

export interface BulkResult {
  id: string;
  /** The certificate's Common Name (or serial), to say which one a line is about. */
  name: string;
  ok: boolean;
  /** What went wrong, as the one-by-one action would have said it. */
  message?: string;
  /** Renew: the new certificate. */
  newId?: string;
}

/**
 * Runs `act` for every id in order. A refusal that applies to the whole selection (the password
 * was entered too long ago) before anything changed is thrown as is, so the page
 * asks for the password in place and repeats the whole request; other failures are per row.
 */
async function eachCertificate(ids: string[], act: (id: string) => Promise<Omit<BulkResult, "id" | "name">>): Promise<BulkResult[]> {
  const rows = new Map((await certificatesByIds(ids)).map((c) => [c.id, c]));
  const results: BulkResult[] = [];
  for (const id of ids) {
    const row = rows.get(id);
    const name = row ? row.commonName || row.serialHex : id.slice(0, 100);
    try {
      results.push({ id, name, ...(await act(id)) });
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      const nothingChanged = !results.some((r) => r.ok);
      if (nothingChanged && error.code === "REAUTH_REQUIRED") throw error;
      results.push({ id, name, ok: false, message: error.message });
    }
  }
  return results;
}

/** Renews each selected certificate as the certificate page's Renew does (same names, profile, lifetime). */
export async function renewCertificates(raw: unknown, now = new Date()): Promise<BulkResult[]> {
  const { role } = assertActing("renew certificates");
  const { ids, revokeOld } = parseInput(ZBulkRenewInput, raw);
  const rows = new Map((await certificatesByIds(ids)).map((c) => [c.id, c]));
  return eachCertificate(ids, async (id) => {
    const row = rows.get(id);
    // When a person renewing gets the new key in the response (lib/issuance/key-delivery.ts: cadesk
    // does not keep it, or their role may not download stored keys), only the certificate page can
    // show it, once; renewing it here would make a certificate whose key nobody has.
    if (row && row.source === "generated" && returnsKeyToCaller("form", row.encryptedKey !== null, role)) {
      return {
        ok: false,
        message:
          row.encryptedKey === null
            ? "Its key was not kept, so the new key can only be shown once: renew it on its own page."
            : "Your role may not download stored keys, so the new key is shown to you once: renew it on its own page.",
      };
    }
    const renewed = await renewCertificate(id, { revokeOld }, now, "form");
    return { ok: true, newId: renewed.certificate.id, message: "renewed" };
  });
}

/** Revokes each selected certificate with one reason; each CA's CRL is signed anew as for one. */
export async function revokeCertificates(raw: unknown, now = new Date()): Promise<BulkResult[]> {
  assertActing("revoke certificates");
  const { ids, reason } = parseInput(ZBulkRevokeInput, raw);
  return eachCertificate(ids, async (id) => {
    await revokeCertificate(id, { reason }, now);
    return { ok: true, message: "revoked" };
  });
}

/** A file name unique in the archive: certificates renewed from one another share a Common Name. */
function uniqueBase(commonName: string, serialHex: string, taken: Set<string>): string {
  let base = fileBaseName(commonName, serialHex);
  if (taken.has(base)) base = `${base}-${serialHex.slice(0, 8)}`;
  taken.add(base);
  return base;
}

/**
 * The selection's certificates (never keys) in one file: a PEM bundle (each certificate after a
 * comment line naming it, which PEM readers skip as explanatory text, RFC 7468 2) or a ZIP with
 * each certificate's .pem and .fullchain.pem. Through exportCertificate, as the page's downloads.
 */
export async function exportCertificates(raw: unknown, now = new Date()): Promise<ExportedFile> {
  assertActing("download certificates");
  const { ids, format }: TBulkExportInput = parseInput(ZBulkExportInput, raw);
  const rows = new Map((await certificatesByIds(ids)).map((c) => [c.id, c]));
  const taken = new Set<string>();
  const files: { base: string; pem: string; fullchain: string; label: string }[] = [];
  for (const id of ids) {
    const pem = String((await exportCertificate(id, "pem")).body);
    const fullchain = format === "zip" ? String((await exportCertificate(id, "fullchain")).body) : "";
    const row = rows.get(id)!;
    files.push({
      base: uniqueBase(row.commonName, row.serialHex, taken),
      pem,
      fullchain,
      label: `${row.commonName || "(no Common Name)"}, serial ${row.serialHex}, expires ${row.notAfter.toISOString().slice(0, 10)}`,
    });
  }
  const stamp = now.toISOString().slice(0, 10);
  if (format === "zip") {
    const entries = files.flatMap((f) => [
      { name: `${f.base}.pem`, data: f.pem },
      { name: `${f.base}.fullchain.pem`, data: f.fullchain },
    ]);
    return { filename: `cadesk-certificates-${stamp}.zip`, contentType: "application/zip", body: buildZip(entries, now) };
  }
  const bundle = files.map((f) => `# ${f.label.replace(/[\r\n]/g, " ")}\n${f.pem.trimEnd()}\n`).join("\n");
  return { filename: `cadesk-certificates-${stamp}.pem`, contentType: "application/x-pem-file", body: bundle };
}
