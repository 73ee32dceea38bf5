-- "Which certificates cover host X?" as an exact look-up (lib/data/host-search.ts): one row per
-- DNS and IP SAN value of each certificate, so the host filter asks for X and for the wildcard
-- over its parent (RFC 6125 6.4.3: `*` stands for the leftmost label only) by equality instead of
-- a substring match on "searchText": pg_trgm drops the `*`, so "*.internal.example" had no rare
-- trigram to look up and the planner walked the whole table (5-7 s at 1M rows).
--
-- Derived data, kept in step by the triggers below, so every writer (Prisma or raw multi-row
-- INSERTs) keeps it without knowing about it; migrate-store does not copy it (these triggers fill
-- it as the certificates arrive). DNS values as sanCoversHost() compares them: lowercase, no
-- trailing dot; IP values as stored (lib/pki/names writes them canonical); other SAN types never
-- cover a host. The same rows as SQLite's migration 0029.
CREATE TABLE "CertificateName" (
    "name" TEXT NOT NULL,
    "certificateId" TEXT NOT NULL,
    PRIMARY KEY ("name", "certificateId")
);

-- The names of a "sans" value: cadesk's JSON array of {type, value}; other JSON has none, and text
-- that is not JSON at all is refused (PostgreSQL 15 has no cast that cannot fail; SQLite's
-- migration skips it instead). No index on "certificateId" (one more b-tree write per issuance):
-- the update and delete trigger finds a certificate's rows by its own names, through the primary key.
CREATE FUNCTION cadesk_certificate_names(sans text) RETURNS SETOF text AS $$
  SELECT DISTINCT CASE WHEN e->>'type' = 'dns' THEN rtrim(lower(e->>'value'), '.') ELSE e->>'value' END
  FROM jsonb_array_elements(CASE WHEN jsonb_typeof(sans::jsonb) = 'array' THEN sans::jsonb ELSE '[]'::jsonb END) AS e
  WHERE jsonb_typeof(e) = 'object' AND e->>'type' IN ('dns', 'ip') AND e->>'value' IS NOT NULL
$$ LANGUAGE sql IMMUTABLE;

INSERT INTO "CertificateName" ("name", "certificateId")
  SELECT n, c."id" FROM "Certificate" c, cadesk_certificate_names(c."sans") AS n;

-- Once per INSERT statement, over all its rows (a group commit's multi-row INSERT is one call).
CREATE FUNCTION cadesk_certificate_names_insert() RETURNS trigger AS $$
BEGIN
  INSERT INTO "CertificateName" ("name", "certificateId")
    SELECT n, r."id" FROM inserted r, cadesk_certificate_names(r."sans") AS n;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER "Certificate_names_insert" AFTER INSERT ON "Certificate"
  REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION cadesk_certificate_names_insert();

-- SANs never change after issuance; a change of id or sans (a repair by hand), or a delete, is followed anyway.
CREATE FUNCTION cadesk_certificate_names_change() RETURNS trigger AS $$
BEGIN
  DELETE FROM "CertificateName" WHERE "certificateId" = OLD."id" AND "name" IN (SELECT cadesk_certificate_names(OLD."sans"));
  IF TG_OP = 'UPDATE' THEN
    INSERT INTO "CertificateName" ("name", "certificateId") SELECT n, NEW."id" FROM cadesk_certificate_names(NEW."sans") AS n;
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER "Certificate_names_update" AFTER UPDATE OF "id", "sans" ON "Certificate"
  FOR EACH ROW EXECUTE FUNCTION cadesk_certificate_names_change();
CREATE TRIGGER "Certificate_names_delete" AFTER DELETE ON "Certificate"
  FOR EACH ROW EXECUTE FUNCTION cadesk_certificate_names_change();
