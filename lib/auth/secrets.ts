import { createHash, randomBytes } from "node:crypto";

/** A random token for a cookie or API header, with a prefix that says what it is. */
export function newToken(prefix: string): string {
  return prefix + randomBytes(32).toString("base64url");
}

/** Tokens are stored as SHA-256: they are random, so a slow hash adds nothing, and a stolen database yields no usable token. */
export function tokenHash(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}
