/**
 * The one cache of ready-to-sign CAs and OCSP responders: parsing a certificate and unsealing and
 * importing its key on every signature would cost more than the signature itself. Keys name the
 * exact material (a CA's id and fingerprint, a responder's serial), so a renewed or replaced one
 * is a new entry and a stale entry is never served; the oldest entries go past a bound.
 */
import type { x509 } from "../pki/crypto-provider";
import type { Signer } from "./signer";

/** A certificate and the signer of its key. */
export interface LoadedSigner {
  certificate: x509.X509Certificate;
  signer: Signer;
}

const MAX_ENTRIES = 1000;
const entries = new Map<string, Promise<LoadedSigner>>();

/** The cached entry for `key`, or the one `load` makes (a failed load is not kept, so the next call tries again). */
export function cachedSigner(key: string, load: () => Promise<LoadedSigner>): Promise<LoadedSigner> {
  const hit = entries.get(key);
  if (hit) {
    // Map order is insertion order: re-inserting marks it recently used.
    entries.delete(key);
    entries.set(key, hit);
    return hit;
  }
  const loading = load();
  loading.catch(() => entries.delete(key));
  entries.set(key, loading);
  while (entries.size > MAX_ENTRIES) entries.delete(entries.keys().next().value!);
  return loading;
}

/** For tests: how many entries are held. */
export function cachedSignerCount(): number {
  return entries.size;
}
