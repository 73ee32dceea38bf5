import Link from "next/link";

/** "Not found" in cadesk's words, with ways back; the dashboard and the root 404 share it. */
export function NotFoundCard({ signedIn }: { signedIn: boolean }) {
  return (
    <div className="card max-w-xl space-y-3">
      <p className="text-sm font-medium text-slate-500 dark:text-slate-400">404</p>
      <h1>This page does not exist</h1>
      <p className="text-sm text-slate-600 dark:text-slate-400">
        The address may be mistyped, or the certificate, CA or user it pointed to was removed. Certificates are never deleted by revocation:
        search the inventory for its name or serial.
      </p>
      <div className="flex flex-wrap gap-2">
        <Link className="btn btn-primary" href="/">
          Back to the overview
        </Link>
        {signedIn && (
          <Link className="btn" href="/certificates">
            Search certificates
          </Link>
        )}
      </div>
    </div>
  );
}
