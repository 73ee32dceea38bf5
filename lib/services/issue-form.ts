import { parseSanText, sansToLists } from "../pki/names";

/**
 * The issue and sign-CSR forms, read into the API's input shape so both go through the same
 * schema and service. The SAN field is free text (one entry per line or comma), typed by shape.
 */
export function issueInputFromForm(form: FormData, csrPem?: string): Record<string, unknown> {
  const text = (name: string) => {
    const v = form.get(name);
    return typeof v === "string" ? v : undefined;
  };
  const sanText = text("sans") ?? "";
  return {
    caId: text("caId"),
    profile: text("profile"),
    commonName: text("commonName"),
    organization: text("organization"),
    organizationalUnit: text("organizationalUnit"),
    sans: sanText.trim() ? sansToLists(parseSanText(sanText)) : undefined,
    keyType: text("keyType"),
    validityDays: text("validityDays"),
    keepPrivateKey: form.get("discardPrivateKey") !== "on",
    ...(csrPem !== undefined ? { csrPem } : {}),
  };
}
