-- "Which certificates cover host X?" as an exact look-up (lib/data/host-search.ts): one row per
-- DNS and IP SAN value of each certificate, so the host filter asks for X and for the wildcard
-- over its parent (RFC 6125 6.4.3: `*` stands for the leftmost label only) by equality instead of
-- a substring match on "searchText" (PostgreSQL's pg_trgm drops the `*`, so "*.internal.example"
-- had no rare trigram to look up and the planner walked the whole table: 5-7 s at 1M rows).
--
-- Derived data, kept in step by the triggers below, so every writer (Prisma or raw multi-row
-- INSERTs) keeps it without knowing about it; migrate-store does not copy it (the target's own
-- triggers fill it). DNS values as sanCoversHost() compares them: lowercase, no trailing dot; IP
-- values as stored (lib/pki/names writes them canonical); other SAN types never cover a host.
-- "sans" is cadesk's JSON array of {type, value}; anything else adds no rows rather than failing the write.
-- No index on "certificateId" (one more b-tree write per issuance): the update and delete
-- triggers find a certificate's rows by its own names, through the primary key.
-- A later migration that redefines "Certificate" (Prisma's CREATE new_ / INSERT / DROP / RENAME)
-- drops these triggers: it must end with this file's CREATE TRIGGER statements again
-- (lib/stores/certificate-names.test.ts fails until it does).
CREATE TABLE "CertificateName" (
    "name" TEXT NOT NULL,
    "certificateId" TEXT NOT NULL,
    PRIMARY KEY ("name", "certificateId")
) WITHOUT ROWID;

INSERT INTO "CertificateName" ("name", "certificateId")
    SELECT DISTINCT CASE WHEN json_extract(c."sans", s.fullkey || '.type') = 'dns' THEN rtrim(lower(json_extract(c."sans", s.fullkey || '.value')), '.') ELSE json_extract(c."sans", s.fullkey || '.value') END, c."id"
    FROM "Certificate" c, json_each(CASE WHEN json_valid(c."sans") THEN c."sans" ELSE '[]' END) s
    WHERE json_extract(c."sans", s.fullkey || '.type') IN ('dns', 'ip') AND json_extract(c."sans", s.fullkey || '.value') IS NOT NULL;

CREATE TRIGGER "Certificate_names_insert" AFTER INSERT ON "Certificate" BEGIN
  INSERT INTO "CertificateName" ("name", "certificateId")
    SELECT DISTINCT CASE WHEN json_extract(new."sans", s.fullkey || '.type') = 'dns' THEN rtrim(lower(json_extract(new."sans", s.fullkey || '.value')), '.') ELSE json_extract(new."sans", s.fullkey || '.value') END, new."id"
    FROM json_each(CASE WHEN json_valid(new."sans") THEN new."sans" ELSE '[]' END) s
    WHERE json_extract(new."sans", s.fullkey || '.type') IN ('dns', 'ip') AND json_extract(new."sans", s.fullkey || '.value') IS NOT NULL;
END;

-- SANs never change after issuance; a change of id or sans (a repair by hand) is followed anyway.
CREATE TRIGGER "Certificate_names_update" AFTER UPDATE OF "id", "sans" ON "Certificate" BEGIN
  DELETE FROM "CertificateName" WHERE "certificateId" = old."id" AND "name" IN (
    SELECT CASE WHEN json_extract(old."sans", s.fullkey || '.type') = 'dns' THEN rtrim(lower(json_extract(old."sans", s.fullkey || '.value')), '.') ELSE json_extract(old."sans", s.fullkey || '.value') END
    FROM json_each(CASE WHEN json_valid(old."sans") THEN old."sans" ELSE '[]' END) s
    WHERE json_extract(old."sans", s.fullkey || '.type') IN ('dns', 'ip') AND json_extract(old."sans", s.fullkey || '.value') IS NOT NULL);
  INSERT INTO "CertificateName" ("name", "certificateId")
    SELECT DISTINCT CASE WHEN json_extract(new."sans", s.fullkey || '.type') = 'dns' THEN rtrim(lower(json_extract(new."sans", s.fullkey || '.value')), '.') ELSE json_extract(new."sans", s.fullkey || '.value') END, new."id"
    FROM json_each(CASE WHEN json_valid(new."sans") THEN new."sans" ELSE '[]' END) s
    WHERE json_extract(new."sans", s.fullkey || '.type') IN ('dns', 'ip') AND json_extract(new."sans", s.fullkey || '.value') IS NOT NULL;
END;

CREATE TRIGGER "Certificate_names_delete" AFTER DELETE ON "Certificate" BEGIN
  DELETE FROM "CertificateName" WHERE "certificateId" = old."id" AND "name" IN (
    SELECT CASE WHEN json_extract(old."sans", s.fullkey || '.type') = 'dns' THEN rtrim(lower(json_extract(old."sans", s.fullkey || '.value')), '.') ELSE json_extract(old."sans", s.fullkey || '.value') END
    FROM json_each(CASE WHEN json_valid(old."sans") THEN old."sans" ELSE '[]' END) s
    WHERE json_extract(old."sans", s.fullkey || '.type') IN ('dns', 'ip') AND json_extract(old."sans", s.fullkey || '.value') IS NOT NULL);
END;
