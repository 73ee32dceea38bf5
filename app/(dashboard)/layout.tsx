import { DashboardShell } from "../ui/dashboard-shell";

// Every page reads the live store: never prerender at build time.
export const dynamic = "force-dynamic";

export default function DashboardLayout({ children }: { children: React.ReactNode }) {
  return <DashboardShell>{children}</DashboardShell>;
}
