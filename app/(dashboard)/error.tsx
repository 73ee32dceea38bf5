"use client";

export default function DashboardError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <div className="card max-w-xl">
      <h1>Something went wrong</h1>
      <p className="mt-2 text-sm text-slate-600 dark:text-slate-400">
        The page could not be shown. The server log has the details{error.digest ? ` (reference ${error.digest})` : ""}.
      </p>
      <button className="btn mt-4" onClick={reset}>
        Try again
      </button>
    </div>
  );
}
