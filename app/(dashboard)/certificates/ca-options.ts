import { listAuthorities } from "@/lib/data/authorities";
import type { CaOption } from "../../ui/leaf-fields";

/** CAs that can issue now (not expired), labelled with their place in the hierarchy. */
export async function issuingCaOptions(): Promise<CaOption[]> {
  return (await listAuthorities())
    .filter((a) => a.daysLeft >= 0)
    .map((a) => ({ value: a.id, label: `${"\u2003".repeat(a.depth)}${a.commonName}${a.depth === 0 ? " (root)" : ""}`, notAfter: a.notAfter.toISOString() }));
}
