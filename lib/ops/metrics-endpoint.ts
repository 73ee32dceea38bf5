import { createHash, timingSafeEqual } from "node:crypto";
import { apiActor } from "../api/auth";
import { errorResponse } from "../api/respond";
import { readConfig } from "../config";
import { readStoreGauges } from "../data/store-metrics";
import { clusterHook } from "./cluster";
import { metrics, registerStoreGauges } from "./metrics";

const digest = (s: string) => createHash("sha256").update(s).digest();

/** CADESK_METRICS_TOKEN lets a Prometheus server scrape without holding an API token that can do more. */
function isMetricsToken(request: Request): boolean {
  const expected = readConfig().CADESK_METRICS_TOKEN;
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.get("authorization") ?? "")?.[1];
  return !!expected && !!bearer && timingSafeEqual(digest(bearer), digest(expected));
}

/** The metrics in Prometheus text format for an authorised scraper; 401 (JSON error) for anyone else. */
export async function metricsResponse(request: Request): Promise<Response> {
  try {
    if (!isMetricsToken(request)) await apiActor(request);
    const storeRegistry = registerStoreGauges(() => readStoreGauges());
    const { registry } = metrics();
    // Every worker's counters merged by the cluster's primary, or this process's own.
    const merged = await clusterHook()?.metrics();
    if (merged && "error" in merged) throw new Error(`The workers' metrics could not be merged: ${merged.error}`);
    const perProcess = merged ? merged.text : await registry.metrics();
    const body = `${perProcess.replace(/\n*$/, "\n")}${await storeRegistry.metrics()}`;
    return new Response(body, { headers: { "Content-Type": registry.contentType, "Cache-Control": "no-store" } });
  } catch (error) {
    return errorResponse(error);
  }
}
