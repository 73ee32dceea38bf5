/** The configured PKCS#11 token, as forms name it, read from the configuration only (no connection). */
import { readConfig } from "../config";
import { tokenName, tokenSettings } from "../hsm/token";

/** `token "cadesk"` (or `the token in slot N`) when a PKCS#11 module is configured; undefined otherwise. */
export function configuredToken(): string | undefined {
  const settings = tokenSettings(readConfig());
  return settings ? tokenName(settings) : undefined;
}
