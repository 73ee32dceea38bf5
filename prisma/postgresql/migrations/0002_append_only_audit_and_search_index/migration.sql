-- The audit log is append-only on PostgreSQL too (SQLite: triggers in 0007_users_audit).
CREATE FUNCTION cadesk_audit_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'the audit log is append-only';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER "AuditEvent_no_update" BEFORE UPDATE ON "AuditEvent" FOR EACH ROW EXECUTE FUNCTION cadesk_audit_append_only();
CREATE TRIGGER "AuditEvent_no_delete" BEFORE DELETE ON "AuditEvent" FOR EACH ROW EXECUTE FUNCTION cadesk_audit_append_only();

-- Substring search over CN, SANs and serial (`searchText LIKE '%...%'`) uses a trigram index
-- instead of scanning every row. pg_trgm is a trusted extension: the database owner may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX "Certificate_searchText_trgm" ON "Certificate" USING gin ("searchText" gin_trgm_ops);
