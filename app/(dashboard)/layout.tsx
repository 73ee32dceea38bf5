import { requireUser } from "@/lib/auth/request";
import { signOutAction } from "../(auth)/actions";
import { Sidebar } from "../ui/sidebar";

// Every page reads the live store: never prerender at build time.
export const dynamic = "force-dynamic";

export default async function DashboardLayout({ children }: { children: React.ReactNode }) {
  const user = await requireUser();
  return (
    <div className="flex min-h-screen">
      <aside className="w-56 shrink-0 border-r border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
        <div className="sticky top-0">
          <Sidebar role={user.role!} email={user.label} signOut={signOutAction} />
        </div>
      </aside>
      <main className="min-w-0 flex-1 px-8 py-6">
        <div className="mx-auto max-w-6xl">{children}</div>
      </main>
    </div>
  );
}
