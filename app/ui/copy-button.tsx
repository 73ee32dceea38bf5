"use client";

import { useEffect, useState } from "react";

/** Copies through the Clipboard API, or the older selection route where it is missing (plain HTTP). */
async function copyText(text: string): Promise<boolean> {
  try {
    if (navigator.clipboard) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // Refused (no permission, not focused): try the selection route below.
  }
  const area = document.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.style.position = "fixed";
  area.style.opacity = "0";
  document.body.append(area);
  area.select();
  try {
    return document.execCommand("copy");
  } finally {
    area.remove();
  }
}

/** "Copy" that says "Copied" (and tells screen readers) for a moment, or that copying failed. */
export function CopyButton({ text, label = "Copy" }: { text: string; label?: string }) {
  const [result, setResult] = useState<"copied" | "failed" | null>(null);
  useEffect(() => {
    if (!result) return;
    const timer = setTimeout(() => setResult(null), 2000);
    return () => clearTimeout(timer);
  }, [result]);
  return (
    <>
      <button type="button" className="btn btn-sm" onClick={async () => setResult((await copyText(text)) ? "copied" : "failed")}>
        {result === "copied" ? (
          <>
            <svg aria-hidden="true" viewBox="0 0 16 16" className="h-3.5 w-3.5" fill="none" stroke="currentColor" strokeWidth="2">
              <path d="m3.5 8.5 3 3 6-7" strokeLinecap="round" strokeLinejoin="round" />
            </svg>
            Copied
          </>
        ) : result === "failed" ? (
          "Select and copy by hand"
        ) : (
          label
        )}
      </button>
      <span aria-live="polite" className="sr-only">
        {result === "copied" ? "Copied to the clipboard" : result === "failed" ? "Copying failed" : ""}
      </span>
    </>
  );
}
