/**
 * A SoftHSM2 token of the test's own: a token directory and SOFTHSM2_CONF in a temp dir (set in
 * this process's environment before the module is first loaded, which is when SoftHSM reads it),
 * initialised with `softhsm2-util`, and inspected with OpenSC's `pkcs11-tool` as an outside check.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { tempDir } from "./openssl";

export const SOFTHSM_MODULE = "/usr/lib/softhsm/libsofthsm2.so";

export interface TestToken {
  module: string;
  label: string;
  pin: string;
  soPin: string;
  dir: string;
  /** The CADESK_PKCS11_* variables for this token. */
  env: Record<string, string>;
}

let conf: string | undefined;

/** The SOFTHSM2_CONF of this process (one per test file: a module reads it once, at C_Initialize). */
function softhsmConf(): string {
  if (conf) return conf;
  const dir = tempDir("cadesk-softhsm-");
  mkdirSync(path.join(dir, "tokens"));
  conf = path.join(dir, "softhsm2.conf");
  writeFileSync(conf, `directories.tokendir = ${path.join(dir, "tokens")}\nobjectstore.backend = file\nlog.level = ERROR\n`);
  process.env.SOFTHSM2_CONF = conf;
  return conf;
}

/** Initialises a fresh token labelled `label` with a user PIN (or none, to test that case). */
export function createTestToken(label: string, { pin = "246810", soPin = "97531", userPin = true } = {}): TestToken {
  const config = softhsmConf();
  if (userPin) {
    execFileSync("softhsm2-util", ["--init-token", "--free", "--label", label, "--pin", pin, "--so-pin", soPin], {
      env: { ...process.env, SOFTHSM2_CONF: config },
      stdio: "pipe",
    });
  } else {
    // OpenSC initialises the token but leaves the user PIN unset, as a new HSM partition is.
    const slot = execFileSync("softhsm2-util", ["--show-slots"], { env: { ...process.env, SOFTHSM2_CONF: config }, encoding: "utf8" });
    const free = /Slot (\d+)\n(?:.*\n){0,12}?\s+Initialized:\s+no/.exec(slot);
    if (!free) throw new Error(`no free SoftHSM slot:\n${slot}`);
    execFileSync("pkcs11-tool", ["--module", SOFTHSM_MODULE, "--slot", free[1]!, "--init-token", "--label", label, "--so-pin", soPin], {
      env: { ...process.env, SOFTHSM2_CONF: config },
      stdio: "pipe",
    });
  }
  return {
    module: SOFTHSM_MODULE,
    label,
    pin,
    soPin,
    dir: path.dirname(config),
    env: { CADESK_PKCS11_MODULE: SOFTHSM_MODULE, CADESK_PKCS11_TOKEN: label, CADESK_PKCS11_PIN: pin },
  };
}

/** Runs OpenSC's pkcs11-tool against the token (logged in as its user), returning its output; a failure throws. */
export function pkcs11Tool(token: TestToken, args: string[]): string {
  const r = spawnSync("pkcs11-tool", ["--module", token.module, "--token-label", token.label, "--login", "--pin", token.pin, ...args], {
    env: { ...process.env, SOFTHSM2_CONF: softhsmConf() },
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(`pkcs11-tool ${args.join(" ")} failed: ${r.stderr}`);
  return r.stdout;
}
