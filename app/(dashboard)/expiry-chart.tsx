import type { TimelineBar } from "@/lib/data/overview";
import type { CertificateStatus } from "@/lib/validations/certificate";

/** The inventory filtered to what one bar (or one part of it) counts. */
export function barHref(bar: TimelineBar, status?: CertificateStatus): string {
  const params = new URLSearchParams({ expiresFrom: bar.start.toISOString(), expiresBefore: bar.end.toISOString(), sort: "expiry" });
  if (status) params.set("status", status);
  return `/certificates?${params}`;
}

const day = (d: Date) => d.toISOString().slice(0, 10);

/**
 * Expiries per week over the next 90 days as a stacked SVG bar chart (server-rendered, no script).
 * Amber is what already counts as expiring (the certificate is inside its notice window, the
 * rule of lib/data/status.ts), sky the rest; each part links to the certificates it counts.
 */
export function ExpiryChart({ bars }: { bars: TimelineBar[] }) {
  const max = Math.max(1, ...bars.map((b) => b.count));
  const width = 640;
  const height = 160;
  const gap = 6;
  const barWidth = (width - gap * (bars.length - 1)) / bars.length;
  const plot = height - 28;
  const scale = (n: number) => (n ? Math.max(3, (n / max) * (plot - 14)) : 0);
  return (
    <figure>
      <svg
        role="group"
        aria-label={`Certificates expiring per week: ${bars.map((b) => b.count).join(", ")}`}
        viewBox={`0 0 ${width} ${height}`}
        className="w-full"
      >
        {bars.map((b, i) => {
          const total = scale(b.count);
          const amber = b.expiring ? Math.min(total, Math.max(3, (b.expiring / max) * (plot - 14))) : 0;
          const x = i * (barWidth + gap);
          const rest = b.count - b.expiring;
          return (
            <g key={i}>
              {rest > 0 && (
                <a
                  // "valid" always: without a status the list would also show the revoked ones the bar leaves out.
                  href={barHref(b, "valid")}
                  aria-label={`${rest} expiring in the week of ${day(b.start)}, not yet due`}
                >
                  <rect
                    x={x}
                    y={plot - total}
                    width={barWidth}
                    height={total - amber}
                    rx={3}
                    className="fill-sky-600 hover:fill-sky-700"
                    data-part="later"
                  >
                    <title>{`${rest} expiring in the week of ${day(b.start)}, not yet in their notice window`}</title>
                  </rect>
                </a>
              )}
              {b.expiring > 0 && (
                <a href={barHref(b, "expiring")} aria-label={`${b.expiring} expiring in the week of ${day(b.start)}, due for renewal`}>
                  <rect
                    x={x}
                    y={plot - amber}
                    width={barWidth}
                    height={amber}
                    rx={3}
                    className="fill-amber-500 hover:fill-amber-600"
                    data-part="expiring"
                  >
                    <title>{`${b.expiring} in the week of ${day(b.start)} already in their notice window: renew them`}</title>
                  </rect>
                </a>
              )}
              {b.count > 0 && (
                <text
                  x={x + barWidth / 2}
                  y={plot - total - 4}
                  textAnchor="middle"
                  className="fill-slate-600 text-[11px] dark:fill-slate-300"
                  data-count={b.count}
                >
                  {b.count}
                </text>
              )}
              {i % 2 === 0 && (
                <text x={x + barWidth / 2} y={height - 8} textAnchor="middle" className="fill-slate-500 text-[10px]">
                  {b.start.toISOString().slice(5, 10)}
                </text>
              )}
            </g>
          );
        })}
        <line x1={0} x2={width} y1={plot} y2={plot} className="stroke-slate-300 dark:stroke-slate-700" />
      </svg>
      <figcaption className="hint">
        Expiries per week, next 90 days. <span className="font-medium text-amber-700 dark:text-amber-400">Amber</span>: already expiring (30
        days before the end; 7 for certificates of 30 days or less). Click a bar to list them.
      </figcaption>
    </figure>
  );
}
