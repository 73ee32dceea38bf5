"use client";

import Link from "next/link";
import { Brand } from "./brand";
import { usePathname } from "next/navigation";
import { useState } from "react";
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
  { href: "/acme-endpoints", label: "ACME", needs: "manage_cas" },
  { href: "/notifications", label: "Notifications", needs: "settings" },
  { href: "/settings/users", label: "Users", needs: "users" },
  { href: "/settings/tokens", label: "API tokens", needs: "users" },
  { href: "/settings/sign-in", label: "Sign-in", needs: "settings" },
  { href: "/audit", label: "Audit log", needs: "audit" },
];

const LINK =
  "rounded-md px-2 py-1.5 text-sm text-slate-700 no-underline hover:bg-slate-100 hover:no-underline aria-[current=page]:bg-sky-50 aria-[current=page]:font-medium aria-[current=page]:text-sky-800 dark:text-slate-300 dark:hover:bg-slate-800 dark:aria-[current=page]:bg-sky-950 dark:aria-[current=page]:text-sky-300";

/**
 * The main navigation: a fixed column from the lg breakpoint up, and below it a top bar with a
 * "Menu" button that opens the same links (closed again by a navigation or Escape).
 */
export function Sidebar({ role, email, signOut }: { role: Role; email: string; signOut: () => Promise<void> }) {
  const pathname = usePathname();
  const [open, setOpen] = useState(false);
  const [openedAt, setOpenedAt] = useState(pathname);
  // A link was followed: the phone menu closes (state adjusted while rendering, no effect needed).
  if (openedAt !== pathname) {
    setOpenedAt(pathname);
    setOpen(false);
  }
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
    <>
      <header className="sticky top-0 z-30 flex items-center justify-between border-b border-slate-200 bg-white/95 px-4 py-2 backdrop-blur lg:hidden dark:border-slate-800 dark:bg-slate-900/95">
        <Brand />
        <button
          type="button"
          className="btn"
          aria-expanded={open}
          aria-controls="main-nav"
          onClick={() => setOpen(!open)}
          onKeyDown={(e) => e.key === "Escape" && setOpen(false)}
        >
          <MenuIcon open={open} />
          Menu
        </button>
      </header>
      <aside
        id="main-nav"
        className={`${open ? "block" : "hidden"} border-b border-slate-200 bg-white lg:block lg:w-56 lg:shrink-0 lg:border-r lg:border-b-0 dark:border-slate-800 dark:bg-slate-900`}
        onKeyDown={(e) => e.key === "Escape" && setOpen(false)}
      >
        <div className="lg:sticky lg:top-0">
          <nav aria-label="Main" className="flex flex-col gap-1 p-3 lg:h-screen">
            <Brand className="mb-4 hidden px-2 py-1 lg:flex" />
            {NAV.filter((n) => can(role, n.needs)).map(link)}
            {admin.length > 0 && <p className="mt-4 px-2 text-xs font-semibold tracking-wide text-slate-500 uppercase">Admin</p>}
            {admin.map(link)}
            <div className="mt-4 border-t border-slate-200 pt-3 lg:mt-auto dark:border-slate-800">
              <Link href="/account" aria-current={active("/account") ? "page" : undefined} className={`${LINK} block`}>
                <span className="block truncate font-medium">{email}</span>
                <span className="block text-xs text-slate-600 dark:text-slate-400">{role}</span>
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
        </div>
      </aside>
    </>
  );
}

function MenuIcon({ open }: { open: boolean }) {
  return (
    <svg
      aria-hidden="true"
      viewBox="0 0 16 16"
      className="h-4 w-4"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.6"
      strokeLinecap="round"
    >
      {open ? <path d="m4 4 8 8M12 4l-8 8" /> : <path d="M2.5 4h11M2.5 8h11M2.5 12h11" />}
    </svg>
  );
}
