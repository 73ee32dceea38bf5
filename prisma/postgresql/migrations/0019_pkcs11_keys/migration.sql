-- AlterTable
ALTER TABLE "Authority" ADD COLUMN     "keyStorage" TEXT NOT NULL DEFAULT 'sealed',
ADD COLUMN     "pkcs11KeyId" TEXT,
ADD COLUMN     "pkcs11KeyLabel" TEXT,
ADD COLUMN     "pkcs11Token" TEXT;

