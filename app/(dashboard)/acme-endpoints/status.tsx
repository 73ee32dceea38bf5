const GREEN = "bg-emerald-50 text-emerald-800 ring-emerald-600/20 dark:bg-emerald-950 dark:text-emerald-300";
const AMBER = "bg-amber-50 text-amber-800 ring-amber-600/30 dark:bg-amber-950 dark:text-amber-300";
const RED = "bg-red-50 text-red-800 ring-red-600/20 dark:bg-red-950 dark:text-red-300";
const GREY = "bg-slate-100 text-slate-700 ring-slate-500/30 dark:bg-slate-800 dark:text-slate-300";

/** RFC 8555 7.1.6 states of orders, authorizations, challenges and accounts, plus EAB key states. */
const STYLES: Record<string, string> = {
  valid: GREEN,
  bound: GREEN,
  ready: AMBER,
  pending: AMBER,
  processing: AMBER,
  unused: AMBER,
  invalid: RED,
  revoked: GREY,
  deactivated: GREY,
  expired: GREY,
};

export function AcmeStatus({ status }: { status: string }) {
  return (
    <span
      className={`inline-flex rounded-full px-2 py-0.5 text-xs font-medium whitespace-nowrap ring-1 ring-inset ${STYLES[status] ?? GREY}`}
    >
      {status}
    </span>
  );
}
