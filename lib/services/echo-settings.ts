import { assertCan, runAs, SYSTEM_ACTOR } from "../auth/actor";
import { audit } from "./audit";
import { readEchoStatus, type EchoStatus } from "../data/echo";

export type { EchoStatus };
import { getDb } from "../db";
import { AppError } from "../errors";
import { PROFILE_SPECS, type LeafProfile } from "../pki/profiles-data";
import { applyEchoConfig, echoRuntime } from "../tls/echo-runtime";
import type { EchoTlsConfig } from "../tls/echo-server";
import { parseInput } from "../validations/parse";
import { ZEchoSettingsInput, type TEchoSettingsInput } from "../validations/tls";
import { syncPeers } from "../ops/cluster";
import { servingPems } from "./export-certificate";

/** The echo server's settings and listener state (for a page, lib/data/echo.ts reads the same). */
export async function echoStatus(): Promise<EchoStatus> {
  assertCan("view", "read the echo server's settings");
  return readEchoStatus();
}

/** What the TLS listener needs: the certificate's fullchain and key, and the client CAs' PEMs. */
async function tlsConfig(settings: TEchoSettingsInput): Promise<EchoTlsConfig> {
  const db = getDb();
  const certificate = await db.certificate.findUnique({ where: { id: settings.certificateId } });
  if (!certificate)
    throw new AppError("NOT_FOUND", `There is no certificate with id "${settings.certificateId.slice(0, 100)}".`, "certificateId");
  if (!PROFILE_SPECS[certificate.profile as LeafProfile]?.needsHostName) {
    throw new AppError(
      "INVALID_INPUT",
      `"${certificate.commonName}" is a TLS client certificate: the echo server needs a server (or server+client) certificate.`,
      "certificateId",
    );
  }
  if (!certificate.encryptedKey) {
    throw new AppError(
      "INVALID_INPUT",
      `cadesk does not hold the private key of "${certificate.commonName}" (issued from a CSR or without keeping the key), so it cannot serve it. Issue a server certificate here.`,
      "certificateId",
    );
  }
  const cas = await db.authority.findMany({ where: { id: { in: settings.clientCaIds } }, select: { id: true, certificatePem: true } });
  const missing = settings.clientCaIds.find((id) => !cas.some((ca) => ca.id === id));
  if (missing) throw new AppError("NOT_FOUND", `There is no CA with id "${missing.slice(0, 100)}".`, "clientCaIds");
  if (settings.clientAuth !== "none" && cas.length === 0) {
    throw new AppError(
      "INVALID_INPUT",
      'Choose at least one CA whose client certificates the echo server accepts, or set client certificates to "Ignored" (clientAuth "none" in the API).',
      "clientCaIds",
    );
  }
  return {
    ...(await servingPems(certificate.id)),
    clientCaPems: cas.map((ca) => ca.certificatePem),
    clientAuth: settings.clientAuth,
  };
}

/** An admin's change of the echo server's settings, recorded in the audit log. */
export async function updateEchoSettings(raw: unknown): Promise<EchoStatus> {
  assertCan("settings", "change the echo server");
  const status = await applyEchoSettings(raw);
  // Names, not ids, so the audit log reads as what was chosen (the ids stay in the settings).
  const clientCas = await getDb().authority.findMany({ where: { id: { in: status.clientCaIds } }, select: { commonName: true } });
  await audit({
    action: "settings.echo",
    objectType: "certificate",
    objectId: status.certificateId,
    objectLabel: status.certificateName,
    detail: { clientAuth: status.clientAuth, clientCas: clientCas.map((ca) => ca.commonName) },
  });
  return status;
}

