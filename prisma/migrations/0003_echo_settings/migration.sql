-- CreateTable
CREATE TABLE "EchoSettings" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "certificateId" TEXT,
    "clientCaIds" TEXT NOT NULL DEFAULT '[]',
    "clientAuth" TEXT NOT NULL DEFAULT 'require',
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "EchoSettings_certificateId_fkey" FOREIGN KEY ("certificateId") REFERENCES "Certificate" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

