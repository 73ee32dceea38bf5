/**
 * The one connection to the PKCS#11 token that holds CA keys (CADESK_PKCS11_*): the module loaded
 * once per process, the token found by label or slot id, the user logged in once (PKCS#11 v2.40
 * 5.6: a login holds for every session of the application), and a small pool of sessions so
 * signatures from concurrent requests do not queue behind one another (a session runs one
 * operation at a time).
 *
 * Failures become one AppError (KEY_UNAVAILABLE) saying what is wrong and what to do. A wrong PIN
 * is never tried twice: tokens lock the user PIN after a few failures (CKF_USER_PIN_LOCKED), so a
 * probe every few seconds from /readyz or a busy issuance path would lock a real HSM. The PIN is
 * tried again once the configured PIN (or the PIN file's content) changes.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import * as graphene from "graphene-pk11";
import { readConfig, type Config } from "../config";
import { AppError } from "../errors";

/** Where the connection comes from: the configuration's PKCS#11 part. */
export interface TokenSettings {
  module: string;
  tokenLabel?: string;
  slotId?: bigint;
  pin?: string;
  pinFile?: string;
}

export interface TokenConnection {
  /** The token's label as the token reports it (stored with every key made on it). */
  readonly label: string;
  readonly serialNumber: string;
  /** Runs `run` on a free logged-in session (a session runs one operation at a time). */
  withSession<T>(run: (session: graphene.Session) => Promise<T> | T): Promise<T>;
  /** Changes on every reconnection: object handles from an older generation are stale. */
  readonly generation: number;
}

/** The configured token, or undefined when no PKCS#11 module is configured. */
export function tokenSettings(config: Config = readConfig()): TokenSettings | undefined {
  if (!config.CADESK_PKCS11_MODULE) return undefined;
  return {
    module: config.CADESK_PKCS11_MODULE,
    tokenLabel: config.CADESK_PKCS11_TOKEN,
    slotId: config.CADESK_PKCS11_SLOT,
    pin: config.CADESK_PKCS11_PIN,
    pinFile: config.CADESK_PKCS11_PIN_FILE,
  };
}

/** How the token is named in messages: its label or slot. */
export function tokenName(settings: TokenSettings): string {
  return settings.tokenLabel !== undefined ? `token "${settings.tokenLabel}"` : `the token in slot ${settings.slotId}`;
}

const POOL_SIZE = 4;
// CKF_OS_LOCKING_OK (PKCS#11 v2.40 5.4): the library may be called from libuv's worker threads,
// where pkcs11js runs the asynchronous C_Sign calls.
const CKF_OS_LOCKING_OK = 2;

let loaded: { path: string; module: graphene.Module } | undefined;
let current: { key: string; connection: Promise<TokenConnection> } | undefined;
let generation = 0;
/** sha256(settings key + PIN) of a PIN the token refused: never sent again. */
const refusedPins = new Set<string>();

function unavailable(message: string): AppError {
  return new AppError("KEY_UNAVAILABLE", message);
}

/** Error codes that mean the sessions are gone (token pulled, HSM restarted): reconnect next time. */
const LOST =
  /CKR_(SESSION_HANDLE_INVALID|SESSION_CLOSED|DEVICE_REMOVED|DEVICE_ERROR|TOKEN_NOT_PRESENT|USER_NOT_LOGGED_IN|CRYPTOKI_NOT_INITIALIZED|GENERAL_ERROR)/;

function loadModule(settings: TokenSettings): graphene.Module {
  if (loaded?.path === settings.module) return loaded.module;
  let library: graphene.Module;
  try {
    library = graphene.Module.load(settings.module);
    library.initialize({ flags: CKF_OS_LOCKING_OK });
  } catch (error) {
    throw unavailable(
      `The PKCS#11 module CADESK_PKCS11_MODULE=${settings.module} could not be loaded (${firstLine(error)}): install the HSM's client library at that path or correct the variable, then restart cadesk.`,
    );
  }
  loaded = { path: settings.module, module: library };
  return library;
}

function findSlot(module: graphene.Module, settings: TokenSettings): graphene.Slot {
  const slots = module.getSlots(true);
  const seen: string[] = [];
  for (let i = 0; i < slots.length; i++) {
    const slot = slots.items(i);
    const id = slot.handle.readBigUInt64LE(0);
    let label: string;
    try {
      const token = slot.getToken();
      if (!(token.flags & graphene.TokenFlag.TOKEN_INITIALIZED)) continue;
      label = token.label;
    } catch {
      continue;
    }
    seen.push(`"${label}" (slot ${id})`);
    if (settings.tokenLabel !== undefined ? label === settings.tokenLabel : id === settings.slotId) return slot;
  }
  const which =
    settings.tokenLabel !== undefined
      ? `labelled "${settings.tokenLabel}" (CADESK_PKCS11_TOKEN)`
      : `in slot ${settings.slotId} (CADESK_PKCS11_SLOT)`;
  throw unavailable(
    `No initialised token ${which} is present in ${settings.module}${seen.length ? `; present: ${seen.join(", ")}` : "; the module reports no initialised token"}. Connect the HSM or correct the variable.`,
  );
}

function readPin(settings: TokenSettings): string {
  if (settings.pin !== undefined) return settings.pin;
  try {
    return readFileSync(settings.pinFile!, "utf8").replace(/\r?\n$/, "");
  } catch (error) {
    throw unavailable(
      `The PIN file CADESK_PKCS11_PIN_FILE=${settings.pinFile} cannot be read (${firstLine(error)}): create it, readable by cadesk.`,
    );
  }
}

