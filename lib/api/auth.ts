import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Actor } from "../auth/actor";
import { isRole } from "../auth/roles";
import { readConfig, type Config } from "../config";
import { AppError } from "../errors";
import { findApiToken } from "../services/api-tokens";

/**
 * The automation token: CADESK_API_TOKEN when set, otherwise one generated on first start into
 * the data dir (0600), so the API is never open by default. It acts as an admin; tokens made in
 * the UI carry their own role.
 */
export function loadApiToken(config: Config = readConfig()): string {
  if (config.apiToken) return config.apiToken;
  const file = path.join(config.dataDir, "api-token");
  // Read once per process, not on every API call; a new token file takes effect on restart.
  if (fileToken?.file === file) return fileToken.token;
  fileToken = { file, token: readOrCreateToken(file, config.dataDir) };
  return fileToken.token;
}

let fileToken: { file: string; token: string } | undefined;

function readOrCreateToken(file: string, dataDir: string): string {
  try {
    return readFileSync(file, "utf8").trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    try {
      writeFileSync(file, `cadesk_${randomBytes(24).toString("base64url")}\n`, { mode: 0o600, flag: "wx" });
    } catch (raced) {
      if ((raced as NodeJS.ErrnoException).code !== "EEXIST") throw raced;
    }
    return readFileSync(file, "utf8").trim();
  }
}

const digest = (s: string) => createHash("sha256").update(s).digest();

let configured: { token: string; digest: Buffer } | undefined;
/** The configured token's digest, made once per token value (a changed CADESK_API_TOKEN or token file is another key). */
function configuredDigest(token: string): Buffer {
  if (configured?.token !== token) configured = { token, digest: digest(token) };
  return configured.digest;
}

/** The client's address as the server saw it (or as the reverse proxy in front reported it). */
export function clientIp(headers: Headers): string | null {
  return clientIpOf((name) => headers.get(name));
}

/** clientIp from a header reader (the lean dispatch has node's parsed headers, not web Headers). */
export function clientIpOf(header: (name: string) => string | null): string | null {
  return header("x-forwarded-for")?.split(",")[0]?.trim().slice(0, 100) || header("x-real-ip")?.slice(0, 100) || null;
}

const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,100}$/;

/** The request's id, as scripts/serve.mjs set it (and the response's X-Request-Id repeats it). */
export function requestId(headers: Headers): string | null {
  return requestIdOf((name) => headers.get(name));
}

/** requestId from a header reader. */
export function requestIdOf(header: (name: string) => string | null): string | null {
  const id = header("x-request-id");
  return id && SANE_REQUEST_ID.test(id) ? id : null;
}

/** Who a bearer token belongs to; refuses missing, wrong, expired and revoked tokens alike. */
export async function apiActor(request: Request): Promise<Actor> {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.get("authorization") ?? "");
  const ip = clientIp(request.headers);
  const bearer = match?.[1];
  if (bearer) {
    // Compare digests so the comparison takes the same time whatever the token's length.
    if (timingSafeEqual(digest(bearer), configuredDigest(loadApiToken()))) {
      return {
        type: "token",
        id: null,
        label: readConfig().apiToken ? "CADESK_API_TOKEN" : "data-dir api-token",
        role: "admin",
        userId: null,
        ip,
        requestId: requestId(request.headers),
      };
    }
    const token = await findApiToken(bearer);
    if (token && isRole(token.role))
      return {
        type: "token",
        id: token.id,
        label: `token "${token.name}"`,
        role: token.role,
        userId: null,
        ip,
        requestId: requestId(request.headers),
      };
  }
  throw new AppError(
    "UNAUTHORIZED",
    "Missing, wrong, expired or revoked API token: send `Authorization: Bearer <token>` with a token from Settings → API tokens (or CADESK_API_TOKEN).",
  );
}
