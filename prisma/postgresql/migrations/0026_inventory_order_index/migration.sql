-- The inventory's orders from an index each, the id as tie-break (lib/stores/search.ts): newest first
-- from (createdAt, id), expiry with a status filter from (notAfter, status, expiringFrom, id), so an
-- id-only page or a capped count is read from the index alone however deep the OFFSET. Old instances'
-- queries still use the same leading columns.
-- DropIndex
DROP INDEX "Certificate_notAfter_status_idx";

-- DropIndex
DROP INDEX "Certificate_createdAt_idx";

-- CreateIndex
CREATE INDEX "Certificate_notAfter_status_expiringFrom_id_idx" ON "Certificate"("notAfter", "status", "expiringFrom", "id");

-- CreateIndex
CREATE INDEX "Certificate_createdAt_id_idx" ON "Certificate"("createdAt", "id");