function login(session: graphene.Session, settings: TokenSettings, token: graphene.Token, key: string): void {
  const pin = readPin(settings);
  const fingerprint = createHash("sha256").update(key).update("\0").update(pin).digest("hex");
  const pinVariable = settings.pin !== undefined ? "CADESK_PKCS11_PIN" : `the PIN in CADESK_PKCS11_PIN_FILE=${settings.pinFile}`;
  if (token.flags & graphene.TokenFlag.USER_PIN_LOCKED) throw lockedPin(settings);
  if (refusedPins.has(fingerprint)) {
    throw unavailable(
      `The ${tokenName(settings)} refused ${pinVariable} before; cadesk does not try it again, because a token locks its PIN after a few wrong tries. Set the right PIN${settings.pin !== undefined ? " and restart cadesk" : " in the file"}.`,
    );
  }
  try {
    session.login(pin, graphene.UserType.USER);
  } catch (error) {
    const message = firstLine(error);
    if (/CKR_USER_ALREADY_LOGGED_IN/.test(message)) return;
    if (/CKR_PIN_INCORRECT|CKR_PIN_INVALID|CKR_PIN_LEN_RANGE/.test(message)) {
      refusedPins.add(fingerprint);
      throw unavailable(
        `The ${tokenName(settings)} refused ${pinVariable} (wrong PIN). cadesk will not try that PIN again: set the token's user PIN${settings.pin !== undefined ? " and restart cadesk" : " in the file"}.`,
      );
    }
    if (/CKR_PIN_LOCKED/.test(message)) throw lockedPin(settings);
    if (/CKR_USER_PIN_NOT_INITIALIZED/.test(message)) {
      throw unavailable(
        `The ${tokenName(settings)} has no user PIN yet, so nobody can sign with it. Its security officer sets one (\`pkcs11-tool --module ${settings.module} --login --login-type so --init-pin\`); then set ${settings.pin !== undefined ? "CADESK_PKCS11_PIN" : "the PIN file"} to it.`,
      );
    }
    throw unavailable(`Signing in to the ${tokenName(settings)} failed (${message}). Check the HSM, then try again.`);
  }
}

function lockedPin(settings: TokenSettings): AppError {
  return unavailable(
    `The user PIN of the ${tokenName(settings)} is locked (too many wrong tries). Its security officer must unlock it (for example \`pkcs11-tool --module ${settings.module} --login --login-type so --init-pin\`), then set CADESK_PKCS11_PIN to the new PIN.`,
  );
}

function connect(settings: TokenSettings, key: string): TokenConnection {
  const slot = findSlot(loadModule(settings), settings);
  const token = slot.getToken();
  const flags = graphene.SessionFlag.RW_SESSION | graphene.SessionFlag.SERIAL_SESSION;
  const first = slot.open(flags);
  try {
    login(first, settings, token, key);
  } catch (error) {
    first.close();
    throw error;
  }
  const idle: graphene.Session[] = [first];
  for (let i = 1; i < POOL_SIZE; i++) idle.push(slot.open(flags));
  const waiting: ((session: graphene.Session) => void)[] = [];
  const myGeneration = ++generation;
  return {
    label: token.label,
    serialNumber: token.serialNumber,
    generation: myGeneration,
    async withSession(run) {
      const session = idle.pop() ?? (await new Promise<graphene.Session>((resolve) => waiting.push(resolve)));
      try {
        return await run(session);
      } catch (error) {
        if (LOST.test(firstLine(error)) && current?.key === key) {
          // Sessions are gone: the next caller reconnects (and logs in again).
          current = undefined;
        }
        throw error;
      } finally {
        const next = waiting.shift();
        if (next) next(session);
        else idle.push(session);
      }
    },
  };
}

function settingsKey(settings: TokenSettings): string {
  return JSON.stringify([settings.module, settings.tokenLabel, settings.slotId?.toString(), settings.pinFile]);
}

/**
 * The connection to the configured token, made on first use and kept; a failed attempt is not
 * kept, so the next call tries again (a wrong PIN excepted, see above). KEY_UNAVAILABLE when no
 * module is configured or the token cannot be used.
 */
export function openToken(settings: TokenSettings | undefined = tokenSettings()): Promise<TokenConnection> {
  if (!settings) {
    throw unavailable(
      "No PKCS#11 module is configured: set CADESK_PKCS11_MODULE, CADESK_PKCS11_TOKEN and CADESK_PKCS11_PIN (or CADESK_PKCS11_PIN_FILE), then restart cadesk.",
    );
  }
  const key = settingsKey(settings);
  if (current?.key === key) return current.connection;
  const connection = (async () => connect(settings, key))();
  current = { key, connection };
  connection.catch(() => {
    if (current?.connection === connection) current = undefined;
  });
  return connection;
}

/** Tests: forget the connection (sessions closed), so the next openToken connects afresh. */
export async function resetTokenForTesting(): Promise<void> {
  const was = current;
  current = undefined;
  refusedPins.clear();
  if (was) {
    try {
      await (await was.connection).withSession((s) => s.slot.closeAll());
    } catch {
      // It never connected.
    }
  }
}

/** Whether an error from graphene means the token went away (for callers that retry once). */
export function isLostSession(error: unknown): boolean {
  return LOST.test(firstLine(error));
}

export function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split("\n")[0]!.slice(0, 200);
}
