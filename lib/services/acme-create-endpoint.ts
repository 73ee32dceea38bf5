import { randomUUID } from "node:crypto";
import type { AcmeEndpoint } from "@/generated/prisma/client";
import { assertCan, assertRecentAuth } from "../auth/actor";
import { readConfig } from "../config";
import { getDb } from "../db";
import { AppError } from "../errors";
import { ZAcmeEndpointInput } from "../validations/acme";
import { parseInput } from "../validations/parse";
import { audit } from "./audit";
import { endpointColumns } from "./acme-endpoint-lookup";
import { findAuthority } from "../data/find";

/** The URL ACME clients are configured with (RFC 8555 7.1.1). */
export function acmeDirectoryUrl(name: string): string {
  return `${readConfig().publicUrl}/acme/${name}/directory`;
}

/**
 * Creates an ACME endpoint: a directory issuing from one CA with its own profiles, lifetimes,
 * challenge types, EAB requirement and identifier rules. Admin only: an endpoint lets anyone who
 * reaches it (and passes its policy) obtain certificates from that CA.
 */
export async function createAcmeEndpoint(raw: unknown, now = new Date()): Promise<AcmeEndpoint & { directoryUrl: string }> {
  assertCan("manage_cas", "create ACME endpoints");
  assertRecentAuth(now);
  const input = parseInput(ZAcmeEndpointInput, raw);
  const authority = await findAuthority(input.caId);
  if (authority.status === "revoked") {
    throw new AppError("INVALID_INPUT", `The CA "${authority.commonName}" is revoked and cannot sign: choose another CA.`, "caId");
  }
  const db = getDb();
  if (await db.acmeEndpoint.findUnique({ where: { name: input.name } })) {
    throw new AppError("CONFLICT", `An ACME endpoint named "${input.name}" exists already: choose another name.`, "name");
  }
  const endpoint = await db.acmeEndpoint.create({
    data: { id: randomUUID(), name: input.name, ...endpointColumns(input) },
  });
  await audit({
    action: "acme.endpoint.create",
    objectType: "acme_endpoint",
    objectId: endpoint.id,
    objectLabel: endpoint.name,
    detail: {
      caId: authority.id,
      profiles: input.profiles,
      challenges: input.challenges,
      requireEab: input.requireEab,
      allowedIdentifiers: input.allowedIdentifiers,
    },
  });
  return { ...endpoint, directoryUrl: acmeDirectoryUrl(endpoint.name) };
}
