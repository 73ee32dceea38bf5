import type { AcmeEndpoint } from "@/generated/prisma/client";
import { getDb } from "../db";
import { AppError } from "../errors";

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
