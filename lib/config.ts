/**
 * Configuration from the environment: every variable cadesk reads is declared, documented and
 * validated here, and nowhere else reads `process.env` (the README's configuration table lists
 * the same variables). A bad value stops the start with a message naming the variable and what it
 * accepts, instead of being silently replaced by a default.
 *
 * Kept free of Next and Prisma imports: prisma.config.ts and the start-up code use it too.
 *
 * Adding a variable: one entry in `ENV` below, in its group, with a doc comment, built from the
 * helpers (`wholeNumber`, `port`, `flag`, `text`, `secret`, `httpUrl`, or `variable` for anything
 * else); read it as `readConfig().CADESK_SOMETHING`, and add its row to the README table.
 */
import path from "node:path";
import { z } from "zod";
import { parseTrustedProxies } from "../scripts/forwarded.mjs";
import { parseRoleMap } from "./auth/oidc/role-map";

export type Env = Record<string, string | undefined>;

// ---------------------------------------------------------------------------------------------
// Value helpers. Each takes the raw text (unset and blank both mean "not set") and either turns
// it into a value or refuses it with "expected ...", which the start-up message prints.

/**
 * A variable whose text `parse` turns into a value (undefined: refused with `expected`), or
 * `fallback` when it is not set.
 */
function variable<T>(expected: string, parse: (raw: string) => T | undefined): z.ZodType<T | undefined, string | undefined>;
function variable<T>(expected: string, parse: (raw: string) => T | undefined, fallback: T): z.ZodType<T, string | undefined>;
function variable<T>(expected: string, parse: (raw: string) => T | undefined, fallback?: T) {
  return z
    .string()
    .optional()
    .transform((raw, ctx): T | undefined => {
      if (raw === undefined || raw.trim() === "") return fallback;
      const value = parse(raw.trim());
      if (value === undefined) {
        ctx.addIssue({ code: "custom", message: `expected ${expected}` });
        return z.NEVER;
      }
      return value;
    });
}

/** A whole number of `unit` between `min` and `max` (no units, signs, decimals or exponents). */
function wholeNumber(unit: string, min: number, max: number, fallback: number) {
  return variable(
    `a whole number of ${unit} between ${min} and ${max}`,
    (raw) => {
      const n = /^\d{1,9}$/.test(raw) ? Number(raw) : NaN;
      return n >= min && n <= max ? n : undefined;
    },
    fallback,
  );
}

/** A TCP port; 0 (where allowed) lets the system pick a free one, as tests do. */
function port(fallback: number, { anyFree = false } = {}) {
  return variable(portExpected(anyFree), (raw) => portNumber(raw, anyFree), fallback);
}

/** A TCP port with no default (the code decides from other variables). */
function optionalPort({ anyFree = false } = {}) {
  return variable(portExpected(anyFree), (raw) => portNumber(raw, anyFree));
}

const portExpected = (anyFree: boolean) => `a TCP port number between ${anyFree ? 0 : 1} and 65535${anyFree ? " (0: any free port)" : ""}`;

function portNumber(raw: string, anyFree: boolean): number | undefined {
  const n = /^\d{1,5}$/.test(raw) ? Number(raw) : NaN;
  return n >= (anyFree ? 0 : 1) && n <= 65535 ? n : undefined;
}

/** On or off: `1` or `0`, so a typo such as `yes` or `true` is not silently read as off. */
function flag(meaning: string) {
  return variable(`1 (${meaning}) or 0 (off)`, (raw) => (raw === "1" ? true : raw === "0" ? false : undefined), false);
}

/** Free text (trimmed); undefined when unset. */
function text() {
  return variable("some text", (raw) => raw);
}

/** A secret: checked like any value, but never printed in the start-up message. */
function secret(expected: string, accept: (raw: string) => boolean) {
  return variable(expected, (raw) => (accept(raw) ? raw : undefined));
}

