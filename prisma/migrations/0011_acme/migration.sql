-- CreateTable
CREATE TABLE "AcmeEndpoint" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "authorityId" TEXT NOT NULL,
    "profiles" TEXT NOT NULL,
    "defaultProfile" TEXT NOT NULL,
    "validityDays" INTEGER NOT NULL,
    "maxValidityDays" INTEGER NOT NULL,
    "challenges" TEXT NOT NULL,
    "requireEab" BOOLEAN NOT NULL DEFAULT false,
    "allowedIdentifiers" TEXT NOT NULL DEFAULT '[]',
    "termsOfServiceUrl" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "AcmeEndpoint_authorityId_fkey" FOREIGN KEY ("authorityId") REFERENCES "Authority" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "AcmeEabKey" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "endpointId" TEXT NOT NULL,
    "keyId" TEXT NOT NULL,
    "label" TEXT,
    "encryptedKey" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "boundAt" DATETIME,
    "revokedAt" DATETIME,
    CONSTRAINT "AcmeEabKey_endpointId_fkey" FOREIGN KEY ("endpointId") REFERENCES "AcmeEndpoint" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "AcmeAccount" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "endpointId" TEXT NOT NULL,
    "jwk" TEXT NOT NULL,
    "thumbprint" TEXT NOT NULL,
    "contacts" TEXT NOT NULL DEFAULT '[]',
    "status" TEXT NOT NULL DEFAULT 'valid',
    "termsAgreedAt" DATETIME,
    "eabKeyId" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "deactivatedAt" DATETIME,
    CONSTRAINT "AcmeAccount_endpointId_fkey" FOREIGN KEY ("endpointId") REFERENCES "AcmeEndpoint" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "AcmeAccount_eabKeyId_fkey" FOREIGN KEY ("eabKeyId") REFERENCES "AcmeEabKey" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "AcmeOrder" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "endpointId" TEXT NOT NULL,
    "accountId" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "identifiers" TEXT NOT NULL,
    "profile" TEXT NOT NULL,
    "notBefore" DATETIME,
    "notAfter" DATETIME,
    "expires" DATETIME NOT NULL,
    "error" TEXT,
    "certificateId" TEXT,
    "replaces" TEXT,
    "replacesCertificateId" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "AcmeOrder_endpointId_fkey" FOREIGN KEY ("endpointId") REFERENCES "AcmeEndpoint" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "AcmeOrder_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "AcmeAccount" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "AcmeOrder_certificateId_fkey" FOREIGN KEY ("certificateId") REFERENCES "Certificate" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "AcmeOrder_replacesCertificateId_fkey" FOREIGN KEY ("replacesCertificateId") REFERENCES "Certificate" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "AcmeAuthorization" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "orderId" TEXT NOT NULL,
    "identifierType" TEXT NOT NULL,
    "identifierValue" TEXT NOT NULL,
    "wildcard" BOOLEAN NOT NULL DEFAULT false,
    "status" TEXT NOT NULL,
    "expires" DATETIME NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "AcmeAuthorization_orderId_fkey" FOREIGN KEY ("orderId") REFERENCES "AcmeOrder" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "AcmeChallenge" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "authorizationId" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "token" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "validated" DATETIME,
    "error" TEXT,
    "transcript" TEXT NOT NULL DEFAULT '[]',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "AcmeChallenge_authorizationId_fkey" FOREIGN KEY ("authorizationId") REFERENCES "AcmeAuthorization" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "AcmeNonce" (
    "value" TEXT NOT NULL PRIMARY KEY,
    "expiresAt" DATETIME NOT NULL
);

-- CreateIndex
CREATE UNIQUE INDEX "AcmeEndpoint_name_key" ON "AcmeEndpoint"("name");

-- CreateIndex
CREATE INDEX "AcmeEndpoint_authorityId_idx" ON "AcmeEndpoint"("authorityId");

-- CreateIndex
CREATE UNIQUE INDEX "AcmeEabKey_keyId_key" ON "AcmeEabKey"("keyId");

-- CreateIndex
CREATE INDEX "AcmeEabKey_endpointId_createdAt_idx" ON "AcmeEabKey"("endpointId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "AcmeAccount_eabKeyId_key" ON "AcmeAccount"("eabKeyId");

-- CreateIndex
CREATE INDEX "AcmeAccount_endpointId_createdAt_idx" ON "AcmeAccount"("endpointId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "AcmeAccount_endpointId_thumbprint_key" ON "AcmeAccount"("endpointId", "thumbprint");

-- CreateIndex
CREATE UNIQUE INDEX "AcmeOrder_certificateId_key" ON "AcmeOrder"("certificateId");

-- CreateIndex
CREATE INDEX "AcmeOrder_accountId_createdAt_idx" ON "AcmeOrder"("accountId", "createdAt");

-- CreateIndex
CREATE INDEX "AcmeOrder_endpointId_createdAt_idx" ON "AcmeOrder"("endpointId", "createdAt");

-- CreateIndex
CREATE INDEX "AcmeOrder_status_updatedAt_idx" ON "AcmeOrder"("status", "updatedAt");

-- CreateIndex
CREATE INDEX "AcmeOrder_replacesCertificateId_idx" ON "AcmeOrder"("replacesCertificateId");

-- CreateIndex
CREATE INDEX "AcmeAuthorization_orderId_idx" ON "AcmeAuthorization"("orderId");

-- CreateIndex
CREATE INDEX "AcmeChallenge_authorizationId_idx" ON "AcmeChallenge"("authorizationId");

-- CreateIndex
CREATE INDEX "AcmeChallenge_status_nextAttemptAt_idx" ON "AcmeChallenge"("status", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "AcmeNonce_expiresAt_idx" ON "AcmeNonce"("expiresAt");

