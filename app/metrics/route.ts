import { metricsResponse } from "@/lib/ops/metrics-endpoint";

/** Prometheus scrape endpoint: any API token, or CADESK_METRICS_TOKEN, as a bearer token. */
export function GET(request: Request) {
  return metricsResponse(request);
}
