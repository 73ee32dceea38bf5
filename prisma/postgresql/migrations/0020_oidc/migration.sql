-- AlterTable
ALTER TABLE "User" ADD COLUMN     "lastSignInAt" TIMESTAMP(3),
ADD COLUMN     "name" TEXT,
ADD COLUMN     "oidcIssuer" TEXT,
ADD COLUMN     "oidcSubject" TEXT;

-- CreateTable
CREATE TABLE "OidcSettings" (
    "id" INTEGER NOT NULL,
    "issuer" TEXT,
    "clientId" TEXT,
    "encryptedSecret" TEXT,
    "displayName" TEXT,
    "scopes" TEXT,
    "roleClaim" TEXT,
    "roleMap" TEXT,
    "localLogin" BOOLEAN NOT NULL DEFAULT true,
    "breakGlassEmail" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "OidcSettings_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "User_oidcIssuer_oidcSubject_key" ON "User"("oidcIssuer", "oidcSubject");

