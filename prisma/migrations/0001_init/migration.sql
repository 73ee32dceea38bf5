-- CreateTable
CREATE TABLE "Authority" (
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
    CONSTRAINT "Authority_parentId_fkey" FOREIGN KEY ("parentId") REFERENCES "Authority" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Certificate" (
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
    CONSTRAINT "Certificate_authorityId_fkey" FOREIGN KEY ("authorityId") REFERENCES "Authority" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "Authority_subjectDn_key" ON "Authority"("subjectDn");

-- CreateIndex
CREATE UNIQUE INDEX "Authority_fingerprintSha256_key" ON "Authority"("fingerprintSha256");

-- CreateIndex
CREATE INDEX "Certificate_notAfter_idx" ON "Certificate"("notAfter");

-- CreateIndex
CREATE INDEX "Certificate_authorityId_notAfter_idx" ON "Certificate"("authorityId", "notAfter");

-- CreateIndex
CREATE INDEX "Certificate_createdAt_idx" ON "Certificate"("createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Certificate_authorityId_serialHex_key" ON "Certificate"("authorityId", "serialHex");

