/**
 * Rows that must exist: one "find or NOT_FOUND" per table instead of a copy in every service and
 * route, with a message that says where to look the id up.
 *
 * Direction: lib/services may import lib/data (reads), lib/data never imports lib/services. Data
 * does no permission checks: pages check the signed-in user (requireUser), services the actor.
 */
import type { Authority, Certificate } from "@/generated/prisma/client";
import { getDb } from "../db";
import { AppError } from "../errors";

const shown = (id: string) => id.slice(0, 100);

/** The CA with this id; NOT_FOUND (on `field`) otherwise. */
export async function findAuthority(id: string, field = "caId"): Promise<Authority> {
  const authority = await getDb().authority.findUnique({ where: { id } });
  if (!authority) {
    throw new AppError(
      "NOT_FOUND",
      `There is no CA with id "${shown(id)}". List them on the Authorities page or with GET /api/v1/cas.`,
      field,
    );
  }
  return authority;
}

/** The certificate with this id; NOT_FOUND (on `field`) otherwise. */
export async function findCertificate(id: string, field = "id"): Promise<Certificate> {
  const certificate = await getDb().certificate.findUnique({ where: { id } });
  if (!certificate) {
    throw new AppError(
      "NOT_FOUND",
      `There is no certificate with id "${shown(id)}". Search for it on the Certificates page or with GET /api/v1/certificates.`,
      field,
    );
  }
  return certificate;
}

/** The issuing CA and its ancestors, nearest first, ending at the root (or the last CA held). */
export async function authorityChain(authorityId: string): Promise<Authority[]> {
  const chain: Authority[] = [];
  let next: string | null = authorityId;
  // 16 bounds a loop a corrupted parentId could make; real hierarchies have 2 or 3 levels.
  while (next && chain.length < 16) {
    const authority: Authority | null = await getDb().authority.findUnique({ where: { id: next } });
    if (!authority) break;
    chain.push(authority);
    next = authority.parentId;
  }
  return chain;
}
