import Link from "next/link";

/** The cadesk mark and name, linking to the overview. */
export function Brand({ className = "" }: { className?: string }) {
  return (
    <Link
      href="/"
      className={`flex items-center gap-2 text-lg font-semibold text-slate-900 no-underline hover:no-underline dark:text-white ${className}`}
    >
      <BrandMark />
      cadesk
    </Link>
  );
}

/** The same drawing as app/icon.svg: a certificate seal on the brand colour. */
export function BrandMark({ size = 28 }: { size?: number }) {
  return (
    <svg aria-hidden="true" width={size} height={size} viewBox="0 0 32 32" className="shrink-0">
      <rect width="32" height="32" rx="7" fill="#0369a1" />
      <path d="M9 9.5h14M9 14h9" stroke="#fff" strokeWidth="2.2" strokeLinecap="round" />
      <circle cx="20.5" cy="21" r="4.2" fill="none" stroke="#fff" strokeWidth="2.2" />
      <path d="m18.4 24.6-1.2 3.9 3.3-1.6 3.3 1.6-1.2-3.9" fill="#fff" />
    </svg>
  );
}
