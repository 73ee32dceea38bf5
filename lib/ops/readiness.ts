/**
 * Liveness and readiness for load balancers and orchestrators. `/healthz` says the process
 * answers; `/readyz` says it can do its job: the store answers, every migration in this build is
 * applied, the master key is loaded and each active CA's key can be opened. Answers carry no
 * secrets: names of checks, true/false, and a sentence for a person.
 */
import { readdirSync } from "node:fs";
import path from "node:path";
import { currentStore, getDb } from "../db";
import { loadMasterKey } from "../master-key";
import { parseCertificate } from "../pki/certificate";
import { readPemOrDer } from "../pki/pem";
import { probeCaKey } from "../signers/ca-keys";
import { authorityKeyContext, openKey } from "../signers/sealed-key";

export interface Check {
  /** `tokenKey:<CA id>` for each CA whose key is in a PKCS#11 token. */
  name: "database" | "migrations" | "masterKey" | "caKeys" | `tokenKey:${string}`;
  ok: boolean;
  detail: string;
}

export interface Readiness {
  ready: boolean;
  checks: Check[];
}

const started = Date.now();

export function liveness() {
  return { status: "ok" as const, uptimeSeconds: Math.round((Date.now() - started) / 1000) };
}

/** The migration folders this build ships, which the store must have applied. */
function shippedMigrations(): string[] {
  const folder = currentStore() === "postgresql" ? ["postgresql", "migrations"] : ["migrations"];
  const dir = path.resolve(/*turbopackIgnore: true*/ process.cwd(), "prisma", ...folder);
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}

async function check(name: Check["name"], run: () => Promise<string>): Promise<Check> {
  try {
    return { name, ok: true, detail: await run() };
  } catch (error) {
    return { name, ok: false, detail: (error as Error).message.split("\n")[0]!.slice(0, 300) };
  }
}

export async function readiness(): Promise<Readiness> {
  const db = getDb();
  const database = await check("database", async () => {
    await db.$queryRaw`SELECT 1`;
    return "The store answers.";
  });
  const checks: Check[] = [database];
  if (database.ok) {
    checks.push(
      await check("migrations", async () => {
        // Prisma's own bookkeeping table, the same on SQLite and PostgreSQL.
        const rows = await db.$queryRaw<{ name: string }[]>`
          SELECT migration_name AS name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`;
        const applied = new Set(rows.map((r) => r.name));
        const pending = shippedMigrations().filter((m) => !applied.has(m));
        if (pending.length)
          throw new Error(
            `${pending.length} migration(s) not applied (${pending.join(", ")}): run \`npm start\` or \`npx prisma migrate deploy\`.`,
          );
        return `${applied.size} migrations applied.`;
      }),
    );
  } else {
    checks.push({ name: "migrations", ok: false, detail: "Not checked: the store does not answer." });
  }
  checks.push(
    await check("masterKey", async () => {
      loadMasterKey();
      return "Loaded.";
    }),
  );
  if (database.ok) {
    checks.push(
      await check("caKeys", async () => {
        const authorities = await db.authority.findMany({
          where: { status: "active", keyStorage: "sealed" },
          select: { id: true, commonName: true, encryptedKey: true },
        });
        const broken = authorities.filter((a) => {
          try {
            openKey(a.encryptedKey, authorityKeyContext(a.id));
            return false;
          } catch {
            return true;
          }
        });
        if (broken.length)
          throw new Error(
            `The keys of ${broken.length} CA(s) cannot be opened (${broken.map((a) => a.commonName).join(", ")}): is this the master key they were sealed with?`,
          );
        return `${authorities.length} active CA key(s) open.`;
      }),
    );
    // One check per CA whose key is in the HSM, so a missing token, a locked or wrong PIN names
    // the CAs it stops (the others still sign).
    const tokenCas = await db.authority.findMany({ where: { status: "active", keyStorage: "pkcs11" }, orderBy: { commonName: "asc" } });
    for (const authority of tokenCas) {
      const spki = new Uint8Array(
        parseCertificate(readPemOrDer(authority.certificatePem, ["CERTIFICATE"], "certificate")).publicKey.rawData,
      );
      const probe = await probeCaKey(authority, spki);
      checks.push({ name: `tokenKey:${authority.id}`, ok: probe.ok, detail: `${authority.commonName}: ${probe.detail}` });
    }
  }
  return { ready: checks.every((c) => c.ok), checks };
}
