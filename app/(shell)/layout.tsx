import { DashboardShell } from "../ui/dashboard-shell";

export const dynamic = "force-dynamic";

/**
 * The same shell as the dashboard, for addresses no route claims. It has no loading.tsx: the
 * dashboard's Suspense boundary would send the page with status 200 before the 404 is known, so
 * unknown addresses live in this group and answer a real 404 with the sidebar.
 */
export default function ShellLayout({ children }: { children: React.ReactNode }) {
  return <DashboardShell>{children}</DashboardShell>;
}
