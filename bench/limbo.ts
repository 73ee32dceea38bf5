/**
 * Agreement of cadesk's validator with x509-limbo's expected results, and the time per case.
 * limbo.json is not part of the repository (it is generated from C2SP/x509-limbo, whose cases
 * must not be committed here); point LIMBO_JSON at a locally generated copy:
 *
 *   LIMBO_JSON=/tmp/limbo/limbo.json npx tsx bench/limbo.ts [--verbose] [--mode=private|webpki]
 *
 * Mode: webpki:: cases run in WebPKI-strict mode, the others in private-CA mode, unless forced.
 */
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { verifyChain } from "../lib/verify";

interface LimboCase {
  id: string;
  validation_kind: "SERVER" | "CLIENT";
  trusted_certs: string[];
  untrusted_intermediates: string[];
  peer_certificate: string;
  validation_time: string | null;
  key_usage: string[];
  expected_result: "SUCCESS" | "FAILURE";
  expected_peer_name: { kind: string; value: string } | null;
  max_chain_depth: number | null;
  crls: string[];
  features: string[] | null;
}

const KU_BITS: Record<string, number> = {
  digitalSignature: 0,
  contentCommitment: 1,
  keyEncipherment: 2,
  dataEncipherment: 3,
  keyAgreement: 4,
  keyCertSign: 5,
  cRLSign: 6,
};
const der = (pem: string) => new Uint8Array(Buffer.from(pem.replace(/-----[^-]+-----/g, "").replace(/\s+/g, ""), "base64"));

const file = process.env.LIMBO_JSON;
if (!file) {
  console.error("Set LIMBO_JSON to a generated limbo.json.");
  process.exit(2);
}
const verbose = process.argv.includes("--verbose");
const forced = process.argv.find((a) => a.startsWith("--mode="))?.slice(7) as "private" | "webpki" | undefined;
const cases = (JSON.parse(readFileSync(file, "utf8")) as { testcases: LimboCase[] }).testcases;

const groups = new Map<string, { total: number; agree: number }>();
const tally = (group: string, agree: boolean) => {
  const g = groups.get(group) ?? { total: 0, agree: 0 };
  g.total++;
  if (agree) g.agree++;
  groups.set(group, g);
};
let slowest = { id: "", ms: 0 };
let thrown = 0;
const disagreements: string[] = [];
for (const tc of cases) {
  const mode = forced ?? (tc.id.startsWith("webpki::") ? "webpki" : "private");
  const t0 = performance.now();
  let ok = false;
  let detail = "";
  try {
    const v = verifyChain({
      leaf: der(tc.peer_certificate),
      intermediates: tc.untrusted_intermediates.map((p) => ({ der: der(p), source: "pasted", supplied: true })),
      anchors: tc.trusted_certs.map((p) => ({ der: der(p), name: "the trusted set" })),
      time: tc.validation_time ? new Date(tc.validation_time) : undefined,
      purpose: tc.validation_kind === "CLIENT" ? "client" : "server",
      mode,
      hostname: tc.validation_kind === "SERVER" ? tc.expected_peer_name?.value : undefined,
      maxIntermediates: tc.max_chain_depth ?? undefined,
      requiredKeyUsage: tc.key_usage.map((k) => KU_BITS[k]!),
      crls: tc.crls.map(der),
    });
    ok = v.ok;
    detail = v.ok ? "ok" : `${v.code}: ${v.explanation}`;
  } catch (error) {
    thrown++;
    detail = `THREW ${(error as Error).stack}`;
  }
  const ms = performance.now() - t0;
  if (ms > slowest.ms) slowest = { id: tc.id, ms };
  const agree = ok === (tc.expected_result === "SUCCESS");
  tally("all", agree);
  tally(tc.id.split("::")[0]!, agree);
  if (tc.validation_kind === "SERVER" && !tc.validation_time && !tc.crls.length) tally("server, present time, no CRL", agree);
  if (!agree) disagreements.push(`${tc.id} (expected ${tc.expected_result}): ${detail}`);
}
console.log("| cases | agree | total | % |\n| --- | --- | --- | --- |");
for (const [name, g] of groups) console.log(`| ${name} | ${g.agree} | ${g.total} | ${((100 * g.agree) / g.total).toFixed(1)} |`);
console.log(`\nslowest case: ${slowest.id} ${slowest.ms.toFixed(0)} ms; exceptions: ${thrown}`);
if (verbose) for (const d of disagreements) console.log(`- ${d}`);
else console.log(`disagreements: ${disagreements.map((d) => d.split(" ")[0]).join(", ")}`);
