import { z } from "zod";
import { assertCan } from "../auth/actor";
import { operatorCandidates } from "../data/authorities";
import { getDb } from "../db";
import { AppError } from "../errors";
import { parseInput } from "../validations/parse";
import { audit } from "./audit";
import { findAuthority } from "../data/find";

const ZOperatorsInput = z.object({
  /** false: every operator may use the CA; true: only those listed. */
  restrict: z.boolean(),
  operatorIds: z.array(z.string().max(100)).max(1000).default([]),
});

/** Which operators (people or operator API tokens) may issue, renew and revoke with a CA (admins always may). */
export async function setAuthorityOperators(id: string, raw: unknown): Promise<void> {
  assertCan("manage_cas", "choose a CA's operators");
  const input = parseInput(ZOperatorsInput, raw);
  const authority = await findAuthority(id, "id");
  const known = (await operatorCandidates()).filter((c) => input.operatorIds.includes(c.id));
  if (known.length !== new Set(input.operatorIds).size)
    throw new AppError("INVALID_INPUT", "Only existing operators (people or operator API tokens) can be allowed on a CA.", "operatorIds");
  await getDb().authority.update({ where: { id }, data: { operatorIds: input.restrict ? JSON.stringify(known.map((u) => u.id)) : null } });
  await audit({
    action: "ca.operators",
    objectType: "authority",
    objectId: id,
    objectLabel: authority.commonName,
    detail: input.restrict ? { allowed: known.map((u) => u.label) } : { allowed: "all operators" },
  });
}
