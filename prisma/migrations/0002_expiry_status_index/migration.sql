-- DropIndex
DROP INDEX "Certificate_notAfter_idx";

-- CreateIndex
CREATE INDEX "Certificate_notAfter_status_idx" ON "Certificate"("notAfter", "status");

-- CreateIndex
CREATE INDEX "Certificate_status_idx" ON "Certificate"("status");

