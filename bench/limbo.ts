/**
 * Agreement of cadesk's validator with x509-limbo's expected results, and the time per case.
 * limbo.json is not part of the repository (it is generated from C2SP/x509-limbo, whose cases
 * must not be committed here); point LIMBO_JSON at a locally generated copy:
 *
 *   LIMBO_JSON=/tmp/limbo/limbo.json npx tsx bench/limbo.ts [--verbose] [--mode=private|webpki] [--openssl]
 *
 * --openssl also runs `openssl verify -x509_strict -partial_chain` on each case (the trusted set
 * as -CAfile, intermediates as -untrusted, -purpose, -verify_hostname/-verify_ip, -attime, and
 * -crl_check with the case's CRLs) and prints its agreement beside cadesk's.
 *
 * Mode: webpki:: cases run in WebPKI-strict mode, the others in private-CA mode, unless forced.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { isIP } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { limboHostname, limboMode, limboVerifyOptions, loadLimbo, type LimboCase } from "../lib/testing/limbo";
import { verifyChain } from "../lib/verify";

const file = process.env.LIMBO_JSON;
if (!file) {
  console.error("Set LIMBO_JSON to a generated limbo.json.");
  process.exit(2);
}
const verbose = process.argv.includes("--verbose");
const forced = process.argv.find((a) => a.startsWith("--mode="))?.slice(7) as "private" | "webpki" | undefined;
const cases = loadLimbo(file);

const withOpenssl = process.argv.includes("--openssl");
const groups = new Map<string, { total: number; agree: number; openssl: number }>();
const tally = (group: string, agree: boolean, opensslAgrees: boolean) => {
  const g = groups.get(group) ?? { total: 0, agree: 0, openssl: 0 };
  g.total++;
  if (agree) g.agree++;
  if (opensslAgrees) g.openssl++;
  groups.set(group, g);
};
const scratch = mkdtempSync(path.join(tmpdir(), "cadesk-limbo-"));

function opensslVerdict(tc: LimboCase): boolean {
  const file = (name: string, pems: string[]) => {
    const p = path.join(scratch, name);
    writeFileSync(p, pems.join("\n"));
    return p;
  };
  const args = ["verify", "-x509_strict", "-partial_chain", "-CAfile", file("ca.pem", tc.trusted_certs)];
  if (tc.untrusted_intermediates.length) args.push("-untrusted", file("untrusted.pem", tc.untrusted_intermediates));
  args.push("-purpose", tc.validation_kind === "CLIENT" ? "sslclient" : "sslserver");
  const name = limboHostname(tc);
  if (name) args.push(isIP(name) ? "-verify_ip" : "-verify_hostname", name);
  if (tc.validation_time) args.push("-attime", String(Math.floor(new Date(tc.validation_time).getTime() / 1000)));
  if (tc.crls.length) args.push("-crl_check", "-CRLfile", file("crls.pem", tc.crls));
  if (tc.max_chain_depth !== null) args.push("-verify_depth", String(tc.max_chain_depth + 1));
  args.push(file("leaf.pem", [tc.peer_certificate]));
  return spawnSync("openssl", args, { timeout: 10_000 }).status === 0;
}
let slowest = { id: "", ms: 0 };
let totalMs = 0;
let thrown = 0;
const disagreements: string[] = [];
for (const tc of cases) {
  const mode = forced ?? limboMode(tc);
  const t0 = performance.now();
  let ok = false;
  let detail = "";
  try {
    const v = verifyChain(limboVerifyOptions(tc, mode));
    ok = v.ok;
    detail = v.ok ? "ok" : `${v.code}: ${v.explanation}`;
  } catch (error) {
    thrown++;
    detail = `THREW ${(error as Error).stack}`;
  }
  const ms = performance.now() - t0;
  totalMs += ms;
  if (ms > slowest.ms) slowest = { id: tc.id, ms };
  const agree = ok === (tc.expected_result === "SUCCESS");
  const opensslAgrees = withOpenssl && opensslVerdict(tc) === (tc.expected_result === "SUCCESS");
  tally("all", agree, opensslAgrees);
  tally(tc.validation_kind === "CLIENT" ? "client cases" : "server cases", agree, opensslAgrees);
  tally(tc.id.split("::")[0]!, agree, opensslAgrees);
  if (tc.validation_kind === "SERVER" && !tc.validation_time && !tc.crls.length)
    tally("server, present time, no CRL", agree, opensslAgrees);
  if (!agree) disagreements.push(`${tc.id} (expected ${tc.expected_result}): ${detail}`);
}
const pct = (n: number, d: number) => ((100 * n) / d).toFixed(1);
console.log(
  `| cases | total | cadesk agrees | %${withOpenssl ? " | openssl agrees | %" : ""} |\n| --- | --- | --- | ---${withOpenssl ? " | --- | ---" : ""} |`,
);
for (const [name, g] of groups)
  console.log(
    `| ${name} | ${g.total} | ${g.agree} | ${pct(g.agree, g.total)}${withOpenssl ? ` | ${g.openssl} | ${pct(g.openssl, g.total)}` : ""} |`,
  );
console.log(
  `\nmean ${(totalMs / cases.length).toFixed(1)} ms per case; slowest case: ${slowest.id} ${slowest.ms.toFixed(0)} ms; exceptions: ${thrown}`,
);
if (verbose) for (const d of disagreements) console.log(`- ${d}`);
else console.log(`disagreements: ${disagreements.map((d) => d.split(" ")[0]).join(", ")}`);