/** Saves the configuration and applies it to the running listener at once (hot reload). */
export async function applyEchoSettings(raw: unknown): Promise<EchoStatus> {
  // Also reached by a renewal (an operator may renew the certificate the echo server serves).
  assertCan("issue", "change the certificate the echo server serves");
  const settings = parseInput(ZEchoSettingsInput, raw);
  const config = await tlsConfig(settings);
  const data = {
    certificateId: settings.certificateId,
    clientCaIds: JSON.stringify(settings.clientCaIds),
    clientAuth: settings.clientAuth,
  };
  const saved = await getDb().echoSettings.upsert({ where: { id: 1 }, create: { id: 1, ...data }, update: data });
  try {
    echoRuntime().appliedVersion = saved.updatedAt.getTime();
    await applyEchoConfig(config);
  } catch {
    // echoStatus() carries the reason (port in use ...); the settings are saved for the next start.
  }
  // The other workers (CADESK_WORKERS) share the echo port: they apply the saved row now, not
  // within ECHO_FOLLOW_MS, so the next handshake meets the new settings whichever worker takes it.
  await syncPeers("echo");
  return echoStatus();
}

/** At server start: listen with the saved configuration, if there is one; then follow it. */
export async function startEchoFromSettings(): Promise<void> {
  assertCan("settings", "start the echo server");
  const version = (await getDb().echoSettings.findUnique({ where: { id: 1 }, select: { updatedAt: true } }))?.updatedAt.getTime() ?? null;
  echoRuntime().appliedVersion = version;
  followEchoSettings();
  const status = await echoStatus();
  if (!status.certificateId) return;
  try {
    await applyEchoConfig(
      await tlsConfig({ certificateId: status.certificateId, clientCaIds: status.clientCaIds, clientAuth: status.clientAuth }),
    );
    console.log(`[cadesk] TLS echo server listening on port ${status.port}`);
  } catch (error) {
    console.error(`[cadesk] TLS echo server not started: ${echoRuntime().error ?? (error as Error).message}`);
  }
}

/** How often an instance looks whether another one changed the saved settings: one read of one row by primary key. */
export const ECHO_FOLLOW_MS = 2000;

/**
 * Several instances on one store each serve their own echo port with the one saved configuration:
 * when the saved row's updatedAt differs from what this listener serves (another instance saved
 * a change, or renewed the certificate it serves), apply the saved settings here too. True when it
 * applied something.
 */
export async function syncEchoSettings(): Promise<boolean> {
  assertCan("settings", "apply the echo server's saved settings");
  const runtime = echoRuntime();
  const saved = await getDb().echoSettings.findUnique({ where: { id: 1 } });
  if (!saved || saved.updatedAt.getTime() === runtime.appliedVersion) return false;
  runtime.appliedVersion = saved.updatedAt.getTime();
  // The certificate was deleted (SetNull): nothing to serve, keep what runs until one is chosen.
  if (!saved.certificateId) return false;
  const settings = parseInput(ZEchoSettingsInput, {
    certificateId: saved.certificateId,
    clientCaIds: JSON.parse(saved.clientCaIds) as string[],
    clientAuth: saved.clientAuth,
  });
  try {
    await applyEchoConfig(await tlsConfig(settings));
  } catch (error) {
    console.error(`[cadesk] TLS echo server: the saved settings could not be applied: ${runtime.error ?? (error as Error).message}`);
  }
  return true;
}

/** Starts following the saved settings (once per process); lib/ops/lifecycle.ts stops it at shutdown. */
export function followEchoSettings(intervalMs = ECHO_FOLLOW_MS): void {
  assertCan("settings", "follow the echo server's saved settings");
  const runtime = echoRuntime();
  if (runtime.follower) return;
  let running = false;
  runtime.follower = setInterval(() => {
    if (running) return;
    running = true;
    runAs(SYSTEM_ACTOR, () => syncEchoSettings())
      .catch((error) => console.error(`[cadesk] TLS echo server: could not read the saved settings: ${(error as Error).message}`))
      .finally(() => {
        running = false;
      });
  }, intervalMs);
  runtime.follower.unref();
}
