/**
 * Summarises a V8 `.cpuprofile` (node --cpu-prof) of the server under the CSR load: self time by
 * area (Next, x509/ASN.1, Prisma/SQLite, crypto, GC, idle) and the top self-time functions.
 * Only the last BENCH_SECONDS of samples count (the load; startup and warm-up come before it).
 */
import { LOAD_SECONDS } from "./tools";

type Node = { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] };
type Profile = { nodes: Node[]; startTime: number; endTime: number; samples: number[]; timeDeltas: number[] };

/** Which part of the stack a function belongs to, from its file and name. */
function area(fn: string, url: string): string {
  if (fn === "(idle)") return "idle (waiting: I/O, thread pool)";
  if (fn === "(garbage collector)") return "garbage collector";
  if (fn === "(program)") return "V8/native (program)";
  const u = url.toLowerCase();
  if (
    /@peculiar|asn1|pvtsutils|pvutils|tslib|reflect-metadata/.test(u) ||
    /^(Asn|asn)|Serializer|Parser|fromBER|toBER|toASN|fromASN/.test(fn)
  )
    return "@peculiar/x509 + ASN.1";
  if (/prisma|better-sqlite3|adapter-better-sqlite3/.test(u)) return "Prisma + better-sqlite3";
  if (/^node:crypto|internal\/crypto|webcrypto/.test(u)) return "node:crypto / WebCrypto";
  if (/node_modules\/next|next\/dist|\.next\/server\/(chunks\/ssr|app-paths|middleware)|react-dom|react-server/.test(u))
    return "Next.js + React server runtime";
  if (/zod/.test(u)) return "zod";
  if (/pino|prom-client/.test(u) || /scripts\/serve\.mjs/.test(u)) return "serve.mjs, logs, metrics";
  if (u.startsWith("node:") || u === "") return "Node core (http, streams, timers)";
  if (/\.next\/server/.test(u)) return "app code (bundled chunks)";
  return "other";
}

export function summariseProfile(profile: Profile, windowSeconds = LOAD_SECONDS): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  const windowStart = profile.endTime - (windowSeconds + 0.5) * 1e6;
  let t = profile.startTime;
  let total = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i]!;
    if (t < windowStart) continue;
    const delta = profile.timeDeltas[i + 1] ?? 0;
    selfUs.set(profile.samples[i]!, (selfUs.get(profile.samples[i]!) ?? 0) + delta);
    total += delta;
  }
  const areas = new Map<string, number>();
  const functions = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    const fn = functionName || "(anonymous)";
    areas.set(area(fn, url), (areas.get(area(fn, url)) ?? 0) + us);
    const key = `${fn} ${url.replace(/^file:\/\/.*?(node_modules|\.next|scripts|lib)\//, "$1/")}:${lineNumber + 1}`;
    functions.set(key, (functions.get(key) ?? 0) + us);
  }
  const pct = (us: number) => `${((100 * us) / total).toFixed(1)}%`;
  const lines = [`\nCPU profile of the server, last ${windowSeconds} s (${(total / 1e6).toFixed(1)} s sampled): self time by area`];
  for (const [name, us] of [...areas].sort((a, b) => b[1] - a[1])) lines.push(`  ${pct(us).padStart(6)}  ${name}`);
  lines.push("Top 25 functions by self time:");
  for (const [name, us] of [...functions].sort((a, b) => b[1] - a[1]).slice(0, 25))
    lines.push(`  ${pct(us).padStart(6)}  ${name.slice(0, 150)}`);
  return lines.join("\n");
}
