"use server";

import { actAs } from "@/lib/auth/request";
import { revalidatePath } from "next/cache";
import { AppError } from "@/lib/errors";
import { renewCertificates, revokeCertificates, type BulkResult } from "@/lib/services/bulk-certificates";

/** What a bulk action answers the inventory: one line per certificate, or why none was touched. */
export interface BulkState {
  ok: boolean;
  message?: string;
  /** The password is needed again: the page asks in place and repeats the same request. */
  reauth?: boolean;
  results?: BulkResult[];
}

async function run(act: () => Promise<BulkResult[]>): Promise<BulkState> {
  try {
    const results = await act();
    revalidatePath("/certificates");
    return { ok: results.every((r) => r.ok), results };
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return { ok: false, message: error.message, ...(error.code === "REAUTH_REQUIRED" ? { reauth: true } : {}) };
  }
}

export async function bulkRenewAction(ids: string[], revokeOld: boolean): Promise<BulkState> {
  return run(() => actAs("issue", () => renewCertificates({ ids, revokeOld })));
}

export async function bulkRevokeAction(ids: string[], reason: string): Promise<BulkState> {
  return run(() => actAs("issue", () => revokeCertificates({ ids, reason })));
}
