-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Authority" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "commonName" TEXT NOT NULL,
    "subjectDn" TEXT NOT NULL,
    "parentId" TEXT,
    "keyType" TEXT NOT NULL,
    "pathLength" INTEGER,
    "serialHex" TEXT NOT NULL,
    "notBefore" DATETIME NOT NULL,
    "notAfter" DATETIME NOT NULL,
    "certificatePem" TEXT NOT NULL,
    "encryptedKey" TEXT NOT NULL,
    "fingerprintSha256" TEXT NOT NULL,
    "imported" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "status" TEXT NOT NULL DEFAULT 'active',
    "revokedAt" DATETIME,
    "revocationReason" TEXT,
    CONSTRAINT "Authority_parentId_fkey" FOREIGN KEY ("parentId") REFERENCES "Authority" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
INSERT INTO "new_Authority" ("certificatePem", "commonName", "createdAt", "encryptedKey", "fingerprintSha256", "id", "imported", "keyType", "notAfter", "notBefore", "parentId", "pathLength", "serialHex", "subjectDn") SELECT "certificatePem", "commonName", "createdAt", "encryptedKey", "fingerprintSha256", "id", "imported", "keyType", "notAfter", "notBefore", "parentId", "pathLength", "serialHex", "subjectDn" FROM "Authority";
DROP TABLE "Authority";
ALTER TABLE "new_Authority" RENAME TO "Authority";
CREATE UNIQUE INDEX "Authority_subjectDn_key" ON "Authority"("subjectDn");
CREATE UNIQUE INDEX "Authority_fingerprintSha256_key" ON "Authority"("fingerprintSha256");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

