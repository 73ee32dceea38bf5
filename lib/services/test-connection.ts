import { X509Certificate } from "node:crypto";
import { getDb } from "../db";
import { AppError } from "../errors";
import { diagnose, type DoctorInput, type DoctorResult } from "../tls/connection-doctor";
import { echoRuntime } from "../tls/echo-runtime";
import { parseInput } from "../validations/parse";
import { ZTlsTestInput } from "../validations/tls";
import { parsePemBlocks } from "../pki/pem";
import { assertCan, assertRecentAuth } from "../auth/actor";
import { audit, checkSensitive } from "./audit";
import { fileBaseName, servingPems } from "./export-certificate";
import { revocationState } from "./revocation-state";

/** The name the echo server's certificate is valid for, for SNI and the host check. */
async function echoServerName(): Promise<string> {
  const settings = await getDb().echoSettings.findUnique({
    where: { id: 1 },
    include: { certificate: { select: { sans: true, commonName: true } } },
  });
  if (!settings?.certificate || !echoRuntime().server.listening) {
    throw new AppError(
      "INVALID_INPUT",
      "The built-in echo server is not running: choose its certificate on the TLS page (or PUT /api/v1/echo) first.",
      "host",
    );
  }
  const sans = JSON.parse(settings.certificate.sans) as { type: string; value: string }[];
  return sans.find((s) => s.type === "dns" && !s.value.startsWith("*"))?.value ?? sans[0]?.value ?? settings.certificate.commonName;
}

/** Runs the connection doctor from the server, with trust anchors and client certificate from the store. */
export async function testConnection(raw: unknown): Promise<DoctorResult> {
  assertCan("issue", "run the connection doctor");
  const input = parseInput(ZTlsTestInput, raw);
  const db = getDb();
  const toEcho = input.host === "echo";
  if (!toEcho && !input.port) throw new AppError("INVALID_INPUT", "Enter the port to connect to (443 for HTTPS).", "port");

  let trust: DoctorInput["trust"] = "system";
  if (input.caIds?.length) {
    const cas = await db.authority.findMany({
      where: { id: { in: input.caIds } },
      select: { commonName: true, certificatePem: true, serialHex: true },
    });
    if (cas.length !== input.caIds.length) throw new AppError("NOT_FOUND", "One of the chosen CAs does not exist.", "caIds");
    trust = {
      pems: cas.map((c) => c.certificatePem),
      label: cas.map((c) => `cadesk CA "${c.commonName}"`).join(", "),
      file: `${fileBaseName(cas[0]!.commonName, cas[0]!.serialHex)}.crt`,
    };
  } else if (input.caPem?.trim()) {
    try {
      new X509Certificate(input.caPem);
    } catch {
      throw new AppError("INVALID_PEM", "The pasted CA is not a PEM certificate.", "caPem");
    }
    trust = { pems: [input.caPem], label: "the CA you pasted", file: "ca.pem" };
  }

  let client: DoctorInput["client"];
  let usedKey: { id: string; commonName: string } | undefined;
  if (input.clientCertificateId) {
    const certificate = await db.certificate.findUnique({
      where: { id: input.clientCertificateId },
      select: { id: true, commonName: true, serialHex: true },
    });
    if (!certificate)
      throw new AppError(
        "NOT_FOUND",
        `There is no certificate with id "${input.clientCertificateId.slice(0, 100)}".`,
        "clientCertificateId",
      );
    // The key is used for one handshake inside this process, not handed out: the same rights as
    // a download, but recorded as the connection test it is (tls.test), not as a key export.
    await checkSensitive(
      { action: "tls.test", objectType: "certificate", objectId: certificate.id, objectLabel: certificate.commonName },
      () => assertCan("export_keys", "use a stored private key for a connection test"),
      () => assertRecentAuth(),
    );
    const pems = await servingPems(certificate.id);
    client = { ...pems, file: `${fileBaseName(certificate.commonName, certificate.serialHex)}.fullchain.pem` };
    usedKey = certificate;
  }

  const intermediates = await db.authority.findMany({
    where: { parentId: { not: null } },
    select: { commonName: true, certificatePem: true },
  });
  const host = toEcho ? "127.0.0.1" : input.host;
  const port = toEcho ? (echoRuntime().server.port ?? echoRuntime().port) : input.port!;
  const result = await diagnose({
    host,
    port,
    serverName: input.serverName ?? (toEcho ? await echoServerName() : undefined),
    trust,
    client,
    storeIntermediates: intermediates.map((a) => ({ der: parsePemBlocks(a.certificatePem)[0]!.der, name: a.commonName })),
    revocationFor: revocationState,
    mode: input.mode ?? "private",
  });
  if (usedKey) {
    await audit({
      action: "tls.test",
      outcome: result.ok ? "success" : "failure",
      objectType: "certificate",
      objectId: usedKey.id,
      objectLabel: usedKey.commonName,
      detail: { target: toEcho ? "echo server" : `${host}:${port}`, usedStoredKey: true, ...(result.code ? { code: result.code } : {}) },
    });
  }
  return result;
}
