import type { CertificateStatus } from "@/lib/validations/certificate";

const STYLES: Record<CertificateStatus, string> = {
  valid: "bg-emerald-50 text-emerald-800 ring-emerald-600/20 dark:bg-emerald-950 dark:text-emerald-300",
  expiring: "bg-amber-50 text-amber-800 ring-amber-600/30 dark:bg-amber-950 dark:text-amber-300",
  expired: "bg-red-50 text-red-800 ring-red-600/20 dark:bg-red-950 dark:text-red-300",
  revoked: "bg-red-700 text-white ring-red-800 dark:bg-red-700 dark:text-white dark:ring-red-500",
};

export function StatusBadge({ status }: { status: CertificateStatus }) {
  return <span className={`inline-flex rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${STYLES[status]}`}>{status}</span>;
}

/** "in 89 days", "today", "3 days ago". */
export function relativeDays(days: number): string {
  if (days === 0) return "today";
  if (days > 0) return `in ${days} day${days === 1 ? "" : "s"}`;
  return `${-days} day${days === -1 ? "" : "s"} ago`;
}

export function formatDate(date: Date): string {
  return date.toISOString().slice(0, 16).replace("T", " ") + " UTC";
}