/** An absolute http(s) URL without query or fragment, trailing slashes removed. */
function httpUrl() {
  return variable("an http:// or https:// URL without query or fragment, such as https://ca.example.com", (raw) => {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      return undefined;
    }
    if (!/^https?:$/.test(url.protocol) || url.search || url.hash || url.username || url.password) return undefined;
    return url.toString().replace(/\/+$/, "");
  });
}

/**
 * An https:// URL (an OpenID issuer: OpenID Connect Discovery 1.0 section 2 requires https), kept
 * as written: the provider's metadata must name exactly this issuer, trailing slash included.
 */
function httpsUrl() {
  return variable("an https:// URL without query or fragment, such as https://login.example.com/realms/staff", (raw) => {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      return undefined;
    }
    return url.protocol === "https:" && !url.search && !url.hash && !url.username && !url.password ? raw : undefined;
  });
}

/** The 32-byte master key as 64 hex characters or base64; the key file in the data dir uses the same format. */
export function masterKeyBytes(text: string): Buffer | undefined {
  const t = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(t) ? Buffer.from(t, "hex") : /^[A-Za-z0-9+/]+={0,2}$/.test(t) ? Buffer.from(t, "base64") : null;
  return key?.length === 32 ? key : undefined;
}

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

// ---------------------------------------------------------------------------------------------
// Every variable, grouped. Keys are the variable names; the values are what the code reads.

