/**
 * What the throughput and workers specs read back from a server's SQLite file after a burst: the
 * certificates of one CA and their issuance audit events (WAL: readable beside the running server).
 */
import path from "node:path";
import Database from "better-sqlite3";

/** A certificate as `POST /api/v1/certificates` answers it (the fields the specs compare). */
export interface Issued {
  id: string;
  serialNumber: string;
  certificatePem: string;
}

/** The CA's stored certificates, and the ids of the certificates an issuance audit event names. */
export function storeRows(dataDir: string, caId: string) {
  const db = new Database(path.join(dataDir, "cadesk.db"), { readonly: true });
  try {
    const certificates = db.prepare("SELECT id, serialHex, certificatePem FROM Certificate WHERE authorityId = ?").all(caId) as {
      id: string;
      serialHex: string;
      certificatePem: string;
    }[];
    // Issuing with a generated key records certificate.issue, signing a CSR certificate.sign_csr.
    const audits = db
      .prepare(
        "SELECT objectId FROM AuditEvent WHERE action IN ('certificate.issue', 'certificate.sign_csr') AND objectType = 'certificate' AND objectId IN (SELECT id FROM Certificate WHERE authorityId = ?)",
      )
      .all(caId) as { objectId: string }[];
    return { certificates, audits: audits.map((a) => a.objectId) };
  } finally {
    db.close();
  }
}
