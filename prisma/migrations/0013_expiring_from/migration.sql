-- Certificate.expiringFrom: when a certificate starts to count as expiring, so the inventory's
-- status filter and the overview's counts can use an index instead of per-row arithmetic.
-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Certificate" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "authorityId" TEXT NOT NULL,
    "serialHex" TEXT NOT NULL,
    "commonName" TEXT NOT NULL,
    "sans" TEXT NOT NULL,
    "searchText" TEXT NOT NULL,
    "profile" TEXT NOT NULL,
    "keyType" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "subjectDn" TEXT NOT NULL,
    "notBefore" DATETIME NOT NULL,
    "notAfter" DATETIME NOT NULL,
    "expiringFrom" DATETIME NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'active',
    "revokedAt" DATETIME,
    "revocationReason" TEXT,
    "certificatePem" TEXT NOT NULL,
    "encryptedKey" TEXT,
    "fingerprintSha256" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "renewedFromId" TEXT,
    CONSTRAINT "Certificate_authorityId_fkey" FOREIGN KEY ("authorityId") REFERENCES "Authority" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "Certificate_renewedFromId_fkey" FOREIGN KEY ("renewedFromId") REFERENCES "Certificate" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_Certificate" ("authorityId", "certificatePem", "commonName", "createdAt", "encryptedKey", "fingerprintSha256", "id", "keyType", "notAfter", "notBefore", "profile", "renewedFromId", "revocationReason", "revokedAt", "sans", "searchText", "serialHex", "source", "status", "subjectDn", "expiringFrom") SELECT "authorityId", "certificatePem", "commonName", "createdAt", "encryptedKey", "fingerprintSha256", "id", "keyType", "notAfter", "notBefore", "profile", "renewedFromId", "revocationReason", "revokedAt", "sans", "searchText", "serialHex", "source", "status", "subjectDn",
    -- The rule of lib/data/status.ts: notAfter minus the longest of 30, 7 and 1 days shorter than
    -- the lifetime less an hour of backdating slack, in the ISO form Prisma writes.
    strftime('%Y-%m-%dT%H:%M:%f+00:00', "notAfter", CASE
        WHEN julianday("notAfter") - julianday("notBefore") - 1.0 / 24 > 30 THEN '-30 days'
        WHEN julianday("notAfter") - julianday("notBefore") - 1.0 / 24 > 7 THEN '-7 days'
        WHEN julianday("notAfter") - julianday("notBefore") - 1.0 / 24 > 1 THEN '-1 days'
        ELSE '+0 days' END)
    FROM "Certificate";
DROP TABLE "Certificate";
ALTER TABLE "new_Certificate" RENAME TO "Certificate";
CREATE INDEX "Certificate_notAfter_status_idx" ON "Certificate"("notAfter", "status");
CREATE INDEX "Certificate_expiringFrom_status_idx" ON "Certificate"("expiringFrom", "status");
CREATE INDEX "Certificate_status_idx" ON "Certificate"("status");
CREATE INDEX "Certificate_authorityId_notAfter_idx" ON "Certificate"("authorityId", "notAfter");
CREATE INDEX "Certificate_createdAt_idx" ON "Certificate"("createdAt");
CREATE UNIQUE INDEX "Certificate_authorityId_serialHex_key" ON "Certificate"("authorityId", "serialHex");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

