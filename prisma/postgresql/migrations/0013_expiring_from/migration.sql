-- Certificate.expiringFrom: when a certificate starts to count as expiring, so the inventory's
-- status filter and the overview's counts can use an index instead of per-row arithmetic.
-- Added nullable, filled by the rule of lib/data/status.ts (notAfter minus the longest of 30, 7
-- and 1 days shorter than the lifetime less an hour of backdating slack), then made NOT NULL.

-- AlterTable
ALTER TABLE "Certificate" ADD COLUMN     "expiringFrom" TIMESTAMP(3);

UPDATE "Certificate" SET "expiringFrom" = "notAfter" - CASE
    WHEN "notAfter" - "notBefore" - INTERVAL '1 hour' > INTERVAL '30 days' THEN INTERVAL '30 days'
    WHEN "notAfter" - "notBefore" - INTERVAL '1 hour' > INTERVAL '7 days' THEN INTERVAL '7 days'
    WHEN "notAfter" - "notBefore" - INTERVAL '1 hour' > INTERVAL '1 day' THEN INTERVAL '1 day'
    ELSE INTERVAL '0' END;

ALTER TABLE "Certificate" ALTER COLUMN "expiringFrom" SET NOT NULL;

-- CreateIndex
CREATE INDEX "Certificate_expiringFrom_status_idx" ON "Certificate"("expiringFrom", "status");
