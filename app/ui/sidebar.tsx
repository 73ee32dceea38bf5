"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

const NAV = [
  { href: "/", label: "Overview" },
  { href: "/authorities", label: "Authorities" },
  { href: "/certificates", label: "Certificates" },
  { href: "/certificates/new", label: "Issue certificate" },
  { href: "/certificates/sign-csr", label: "Sign a CSR" },
  { href: "/inspect", label: "Inspect" },
  { href: "/tls", label: "Test TLS" },
  { href: "/notifications", label: "Notifications" },
];

export function Sidebar() {
  const pathname = usePathname();
  const active = (href: string) =>
    href === "/" ? pathname === "/" : pathname === href || (pathname.startsWith(href + "/") && !NAV.some((n) => n.href !== href && n.href.startsWith(href) && pathname.startsWith(n.href)));
  return (
    <nav aria-label="Main" className="flex h-full flex-col gap-1 p-3">
      <Link href="/" className="mb-4 flex items-center gap-2 px-2 py-1 text-lg font-semibold text-slate-900 no-underline hover:no-underline dark:text-white">
        <span aria-hidden className="grid h-7 w-7 place-items-center rounded-md bg-sky-700 text-sm text-white">ca</span>
        cadesk
      </Link>
      {NAV.map((item) => (
        <Link
          key={item.href}
          href={item.href}
          aria-current={active(item.href) ? "page" : undefined}
          className="rounded-md px-2 py-1.5 text-sm text-slate-700 no-underline hover:bg-slate-100 hover:no-underline aria-[current=page]:bg-sky-50 aria-[current=page]:font-medium aria-[current=page]:text-sky-800 dark:text-slate-300 dark:hover:bg-slate-800 dark:aria-[current=page]:bg-sky-950 dark:aria-[current=page]:text-sky-300"
        >
          {item.label}
        </Link>
      ))}
    </nav>
  );
}
