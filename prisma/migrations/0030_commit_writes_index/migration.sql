-- The issuance commit (lib/stores/sqlite-issuance.ts) writes the search index rows of its batch
-- itself, one statement per batch, instead of the insert triggers of 0021 (FTS5) and 0029
-- (CertificateName) firing once per certificate. FTS5 writes what a statement added as a new index
-- segment when the statement ends, so a trigger per certificate made a segment per certificate
-- that the automerge then rewrote: about half of a certificate's commit (bench/commit-rows.ts,
-- bench/README.md "Commit cost"). SQLite only: PostgreSQL's pg_trgm index is a column index and
-- its CertificateName trigger is already one call per statement.
--
-- How the commit turns the triggers off for its own rows and no one else's: inside its
-- transaction it inserts a row into "CertificateIndexWriter", inserts the certificates (the
-- triggers see the row and do nothing), writes their index rows from the stored rows with the
-- triggers' own expressions, and deletes the row again, all before COMMIT. The row is never
-- committed, and no other connection can write while the transaction holds the write lock, so
-- every other writer (Prisma, migrate-store, sqlite3 by hand) still has the triggers. The index
-- itself is unchanged: nothing to rebuild for the certificates already stored.
CREATE TABLE "CertificateIndexWriter" ("id" INTEGER NOT NULL PRIMARY KEY);

DROP TRIGGER "Certificate_search_insert";
CREATE TRIGGER "Certificate_search_insert" AFTER INSERT ON "Certificate" WHEN NOT EXISTS (SELECT 1 FROM "CertificateIndexWriter") BEGIN
  INSERT INTO "CertificateSearch" ("rowid", "certificateId", "searchText") VALUES (new."rowid", new."id", new."searchText");
END;

DROP TRIGGER "Certificate_names_insert";
CREATE TRIGGER "Certificate_names_insert" AFTER INSERT ON "Certificate" WHEN NOT EXISTS (SELECT 1 FROM "CertificateIndexWriter") BEGIN
  INSERT INTO "CertificateName" ("name", "certificateId")
    SELECT DISTINCT CASE WHEN json_extract(new."sans", s.fullkey || '.type') = 'dns' THEN rtrim(lower(json_extract(new."sans", s.fullkey || '.value')), '.') ELSE json_extract(new."sans", s.fullkey || '.value') END, new."id"
    FROM json_each(CASE WHEN json_valid(new."sans") THEN new."sans" ELSE '[]' END) s
    WHERE json_extract(new."sans", s.fullkey || '.type') IN ('dns', 'ip') AND json_extract(new."sans", s.fullkey || '.value') IS NOT NULL;
END;
