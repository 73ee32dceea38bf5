import { requireUser } from "@/lib/auth/request";
import { reauthProvider } from "@/lib/data/sign-in";
import { signOutAction } from "../(auth)/actions";
import { ReauthProvider } from "./reauth";
import { Sidebar } from "./sidebar";
import { SkipLink } from "./skip-link";

/**
 * The signed-in shell: a skip link, the sidebar (a menu button below the lg breakpoint), and the
 * re-authentication dialog every sensitive action shares.
 */
export async function DashboardShell({ children }: { children: React.ReactNode }) {
  const user = await requireUser();
  const provider = await reauthProvider(user.userId);
  return (
    <ReauthProvider email={user.label} provider={provider}>
      <SkipLink />
      <div className="min-h-screen lg:flex">
        <Sidebar role={user.role!} email={user.label} signOut={signOutAction} />
        <main id="main" tabIndex={-1} className="min-w-0 flex-1 px-4 py-5 outline-none sm:px-6 lg:px-8 lg:py-6">
          <div className="mx-auto max-w-6xl">{children}</div>
        </main>
      </div>
    </ReauthProvider>
  );
}
