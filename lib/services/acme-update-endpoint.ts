import type { AcmeEndpoint } from "@/generated/prisma/client";
import { assertCan, assertRecentAuth } from "../auth/actor";
import { getDb } from "../db";
import { AppError } from "../errors";
import { ZAcmeEndpointInput, ZAcmeEndpointPatch } from "../validations/acme";
import { parseInput } from "../validations/parse";
import { audit } from "./audit";
import { endpointColumns, findAcmeEndpoint } from "./acme-endpoint-lookup";
import { findAuthority } from "../data/find";

/** The endpoint's stored settings in the shape the input schema reads. */
function currentSettings(e: AcmeEndpoint) {
  return {
    name: e.name,
    caId: e.authorityId,
    profiles: JSON.parse(e.profiles) as string[],
    defaultProfile: e.defaultProfile,
    validityDays: e.validityDays,
    maxValidityDays: e.maxValidityDays,
    challenges: JSON.parse(e.challenges) as string[],
    requireEab: e.requireEab,
    allowedIdentifiers: JSON.parse(e.allowedIdentifiers) as string[],
    termsOfServiceUrl: e.termsOfServiceUrl ?? undefined,
  };
}

/**
 * Changes an endpoint's settings (PATCH: fields left out keep their value). The result is checked
 * as a whole, like a new endpoint, so a patch cannot leave the default profile outside the
 * offered ones. The name is the directory URL clients hold, so it cannot change. New settings
 * apply to the next order; accounts made without EAB stay valid when EAB becomes required
 * (RFC 8555 7.3.4 binds at account creation).
 */
export async function updateAcmeEndpoint(id: string, raw: unknown, now = new Date()): Promise<AcmeEndpoint> {
  assertCan("manage_cas", "change ACME endpoints");
  assertRecentAuth(now);
  const endpoint = await findAcmeEndpoint(id);
  const patch = parseInput(ZAcmeEndpointPatch, raw);
  if (patch.name !== undefined && patch.name !== endpoint.name) {
    throw new AppError(
      "INVALID_INPUT",
      `The name is the directory URL ACME clients are configured with (/acme/${endpoint.name}/directory), so it cannot change: create a new endpoint instead.`,
      "name",
    );
  }
  const before = currentSettings(endpoint);
  // A patch that names profiles but no default keeps the old default only if it is still offered.
  const offered = patch.profiles === undefined ? before.profiles : patch.profiles;
  const keepDefault = Array.isArray(offered) ? offered.includes(before.defaultProfile) : String(offered).includes(before.defaultProfile);
  const defaultProfile = patch.defaultProfile ?? (keepDefault ? before.defaultProfile : undefined);
  // null clears an optional setting (the terms of service URL), as an empty form field does.
  const defined = Object.fromEntries(
    Object.entries(patch)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, v === null ? "" : v]),
  );
  const input = parseInput(ZAcmeEndpointInput, { ...before, ...defined, defaultProfile, name: endpoint.name });
  if (input.caId !== endpoint.authorityId) {
    const authority = await findAuthority(input.caId);
    if (authority.status === "revoked") {
      throw new AppError("INVALID_INPUT", `The CA "${authority.commonName}" is revoked and cannot sign: choose another CA.`, "caId");
    }
  }
  const updated = await getDb().acmeEndpoint.update({
    where: { id },
    data: endpointColumns(input),
  });
  const after = currentSettings(updated);
  const changed = Object.fromEntries(
    Object.entries(after).filter(([k, v]) => JSON.stringify(v) !== JSON.stringify(before[k as keyof typeof before])),
  );
  await audit({
    action: "acme.endpoint.update",
    objectType: "acme_endpoint",
    objectId: id,
    objectLabel: endpoint.name,
    detail: { changed, before: Object.fromEntries(Object.keys(changed).map((k) => [k, before[k as keyof typeof before]])) },
  });
  return updated;
}
