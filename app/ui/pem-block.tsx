import { CopyButton } from "./copy-button";

/** Monospace text (PEM, commands, config) with a copy button. */
export function PemBlock({ text, title, label }: { text: string; title?: string; label?: string }) {
  return (
    <figure className="min-w-0">
      <div className="mb-1.5 flex items-center justify-between gap-2">
        {title ? <figcaption className="text-sm font-medium">{title}</figcaption> : <span />}
        <CopyButton text={text} label={label} />
      </div>
      <pre className="pem">{text.trimEnd()}</pre>
    </figure>
  );
}