const ENV = {
  // --- Storage -------------------------------------------------------------------------------

  /** Where the SQLite database, master key and API token live (created 0700); relative to the working directory. */
  CADESK_DATA_DIR: variable("a directory path", (raw) => raw, "./data"),
  /** The store: SQLite (`file:`, default `file:$CADESK_DATA_DIR/cadesk.db`) or PostgreSQL (`postgresql://`). */
  DATABASE_URL: variable(
    "a file: URL of a SQLite database (file:/var/lib/cadesk/cadesk.db) or a postgresql:// URL (postgresql://cadesk:secret@db.internal:5432/cadesk)",
    (raw) => (/^file:.+/.test(raw) || isPostgresUrl(raw) ? raw : undefined),
  ),
  /** Seals every stored private key (AES-256-GCM); default: generated into `$CADESK_DATA_DIR/master.key`. */
  CADESK_MASTER_KEY: secret("32 bytes as 64 hex characters (`openssl rand -hex 32`) or base64", (raw) => masterKeyBytes(raw) !== undefined),

  // --- HTTP and public endpoints --------------------------------------------------------------

  /** Port of the dashboard (Next's own variable; `npm start` passes it to `next start`). */
  PORT: port(3000),
  /** Base URL clients reach the CRL, OCSP and CA-certificate endpoints at; default from PORT and CADESK_TLS. */
  CADESK_PUBLIC_URL: httpUrl(),

  // --- HTTPS for the dashboard (CADESK_TLS=1) -------------------------------------------------

  /** Serve the dashboard over HTTPS with a certificate from cadesk's own CA. */
  CADESK_TLS: flag("serve the dashboard over HTTPS"),
  /** Names in the dashboard certificate, separated by commas or spaces; default localhost, this host, the public URL's host, 127.0.0.1, ::1. */
  CADESK_TLS_NAMES: variable("host names or IP addresses separated by commas or spaces", (raw) => [
    ...new Set(raw.split(/[,\s]+/).filter(Boolean)),
  ]),
  /** The CA that issues the dashboard certificate; default a "cadesk Dashboard CA" made for it. */
  CADESK_TLS_CA_ID: text(),
  /** Port the HTTPS front listens on (`npm start` sets it to PORT); default PORT. */
  CADESK_HTTPS_PORT: optionalPort({ anyFree: true }),
  /** Address the HTTPS front listens on. */
  CADESK_HTTPS_HOST: variable("an address to listen on, such as 0.0.0.0 or 127.0.0.1", (raw) => raw, "0.0.0.0"),
  /** Loopback port Next listens on behind the HTTPS front; default PORT + 10000 (read by scripts/start.mjs too). */
  CADESK_INTERNAL_PORT: optionalPort(),

  // --- Access ---------------------------------------------------------------------------------

  /** Admin bearer token of the JSON API; default: generated into `$CADESK_DATA_DIR/api-token`. */
  CADESK_API_TOKEN: secret("at least 16 characters without spaces (`openssl rand -hex 32`)", (raw) => /^\S{16,}$/.test(raw)),
  /** With CADESK_ADMIN_PASSWORD: the first admin, created at start instead of through the setup page. */
  CADESK_ADMIN_EMAIL: variable("an e-mail address", (raw) => (z.email().safeParse(raw).success ? raw : undefined)),
  /** With CADESK_ADMIN_EMAIL: that admin's password (the password rules apply at start). */
  CADESK_ADMIN_PASSWORD: secret("a password", () => true),
  /** How recent a password entry sensitive actions need. */
  CADESK_REAUTH_MINUTES: wholeNumber("minutes", 1, 1440, 5),

  // --- Sign-in through an OpenID Connect provider (each one set wins over the settings page) ----

  /** The provider's issuer URL; its /.well-known/openid-configuration is read (OpenID Connect Discovery 1.0). */
  CADESK_OIDC_ISSUER: httpsUrl(),
  /** The client id cadesk is registered with at the provider. */
  CADESK_OIDC_CLIENT_ID: text(),
  /** The client secret (client_secret_basic); unset: a public client with PKCE only. */
  CADESK_OIDC_CLIENT_SECRET: secret("the client secret the provider shows", (raw) => raw.length <= 1000),
  /** The provider's name on the sign-in button ("Sign in with <name>"). */
  CADESK_OIDC_NAME: variable("a name of at most 60 characters", (raw) => (raw.length <= 60 ? raw : undefined)),
  /** Scopes asked for; default "openid email profile", plus "groups" when the provider offers that scope and the role claim is groups. */
  CADESK_OIDC_SCOPES: variable('scopes separated by spaces, including "openid"', (raw) => {
    const scopes = raw.split(/\s+/);
    return scopes.includes("openid") && scopes.every((s) => /^[\x21\x23-\x5b\x5d-\x7e]+$/.test(s)) ? scopes.join(" ") : undefined;
  }),
  /** The claim whose values map to roles (a dotted path reaches nested claims, e.g. realm_access.roles); default groups. */
  CADESK_OIDC_ROLE_CLAIM: variable("a claim name such as groups or realm_access.roles", (raw) =>
    /^[^\s]{1,200}$/.test(raw) ? raw : undefined,
  ),
  /** Rules value=role, comma-separated, e.g. cadesk-admins=admin,cadesk-ops=operator,cadesk-view=viewer. */
  CADESK_OIDC_ROLE_MAP: variable(
    "rules such as cadesk-admins=admin,cadesk-ops=operator,cadesk-view=viewer (roles admin, operator, viewer)",
    (raw) => {
      const { rules, problems } = parseRoleMap(raw);
      return problems.length === 0 && rules.length > 0 ? rules : undefined;
    },
  ),
  /** off: passwords are refused except the break-glass admin's (sign in through the provider); on: passwords work. */
  CADESK_LOCAL_LOGIN: variable("on or off", (raw) => (raw === "on" ? true : raw === "off" ? false : undefined)),
  /** The local admin who may still sign in with a password when local login is off. */
  CADESK_BREAK_GLASS_EMAIL: variable("an e-mail address", (raw) => (z.email().safeParse(raw).success ? raw.toLowerCase() : undefined)),

  // --- PKI ------------------------------------------------------------------------------------

  /** How long each CRL is valid; a new one is signed a day before it runs out. */
  CADESK_CRL_DAYS: wholeNumber("days", 1, 365, 7),

  // --- CA keys in a PKCS#11 token (HSM); all unset: every CA key is sealed in the store -------

  /** The PKCS#11 module (shared library) of the HSM, such as /usr/lib/softhsm/libsofthsm2.so; enables "keyStorage: pkcs11" CAs. */
  CADESK_PKCS11_MODULE: variable("an absolute path to a PKCS#11 module, such as /usr/lib/softhsm/libsofthsm2.so", (raw) =>
    path.isAbsolute(raw) ? raw : undefined,
  ),
  /** The label of the token holding CA keys (or CADESK_PKCS11_SLOT). */
  CADESK_PKCS11_TOKEN: variable("a token label of at most 32 characters", (raw) => (raw.length <= 32 ? raw : undefined)),
  /** The slot id of that token instead of its label (as `pkcs11-tool --list-slots` shows it, decimal or 0x hex). */
  CADESK_PKCS11_SLOT: variable("a slot id: a whole number, decimal or 0x hex", (raw) =>
    /^(\d{1,20}|0x[0-9a-fA-F]{1,16})$/.test(raw) ? BigInt(raw) : undefined,
  ),
  /** The token's user PIN (or CADESK_PKCS11_PIN_FILE). */
  CADESK_PKCS11_PIN: secret("the token's user PIN", () => true),
  /** A file holding the user PIN (read when the token is opened; a trailing newline is ignored). */
  CADESK_PKCS11_PIN_FILE: variable("an absolute file path", (raw) => (path.isAbsolute(raw) ? raw : undefined)),

  // --- Background work ------------------------------------------------------------------------

  /** How often the in-app scheduler runs (CRLs, expiry notices, deliveries). */
  CADESK_SCHEDULER_SECONDS: wholeNumber("seconds", 5, 86_400, 60),
  /**
   * How long a notice being sent stays its instance's: after that, another instance marks it
   * "uncertain" (its sender died mid-send) instead of sending it again. Longer than any send.
   */
  CADESK_DELIVERY_LEASE_SECONDS: wholeNumber("seconds", 10, 3_600, 120),
  /** Port of the built-in TLS echo server. */
  CADESK_ECHO_PORT: port(8443, { anyFree: true }),

  // --- ACME validation: test knobs, like Pebble's flags ----------------------------------------

  /** Port ACME http-01 validation connects to (RFC 8555 8.3: 80), also for redirects to port 80. */
  CADESK_ACME_HTTP_PORT: port(80),
  /** Port ACME tls-alpn-01 validation connects to (RFC 8737: 443), also for http-01 redirects to 443. */
  CADESK_ACME_TLS_PORT: port(443),
  /** The resolver for every ACME validation lookup (A/AAAA, TXT); default the system resolver. */
  CADESK_ACME_DNS_SERVER: variable("a resolver address such as 127.0.0.1:5353 or [::1]:53", (raw) =>
    /^(\[[0-9a-fA-F:.]+\]|[0-9.]+)(:\d{1,5})?$/.test(raw) ? raw : undefined,
  ),

  // --- Operations (also checked by scripts/serve.mjs, which reads them before the app loads) ----

  /** A bearer token that may only scrape /metrics (any API token may too). */
  CADESK_METRICS_TOKEN: secret("at least 16 characters without spaces", (raw) => /^\S{16,}$/.test(raw)),
  /** Level of the JSON log lines (pino). */
  CADESK_LOG_LEVEL: variable(
    `one of ${LOG_LEVELS.join(", ")}`,
    (raw) => ((LOG_LEVELS as readonly string[]).includes(raw) ? raw : undefined),
    "info",
  ),
  /** Send the API and PKI endpoints through Next's request handler too, instead of scripts/lean-routes.mjs. */
  CADESK_NEXT_ONLY: flag("API and PKI endpoints through Next's handler, as before the lean dispatch"),
  /** Server processes sharing the port (node:cluster, scripts/cluster.mjs); auto: one per core, what `npm start` sets unless told; 1: no cluster. */
  CADESK_WORKERS: variable("auto (one per core) or a whole number of processes between 1 and 64", (raw) =>
    raw === "auto" ? raw : /^\d{1,2}$/.test(raw) && Number(raw) >= 1 && Number(raw) <= 64 ? Number(raw) : undefined,
  ),
  /** How long a graceful shutdown (SIGTERM) may take before the process exits anyway. */
  CADESK_SHUTDOWN_SECONDS: wholeNumber("seconds", 1, 600, 25),
  /** Reverse proxies whose X-Forwarded-* headers are believed (scripts/forwarded.mjs); none by default. */
  CADESK_TRUSTED_PROXIES: variable("IP addresses or CIDR ranges, comma-separated (e.g. 127.0.0.1, 10.0.0.0/8)", (raw) =>
    parseTrustedProxies(raw).error ? undefined : raw,
  ),
};

