/**
 * A refusal shown on the sign-in page after the provider sent the browser back: sealed under the
 * master key (with its time) into the redirect's query, so a crafted link cannot make cadesk's
 * sign-in page display someone else's words.
 */
import { openKey, sealKey } from "../../signers/sealed-key";

const CONTEXT = "oidc-sign-in-problem";
const MAX_AGE_SECONDS = 300;

export function sealProblem(message: string, nowSeconds = Math.floor(Date.now() / 1000)): string {
  return sealKey(Buffer.from(JSON.stringify({ m: message.slice(0, 1000), t: nowSeconds }), "utf8"), CONTEXT);
}

/** The message, or null when missing, forged or older than five minutes. */
export function openProblem(sealed: string | undefined, nowSeconds = Math.floor(Date.now() / 1000)): string | null {
  if (!sealed || sealed.length > 3000) return null;
  try {
    const { m, t } = JSON.parse(Buffer.from(openKey(sealed, CONTEXT)).toString("utf8")) as { m: string; t: number };
    return nowSeconds - t <= MAX_AGE_SECONDS && typeof m === "string" ? m : null;
  } catch {
    return null;
  }
}
