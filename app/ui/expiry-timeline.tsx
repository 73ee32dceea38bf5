import type { TimelineBar } from "@/lib/data/overview";

/**
 * Expiries per week over the next 90 days as an SVG bar chart (server-rendered, no script).
 * The first four weeks are the "expiring" window and are drawn in amber.
 */
export function ExpiryTimeline({ bars }: { bars: TimelineBar[] }) {
  const max = Math.max(1, ...bars.map((b) => b.count));
  const width = 640;
  const height = 160;
  const gap = 6;
  const barWidth = (width - gap * (bars.length - 1)) / bars.length;
  const plot = height - 28;
  return (
    <figure>
      <svg
        role="img"
        aria-label={`Certificates expiring per week: ${bars.map((b) => b.count).join(", ")}`}
        viewBox={`0 0 ${width} ${height}`}
        className="w-full"
      >
        {bars.map((b, i) => {
          const h = b.count ? Math.max(3, (b.count / max) * (plot - 14)) : 0;
          const x = i * (barWidth + gap);
          return (
            <g key={i}>
              <rect x={x} y={plot - h} width={barWidth} height={h} rx={3} className={i < 4 ? "fill-amber-500" : "fill-sky-600"}>
                <title>{`${b.count} expiring in the week of ${b.start.toISOString().slice(0, 10)}`}</title>
              </rect>
              {b.count > 0 && (
                <text x={x + barWidth / 2} y={plot - h - 4} textAnchor="middle" className="fill-slate-600 text-[11px] dark:fill-slate-300">
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
      <figcaption className="hint">Certificates expiring each week over the next 90 days; amber bars are within 30 days.</figcaption>
    </figure>
  );
}
