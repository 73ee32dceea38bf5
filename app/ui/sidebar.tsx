"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { can, type Permission, type Role } from "@/lib/auth/roles";

const NAV: { href: string; label: string; needs: Permission }[] = [
  { href: "/", label: "Overview", needs: "view" },
  { href: "/authorities", label: "Authorities", needs: "view" },
  { href: "/certificates", label: "Certificates", needs: "view" },
  { href: "/certificates/new", label: "Issue certificate", needs: "issue" },
  { href: "/certificates/sign-csr", label: "Sign a CSR", needs: "issue" },
  { href: "/inspect", label: "Inspect", needs: "view" },
  { href: "/tls", label: "Test TLS", needs: "issue" },
];

const ADMIN_NAV: { href: string; label: string; needs: Permission }[] = [
  { href: "/notifications", label: "Notifications", needs: "settings" },
  { href: "/settings/users", label: "Users", needs: "users" },
  { href: "/settings/tokens", label: "API tokens", needs: "users" },
  { href: "/audit", label: "Audit log", needs: "audit" },
];

const LINK =
  "rounded-md px-2 py-1.5 text-sm text-slate-700 no-underline hover:bg-slate-100 hover:no-underline aria-[current=page]:bg-sky-50 aria-[current=page]:font-medium aria-[current=page]:text-sky-800 dark:text-slate-300 dark:hover:bg-slate-800 dark:aria-[current=page]:bg-sky-950 dark:aria-[current=page]:text-sky-300";

export function Sidebar({ role, email, signOut }: { role: Role; email: string; signOut: () => Promise<void> }) {
  const pathname = usePathname();
  const all = [...NAV, ...ADMIN_NAV];
  const active = (href: string) =>
    href === "/"
      ? pathname === "/"
      : pathname === href ||
        (pathname.startsWith(href + "/") && !all.some((n) => n.href !== href && n.href.startsWith(href) && pathname.startsWith(n.href)));
  const link = (item: (typeof NAV)[number]) => (
    <Link key={item.href} href={item.href} aria-current={active(item.href) ? "page" : undefined} className={LINK}>
      {item.label}
    </Link>
  );
  const admin = ADMIN_NAV.filter((n) => can(role, n.needs));
  return (
    <nav aria-label="Main" className="flex h-screen flex-col gap-1 p-3">
      <Link
        href="/"
        className="mb-4 flex items-center gap-2 px-2 py-1 text-lg font-semibold text-slate-900 no-underline hover:no-underline dark:text-white"
      >
        <span aria-hidden className="grid h-7 w-7 place-items-center rounded-md bg-sky-700 text-sm text-white">
          ca
        </span>
        cadesk
      </Link>
      {NAV.filter((n) => can(role, n.needs)).map(link)}
      {admin.length > 0 && <p className="mt-4 px-2 text-xs font-semibold tracking-wide text-slate-500 uppercase">Admin</p>}
      {admin.map(link)}
      <div className="mt-auto border-t border-slate-200 pt-3 dark:border-slate-800">
        <Link href="/account" aria-current={active("/account") ? "page" : undefined} className={`${LINK} block`}>
          <span className="block truncate font-medium">{email}</span>
          <span className="block text-xs text-slate-500">{role}</span>
        </Link>
        <form action={signOut}>
          <button
            type="submit"
            className="mt-1 w-full rounded-md px-2 py-1.5 text-left text-sm text-slate-700 hover:bg-slate-100 dark:text-slate-300 dark:hover:bg-slate-800"
          >
            Sign out
          </button>
        </form>
      </div>
    </nav>
  );
}
