import { endSessionUrl } from "../auth/oidc/client";
import { openProblem } from "../auth/oidc/flash";
import { getDb } from "../db";
import { effectiveOidcSettings } from "../auth/oidc/settings";

/** What the sign-in page offers: the provider's button, passwords (or only the break-glass admin's), and a refusal to show. */
export async function signInOptions(problem: string | undefined, signedOutOfProvider = false) {
  const settings = await effectiveOidcSettings();
  return {
    provider: settings.enabled ? { name: settings.displayName } : null,
    localLogin: settings.localLogin,
    problem: openProblem(problem),
    /**
     * After an OIDC user's sign-out, when the provider has a sign-out page (RP-Initiated Logout):
     * cadesk's route to it, which adds the signed-out session's ID token as id_token_hint.
     */
    providerSignOut: signedOutOfProvider && (await endSessionUrl(settings)) ? "/auth/oidc/logout" : null,
  };
}

/** The provider's name when this user signs in through it (they re-authenticate there), else null. */
export async function reauthProvider(userId: string | null): Promise<string | null> {
  if (!userId) return null;
  const user = await getDb().user.findUnique({ where: { id: userId }, select: { oidcSubject: true } });
  return user?.oidcSubject ? (await effectiveOidcSettings()).displayName : null;
}
