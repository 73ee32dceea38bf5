import { assertUploadSize } from "../errors";
import { toPem } from "../pki/pem";

/**
 * The text of an optional uploaded file, else the pasted text. An upload in binary DER is
 * wrapped as PEM under `label` so the rest of the pipeline reads one format.
 */
export async function pastedOrUploaded(pasted: unknown, file: unknown, label: string, field: string): Promise<string> {
  if (file instanceof File && file.size > 0) {
    assertUploadSize(file.size, field);
    const bytes = new Uint8Array(await file.arrayBuffer());
    return bytes[0] === 0x30 ? toPem(bytes, label) : Buffer.from(bytes).toString("utf8");
  }
  const text = typeof pasted === "string" ? pasted : "";
  assertUploadSize(Buffer.byteLength(text), field);
  return text;
}
