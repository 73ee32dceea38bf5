import type { CaKeyLocation } from "@/lib/data/ca-key";

/**
 * Where the CA's private key is, and for a key in the HSM whether the token answers now. No key
 * is offered for download either way: a sealed CA key never leaves the server, a token key never
 * leaves the token.
 */
export function KeyLocation({ location }: { location: CaKeyLocation }) {
  if (location.storage === "sealed") {
    return (
      <div>
        <h2 className="mb-2">Private key</h2>
        <p className="text-sm">Sealed in cadesk&apos;s store (AES-256-GCM under the master key). It is never offered for download.</p>
      </div>
    );
  }
  return (
    <div>
      <h2 className="mb-2">Private key</h2>
      <p className="text-sm">
        In the HSM (PKCS#11): generated or kept inside the token, marked sensitive and not extractable, so nobody can export it.
      </p>
      <dl className="mt-2 grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-sm">
        <dt className="text-slate-500">Token</dt>
        <dd className="wrap-anywhere">{location.tokenLabel}</dd>
        <dt className="text-slate-500">Key id</dt>
        <dd className="wrap-anywhere font-mono text-xs">{location.keyId}</dd>
        {location.keyLabel && (
          <>
            <dt className="text-slate-500">Key label</dt>
            <dd className="wrap-anywhere">{location.keyLabel}</dd>
          </>
        )}
      </dl>
      {location.problem ? (
        <p
          role="alert"
          className="mt-2 rounded-md border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-900 dark:border-red-900 dark:bg-red-950 dark:text-red-200"
        >
          This CA cannot sign now: {location.problem}
        </p>
      ) : (
        location.usable && <p className="mt-2 text-sm text-emerald-800 dark:text-emerald-300">The token answers: this CA can sign.</p>
      )}
    </div>
  );
}
