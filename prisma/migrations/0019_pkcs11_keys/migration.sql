-- CA keys in a PKCS#11 token (written as ADD COLUMN rather than Prisma's table rebuild, so the
-- columns other migrations add to "Authority" are kept whatever order they land in).
ALTER TABLE "Authority" ADD COLUMN "keyStorage" TEXT NOT NULL DEFAULT 'sealed';
ALTER TABLE "Authority" ADD COLUMN "pkcs11Token" TEXT;
ALTER TABLE "Authority" ADD COLUMN "pkcs11KeyId" TEXT;
ALTER TABLE "Authority" ADD COLUMN "pkcs11KeyLabel" TEXT;
