-- CreateTable
CREATE TABLE "Crl" (
    "authorityId" TEXT NOT NULL PRIMARY KEY,
    "number" INTEGER NOT NULL,
    "thisUpdate" DATETIME NOT NULL,
    "nextUpdate" DATETIME NOT NULL,
    "pem" TEXT NOT NULL,
    CONSTRAINT "Crl_authorityId_fkey" FOREIGN KEY ("authorityId") REFERENCES "Authority" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

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
INSERT INTO "new_Certificate" ("authorityId", "certificatePem", "commonName", "createdAt", "encryptedKey", "fingerprintSha256", "id", "keyType", "notAfter", "notBefore", "profile", "revocationReason", "revokedAt", "sans", "searchText", "serialHex", "source", "status", "subjectDn") SELECT "authorityId", "certificatePem", "commonName", "createdAt", "encryptedKey", "fingerprintSha256", "id", "keyType", "notAfter", "notBefore", "profile", "revocationReason", "revokedAt", "sans", "searchText", "serialHex", "source", "status", "subjectDn" FROM "Certificate";
DROP TABLE "Certificate";
ALTER TABLE "new_Certificate" RENAME TO "Certificate";
CREATE INDEX "Certificate_notAfter_status_idx" ON "Certificate"("notAfter", "status");
CREATE INDEX "Certificate_status_idx" ON "Certificate"("status");
CREATE INDEX "Certificate_authorityId_notAfter_idx" ON "Certificate"("authorityId", "notAfter");
CREATE INDEX "Certificate_createdAt_idx" ON "Certificate"("createdAt");
CREATE UNIQUE INDEX "Certificate_authorityId_serialHex_key" ON "Certificate"("authorityId", "serialHex");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