/** Variables whose values the start-up message must not print. */
const SECRETS = new Set<string>([
  "CADESK_MASTER_KEY",
  "CADESK_API_TOKEN",
  "CADESK_ADMIN_PASSWORD",
  "CADESK_METRICS_TOKEN",
  "CADESK_PKCS11_PIN",
  "CADESK_OIDC_CLIENT_SECRET",
]);

const EnvSchema = z.object(ENV).superRefine((env, ctx) => {
  if (Boolean(env.CADESK_ADMIN_EMAIL) !== Boolean(env.CADESK_ADMIN_PASSWORD)) {
    const missing = env.CADESK_ADMIN_EMAIL ? "CADESK_ADMIN_PASSWORD" : "CADESK_ADMIN_EMAIL";
    ctx.addIssue({
      code: "custom",
      path: [missing],
      message: "expected it set too: CADESK_ADMIN_EMAIL and CADESK_ADMIN_PASSWORD go together",
    });
  }
  pkcs11Rules(env, ctx);
});

/**
 * The PKCS#11 variables go together: a module needs one token (label or slot) and one PIN source;
 * token or PIN settings without a module would silently do nothing.
 */
function pkcs11Rules(env: z.output<z.ZodObject<typeof ENV>>, ctx: z.RefinementCtx): void {
  const issue = (name: string, message: string) => ctx.addIssue({ code: "custom", path: [name], message });
  const others = ["CADESK_PKCS11_TOKEN", "CADESK_PKCS11_SLOT", "CADESK_PKCS11_PIN", "CADESK_PKCS11_PIN_FILE"] as const;
  if (!env.CADESK_PKCS11_MODULE) {
    for (const name of others)
      if (env[name] !== undefined) issue(name, "expected CADESK_PKCS11_MODULE set too (the PKCS#11 module it belongs to)");
    return;
  }
  if ((env.CADESK_PKCS11_TOKEN === undefined) === (env.CADESK_PKCS11_SLOT === undefined)) {
    issue(
      "CADESK_PKCS11_TOKEN",
      "expected exactly one of CADESK_PKCS11_TOKEN (token label) and CADESK_PKCS11_SLOT with CADESK_PKCS11_MODULE",
    );
  }
  if ((env.CADESK_PKCS11_PIN === undefined) === (env.CADESK_PKCS11_PIN_FILE === undefined)) {
    issue("CADESK_PKCS11_PIN", "expected exactly one of CADESK_PKCS11_PIN and CADESK_PKCS11_PIN_FILE with CADESK_PKCS11_MODULE");
  }
}

