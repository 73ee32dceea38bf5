import { CopyButton } from "./copy-button";

/** Monospace text (PEM, commands, config) with a copy button. */
export function PemBlock({ text, title, label, tall }: { text: string; title?: string; label?: string; tall?: boolean }) {
  return (
    <figure className="min-w-0">
      <div className="mb-1.5 flex items-center justify-between gap-2">
        {title ? <figcaption className="text-sm font-medium">{title}</figcaption> : <span />}
        <CopyButton text={text} label={label} />
      </div>
      {/* Focusable, so keyboard users can scroll a long block (WCAG 2.1.1). */}
      <pre className={tall ? "pem max-h-[70vh]" : "pem"} tabIndex={0}>
        {text.trimEnd()}
      </pre>
    </figure>
  );
}
