-- Indexed substring search for the inventory (CN, SANs and serial, the lowercase "searchText"):
-- an FTS5 table with the trigram tokenizer finds the rows holding a fragment of 3 or more
-- characters without reading every certificate (https://sqlite.org/fts5.html#the_trigram_tokenizer).
-- PostgreSQL has the same through pg_trgm (its migration 0002).
--
-- Derived data, kept in step by the triggers below; migrate-store does not copy it (PostgreSQL has its own index). Its rowid
-- is the certificate's rowid, so a change finds its row at once. A later migration that redefines
-- "Certificate" (Prisma's CREATE new_ / INSERT / DROP / RENAME) drops these triggers and renumbers
-- rowids: it must end with this file's statements again (lib/stores/search.test.ts fails until it does).
CREATE VIRTUAL TABLE "CertificateSearch" USING fts5("certificateId" UNINDEXED, "searchText", tokenize = 'trigram case_sensitive 0');

INSERT INTO "CertificateSearch" ("rowid", "certificateId", "searchText") SELECT "rowid", "id", "searchText" FROM "Certificate";

CREATE TRIGGER "Certificate_search_insert" AFTER INSERT ON "Certificate" BEGIN
  INSERT INTO "CertificateSearch" ("rowid", "certificateId", "searchText") VALUES (new."rowid", new."id", new."searchText");
END;

CREATE TRIGGER "Certificate_search_update" AFTER UPDATE OF "id", "searchText" ON "Certificate" BEGIN
  DELETE FROM "CertificateSearch" WHERE "rowid" = old."rowid";
  INSERT INTO "CertificateSearch" ("rowid", "certificateId", "searchText") VALUES (new."rowid", new."id", new."searchText");
END;

CREATE TRIGGER "Certificate_search_delete" AFTER DELETE ON "Certificate" BEGIN
  DELETE FROM "CertificateSearch" WHERE "rowid" = old."rowid";
END;