export type EnvValues = z.output<typeof EnvSchema>;

export interface Config extends EnvValues {
  /** CADESK_DATA_DIR resolved to an absolute path. */
  dataDir: string;
  /** DATABASE_URL, or the SQLite file in the data dir. */
  databaseUrl: string;
  apiToken: string | undefined;
  masterKeyHex: string | undefined;
  /** Base URL clients reach cadesk's public endpoints at (CRLs, CA certificates), no trailing slash. */
  publicUrl: string;
}

/** The environment refused: `problems` has one line per variable, each naming it and what it accepts. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(
      problems.length === 1
        ? `Invalid configuration: ${problems[0]}`
        : `Invalid configuration (${problems.length} problems):\n${problems.map((p) => `  - ${p}`).join("\n")}`,
    );
    this.name = "ConfigError";
  }
}

function shown(name: string, raw: string | undefined): string {
  if (raw === undefined || raw.trim() === "") return `${name} (unset)`;
  if (SECRETS.has(name)) return `${name}=<hidden, ${raw.length} characters>`;
  // A database URL may carry a password: show the rest, which is what a person needs to fix it.
  if (name === "DATABASE_URL") raw = raw.replace(/\/\/([^:/@]*):[^@/]*@/, "//$1:***@");
  return `${name}=${raw.length > 80 ? `${raw.slice(0, 80)}...` : raw}`;
}

/** Validates `env` (no caching): the configuration, or a ConfigError listing every bad variable. */
export function parseConfig(env: Env): Config {
  const result = EnvSchema.safeParse(Object.fromEntries(Object.keys(ENV).map((name) => [name, env[name]])));
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => {
        const name = String(issue.path[0]);
        return `${shown(name, env[name])}: ${issue.message}`;
      }),
    );
  }
  const values = result.data;
  // Resolved at run time, relative to where the server starts; not a file the build should trace.
  const dataDir = path.resolve(/*turbopackIgnore: true*/ values.CADESK_DATA_DIR);
  const defaultPublicUrl = values.CADESK_TLS
    ? `https://localhost:${values.CADESK_HTTPS_PORT ?? values.PORT}`
    : `http://localhost:${values.PORT}`;
  return {
    ...values,
    dataDir,
    databaseUrl: values.DATABASE_URL ?? `file:${path.join(dataDir, "cadesk.db")}`,
    apiToken: values.CADESK_API_TOKEN,
    masterKeyHex: values.CADESK_MASTER_KEY,
    publicUrl: values.CADESK_PUBLIC_URL ?? defaultPublicUrl,
  };
}

