-- AlterTable
ALTER TABLE "Authority" ADD COLUMN "issuancePolicy" TEXT;

