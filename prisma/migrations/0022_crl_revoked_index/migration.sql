-- CreateIndex
CREATE INDEX "Certificate_authorityId_status_serialHex_idx" ON "Certificate"("authorityId", "status", "serialHex");

