-- CreateTable
CREATE TABLE "OcspResponder" (
    "authorityId" TEXT NOT NULL PRIMARY KEY,
    "serialHex" TEXT NOT NULL,
    "notAfter" DATETIME NOT NULL,
    "certificatePem" TEXT NOT NULL,
    "encryptedKey" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "OcspResponder_authorityId_fkey" FOREIGN KEY ("authorityId") REFERENCES "Authority" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

