import type { AcmeEndpoint } from "@/generated/prisma/client";
import { getDb } from "../db";
import { AppError } from "../errors";
import type { TAcmeEndpointInput } from "../validations/acme";

/** The endpoint with that id, or a NOT_FOUND that says where to find the ids. */
export async function findAcmeEndpoint(id: string, field = "id"): Promise<AcmeEndpoint> {
  const endpoint = await getDb().acmeEndpoint.findUnique({ where: { id } });
  if (!endpoint) {
    throw new AppError(
      "NOT_FOUND",
      `There is no ACME endpoint with id "${id.slice(0, 100)}". List them on the ACME page or with GET /api/v1/acme/endpoints.`,
      field,
    );
  }
  return endpoint;
}

/** An endpoint's settings as its row stores them (lists as JSON text), for creating and updating one alike. */
export function endpointColumns(input: TAcmeEndpointInput) {
  return {
    authorityId: input.caId,
    profiles: JSON.stringify(input.profiles),
    defaultProfile: input.defaultProfile,
    validityDays: input.validityDays,
    maxValidityDays: input.maxValidityDays,
    challenges: JSON.stringify(input.challenges),
    requireEab: input.requireEab,
    allowedIdentifiers: JSON.stringify(input.allowedIdentifiers),
    termsOfServiceUrl: input.termsOfServiceUrl ?? null,
  };
}
