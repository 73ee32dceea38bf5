-- DropIndex
DROP INDEX "Certificate_authorityId_status_serialHex_idx";

-- CreateIndex
CREATE INDEX "Certificate_revoked_page_idx" ON "Certificate"("authorityId", "status", "serialHex", "revokedAt", "revocationReason");

