import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { CONFIG_VARIABLES, ConfigError, parseConfig, readConfig, setConfigForTesting, unknownVariables } from "./config";

/** The ConfigError `env` raises (fails the test when there is none). */
function refusal(env: Record<string, string>): ConfigError {
  try {
    parseConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`accepted ${JSON.stringify(env)}`);
}

describe("configuration from the environment", () => {
  it("has the documented defaults when nothing is set", () => {
    const config = parseConfig({});
    expect(config).toMatchObject({
      dataDir: path.resolve("./data"),
      databaseUrl: `file:${path.resolve("./data/cadesk.db")}`,
      apiToken: undefined,
      masterKeyHex: undefined,
      publicUrl: "http://localhost:3000",
      PORT: 3000,
      CADESK_TLS: false,
      CADESK_REAUTH_MINUTES: 5,
      CADESK_CRL_DAYS: 7,
      CADESK_SCHEDULER_SECONDS: 60,
      CADESK_ECHO_PORT: 8443,
      CADESK_HTTPS_HOST: "0.0.0.0",
    });
    // Blank is unset, as a shell's `VAR=` means.
    expect(parseConfig({ CADESK_REAUTH_MINUTES: " ", CADESK_PUBLIC_URL: "" })).toMatchObject({
      CADESK_REAUTH_MINUTES: 5,
      publicUrl: "http://localhost:3000",
    });
  });

  it("reads the values it accepts", () => {
    const config = parseConfig({
      CADESK_DATA_DIR: "/srv/cadesk",
      CADESK_REAUTH_MINUTES: "30",
      CADESK_CRL_DAYS: "1",
      CADESK_SCHEDULER_SECONDS: "5",
      CADESK_ECHO_PORT: "0",
      CADESK_TLS: "1",
      CADESK_HTTPS_PORT: "8443",
      CADESK_TLS_NAMES: "ca.example.com, 10.0.0.1 ca.example.com",
      CADESK_PUBLIC_URL: "https://ca.example.com/pki//",
      CADESK_MASTER_KEY: "ab".repeat(32),
      CADESK_API_TOKEN: "0123456789abcdef",
    });
    expect(config).toMatchObject({
      dataDir: "/srv/cadesk",
      databaseUrl: "file:/srv/cadesk/cadesk.db",
      CADESK_REAUTH_MINUTES: 30,
      CADESK_CRL_DAYS: 1,
      CADESK_SCHEDULER_SECONDS: 5,
      CADESK_ECHO_PORT: 0,
      CADESK_TLS: true,
      CADESK_HTTPS_PORT: 8443,
      CADESK_TLS_NAMES: ["ca.example.com", "10.0.0.1"],
      publicUrl: "https://ca.example.com/pki",
      masterKeyHex: "ab".repeat(32),
      apiToken: "0123456789abcdef",
    });
    expect(parseConfig({ CADESK_TLS: "1", PORT: "4000" }).publicUrl).toBe("https://localhost:4000");
    expect(parseConfig({ CADESK_MASTER_KEY: Buffer.alloc(32, 7).toString("base64") }).masterKeyHex).toBeDefined();
  });

  it("names the variable, its value and what it accepts", () => {
    const cases: [Record<string, string>, string][] = [
      [{ CADESK_REAUTH_MINUTES: "abc" }, "CADESK_REAUTH_MINUTES=abc: expected a whole number of minutes between 1 and 1440"],
      [{ CADESK_REAUTH_MINUTES: "0" }, "CADESK_REAUTH_MINUTES=0: expected a whole number of minutes between 1 and 1440"],
      [{ CADESK_REAUTH_MINUTES: "2.5" }, "CADESK_REAUTH_MINUTES=2.5: expected a whole number of minutes between 1 and 1440"],
      [{ CADESK_CRL_DAYS: "-1" }, "CADESK_CRL_DAYS=-1: expected a whole number of days between 1 and 365"],
      [{ CADESK_CRL_DAYS: "1e3" }, "CADESK_CRL_DAYS=1e3: expected a whole number of days between 1 and 365"],
      [{ CADESK_SCHEDULER_SECONDS: "1" }, "CADESK_SCHEDULER_SECONDS=1: expected a whole number of seconds between 5 and 86400"],
      [{ PORT: "0" }, "PORT=0: expected a TCP port number between 1 and 65535"],
      [{ CADESK_ECHO_PORT: "70000" }, "CADESK_ECHO_PORT=70000: expected a TCP port number between 0 and 65535 (0: any free port)"],
      [{ CADESK_INTERNAL_PORT: "http" }, "CADESK_INTERNAL_PORT=http: expected a TCP port number between 1 and 65535"],
      [{ CADESK_TLS: "true" }, "CADESK_TLS=true: expected 1 (serve the dashboard over HTTPS) or 0 (off)"],
      [
        { CADESK_PUBLIC_URL: "ca.example.com" },
        "CADESK_PUBLIC_URL=ca.example.com: expected an http:// or https:// URL without query or fragment, such as https://ca.example.com",
      ],
      [
        { CADESK_PUBLIC_URL: "ftp://ca.example.com" },
        "CADESK_PUBLIC_URL=ftp://ca.example.com: expected an http:// or https:// URL without query or fragment, such as https://ca.example.com",
      ],
      [
        { DATABASE_URL: "mysql://cadesk:hunter2@db/cadesk" },
        "DATABASE_URL=mysql://cadesk:***@db/cadesk: expected a file: URL of a SQLite database (file:/var/lib/cadesk/cadesk.db) or a postgresql:// URL (postgresql://cadesk:secret@db.internal:5432/cadesk)",
      ],
      [{ CADESK_ADMIN_EMAIL: "admin" }, "CADESK_ADMIN_EMAIL=admin: expected an e-mail address"],
    ];
    for (const [env, message] of cases) {
      const error = refusal(env);
      expect(error.problems, JSON.stringify(env)).toEqual([message]);
      expect(error.message).toBe(`Invalid configuration: ${message}`);
    }
  });

  it("never prints a secret, only its length", () => {
    const key = "not-a-key-but-a-secret";
    const error = refusal({ CADESK_MASTER_KEY: key, CADESK_API_TOKEN: "short" });
    expect(error.problems).toEqual([
      `CADESK_MASTER_KEY=<hidden, ${key.length} characters>: expected 32 bytes as 64 hex characters (\`openssl rand -hex 32\`) or base64`,
      "CADESK_API_TOKEN=<hidden, 5 characters>: expected at least 16 characters without spaces (`openssl rand -hex 32`)",
    ]);
    expect(error.message).not.toContain(key);
    // 31 bytes of base64 is not a key either.
    expect(refusal({ CADESK_MASTER_KEY: Buffer.alloc(31).toString("base64") }).problems[0]).toMatch(/^CADESK_MASTER_KEY=<hidden/);
  });

  it("lists every bad variable at once, and the admin e-mail and password go together", () => {
    const error = refusal({ CADESK_REAUTH_MINUTES: "abc", CADESK_CRL_DAYS: "week", CADESK_ADMIN_EMAIL: "admin@example.com" });
    expect(error.problems).toEqual([
      "CADESK_REAUTH_MINUTES=abc: expected a whole number of minutes between 1 and 1440",
      "CADESK_CRL_DAYS=week: expected a whole number of days between 1 and 365",
    ]);
    // Cross-variable rules run once each value is valid.
    expect(refusal({ CADESK_ADMIN_EMAIL: "admin@example.com" }).problems).toEqual([
      "CADESK_ADMIN_PASSWORD (unset): expected it set too: CADESK_ADMIN_EMAIL and CADESK_ADMIN_PASSWORD go together",
    ]);
    expect(error.message).toBe(
      "Invalid configuration (2 problems):\n" +
        "  - CADESK_REAUTH_MINUTES=abc: expected a whole number of minutes between 1 and 1440\n" +
        "  - CADESK_CRL_DAYS=week: expected a whole number of days between 1 and 365",
    );
  });

  it("takes a PKCS#11 module with one token and one PIN source, and never prints the PIN", () => {
    const modulePath = "/usr/lib/softhsm/libsofthsm2.so";
    expect(parseConfig({ CADESK_PKCS11_MODULE: modulePath, CADESK_PKCS11_TOKEN: "cadesk", CADESK_PKCS11_PIN: "1234" })).toMatchObject({
      CADESK_PKCS11_MODULE: modulePath,
      CADESK_PKCS11_TOKEN: "cadesk",
      CADESK_PKCS11_PIN: "1234",
    });
    expect(
      parseConfig({ CADESK_PKCS11_MODULE: modulePath, CADESK_PKCS11_SLOT: "0x1f", CADESK_PKCS11_PIN_FILE: "/run/pin" }).CADESK_PKCS11_SLOT,
    ).toBe(31n);
    expect(refusal({ CADESK_PKCS11_MODULE: "libsofthsm2.so", CADESK_PKCS11_TOKEN: "t", CADESK_PKCS11_PIN: "1" }).problems).toEqual([
      "CADESK_PKCS11_MODULE=libsofthsm2.so: expected an absolute path to a PKCS#11 module, such as /usr/lib/softhsm/libsofthsm2.so",
    ]);
    expect(refusal({ CADESK_PKCS11_TOKEN: "t", CADESK_PKCS11_PIN: "secret-pin" }).problems).toEqual([
      "CADESK_PKCS11_TOKEN=t: expected CADESK_PKCS11_MODULE set too (the PKCS#11 module it belongs to)",
      "CADESK_PKCS11_PIN=<hidden, 10 characters>: expected CADESK_PKCS11_MODULE set too (the PKCS#11 module it belongs to)",
    ]);
    expect(refusal({ CADESK_PKCS11_MODULE: modulePath }).problems).toEqual([
      "CADESK_PKCS11_TOKEN (unset): expected exactly one of CADESK_PKCS11_TOKEN (token label) and CADESK_PKCS11_SLOT with CADESK_PKCS11_MODULE",
      "CADESK_PKCS11_PIN (unset): expected exactly one of CADESK_PKCS11_PIN and CADESK_PKCS11_PIN_FILE with CADESK_PKCS11_MODULE",
    ]);
    const both = refusal({
      CADESK_PKCS11_MODULE: modulePath,
      CADESK_PKCS11_TOKEN: "t",
      CADESK_PKCS11_SLOT: "3",
      CADESK_PKCS11_PIN: "1234",
      CADESK_PKCS11_PIN_FILE: "/run/pin",
    });
    expect(both.problems).toHaveLength(2);
    expect(both.message).not.toContain("1234");
    expect(refusal({ CADESK_PKCS11_MODULE: modulePath, CADESK_PKCS11_SLOT: "slot-1", CADESK_PKCS11_PIN: "1" }).problems[0]).toBe(
      "CADESK_PKCS11_SLOT=slot-1: expected a slot id: a whole number, decimal or 0x hex",
    );
  });

  it("parses process.env once per process; tests can swap in an environment of their own", () => {
    const first = readConfig();
    expect(readConfig()).toBe(first);
    try {
      expect(setConfigForTesting({ CADESK_REAUTH_MINUTES: "42" })?.CADESK_REAUTH_MINUTES).toBe(42);
      expect(readConfig().CADESK_REAUTH_MINUTES).toBe(42);
      expect(() => setConfigForTesting({ CADESK_REAUTH_MINUTES: "abc" })).toThrow(ConfigError);
    } finally {
      setConfigForTesting();
    }
    expect(readConfig().dataDir).toBe(first.dataDir);
  });

  it("points out CADESK_ variables it does not read", () => {
    expect(unknownVariables({ CADESK_REAUTH_MINUTE: "5", CADESK_CRL_DAYS: "7", HOME: "/root", CADESK_TLS_NAME: "x" })).toEqual([
      "CADESK_REAUTH_MINUTE",
      "CADESK_TLS_NAME",
    ]);
  });

  it("is what the README's configuration table lists, no more and no less", () => {
    const readme = readFileSync(path.resolve("README.md"), "utf8");
    const section = readme.slice(readme.indexOf("## Configuration"), readme.indexOf("\n## ", readme.indexOf("## Configuration") + 5));
    const table = section.split("\n").filter((line) => line.startsWith("| `"));
    const documented = new Set(table.flatMap((row) => [...row.matchAll(/`([A-Z][A-Z0-9_]+)`/g)].map((m) => m[1]!)));
    expect([...documented].sort()).toEqual([...CONFIG_VARIABLES].sort());
  });
});