/**
 * `CADESK_*` variables set in `env` that cadesk does not read: most likely misspelt (a warning at
 * start, not a refusal, so a variable a newer version reads does not stop an older one).
 */
export function unknownVariables(env: Env = process.env): string[] {
  return Object.keys(env)
    .filter((name) => name.startsWith("CADESK_") && !(name in ENV))
    .sort();
}

/** The names of every variable cadesk reads, for the README check and the start-up warning. */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(ENV);

let cached: Config | undefined;

/** This process's configuration, parsed from `process.env` on first use and kept. */
export function readConfig(): Config {
  cached ??= parseConfig(process.env);
  return cached;
}

/**
 * Tests: use the configuration parsed from `env` for the rest of this process (a test file runs in
 * its own module context), or go back to `process.env` with no argument. Returns what it set.
 */
export function setConfigForTesting(env?: Env): Config | undefined {
  cached = env ? parseConfig(env) : undefined;
  return cached;
}

function isPostgresUrl(raw: string): boolean {
  try {
    const url = new URL(raw);
    return (url.protocol === "postgresql:" || url.protocol === "postgres:") && url.hostname !== "" && url.pathname.length > 1;
  } catch {
    return false;
  }
}

/** Which store a DATABASE_URL names: the embedded SQLite file or a PostgreSQL server. */
export function storeKind(databaseUrl: string): "sqlite" | "postgresql" {
  return databaseUrl.startsWith("file:") ? "sqlite" : "postgresql";
}

/** The SQLite file behind a `file:` URL. */
export function sqlitePath(databaseUrl: string): string {
  if (storeKind(databaseUrl) !== "sqlite") throw new Error("sqlitePath() called for a PostgreSQL DATABASE_URL");
  return path.resolve(/*turbopackIgnore: true*/ databaseUrl.slice("file:".length));
}
