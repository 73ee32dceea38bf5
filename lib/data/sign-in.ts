import { openProblem } from "../auth/oidc/flash";
import { effectiveOidcSettings } from "../auth/oidc/settings";

/** What the sign-in page offers: the provider's button, passwords (or only the break-glass admin's), and a refusal to show. */
export async function signInOptions(problem: string | undefined) {
  const settings = await effectiveOidcSettings();
  return {
    provider: settings.enabled ? { name: settings.displayName } : null,
    localLogin: settings.localLogin,
    problem: openProblem(problem),
  };
}
