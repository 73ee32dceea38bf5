import { publicRoute } from "@/lib/api/handler";
import { metricsResponse } from "@/lib/ops/metrics-endpoint";

/**
 * Prometheus scrape endpoint: any API token, or CADESK_METRICS_TOKEN, as a bearer token (checked
 * by metricsResponse; the route itself runs as the anonymous public until then).
 */
export const GET = publicRoute((request: Request) => metricsResponse(request));
