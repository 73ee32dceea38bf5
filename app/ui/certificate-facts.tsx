import type { CertificateSummary } from "@/lib/pki/summary";
import { CopyButton } from "./copy-button";
import { formatDate, relativeDays } from "./status-badge";

/** The summary facts of a certificate as a definition list. */
export function CertificateFacts({
  summary,
  daysLeft,
  extra = [],
}: {
  summary: CertificateSummary;
  daysLeft: number;
  extra?: [string, string][];
}) {
  const rows: [string, React.ReactNode][] = [
    ["Subject", summary.subject],
    ["Issuer", summary.issuer],
    [
      "Serial",
      <code key="s" className="text-xs">
        {summary.serial}
      </code>,
    ],
    ["Valid from", formatDate(summary.notBefore)],
    [
      "Valid until",
      <span key="u">
        {formatDate(summary.notAfter)}{" "}
        <span className="text-slate-500">
          ({daysLeft >= 0 ? `expires ${relativeDays(daysLeft)}` : `expired ${relativeDays(daysLeft)}`})
        </span>
      </span>,
    ],
    ["Key", summary.key],
    ["Signature", summary.signatureAlgorithm],
  ];
  if (summary.sans.length)
    rows.push([
      "Subject Alt Names",
      <span key="san" className="font-mono text-xs">
        {summary.sans.join(", ")}
      </span>,
    ]);
  if (summary.keyUsages.length) rows.push(["Key usage", summary.keyUsages.join(", ")]);
  if (summary.extendedKeyUsages.length) rows.push(["Extended key usage", summary.extendedKeyUsages.join(", ")]);
  rows.push(["Basic constraints", summary.isCa ? "CA:TRUE" : "CA:FALSE"]);
  for (const [k, v] of extra) rows.push([k, v]);
  rows.push(["SHA-256", <Fingerprint key="256" value={summary.sha256} />], ["SHA-1", <Fingerprint key="1" value={summary.sha1} />]);
  return (
    <dl className="dl">
      {rows.map(([k, v]) => (
        <div key={k} className="contents">
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}

function Fingerprint({ value }: { value: string }) {
  return (
    <span className="flex items-start gap-2">
      <code className="break-all text-xs">{value}</code>
      <CopyButton text={value} />
    </span>
  );
}
