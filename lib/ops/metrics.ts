/**
 * Prometheus metrics (prom-client). One registry per process, on globalThis: Next bundles route
 * handlers, server actions and instrumentation separately, and scripts/serve.mjs (which times every
 * HTTP request) loads prom-client outside Next; all of them must count into the same registry.
 *
 * Counters and histograms are per instance (Prometheus sums them across instances); gauges that
 * describe the store (expiring certificates, CRL age, deliveries) are read from the database at
 * scrape time, so every instance reports the same truth. With CADESK_WORKERS > 1 the per-process
 * registry of every worker is merged by the cluster's primary (lib/ops/cluster.ts); the store
 * gauges live in a registry of their own, read once by the worker that answers the scrape (summed
 * over workers they would count every certificate once per worker).
 */
import client from "prom-client";

const KEY = Symbol.for("cadesk.metrics");

interface Metrics {
  registry: client.Registry;
  issued: client.Counter<"ca_id" | "profile" | "entry_point">;
  issuanceSeconds: client.Histogram<"entry_point">;
  ocspRequests: client.Counter<"status">;
  deliveries: client.Counter<"outcome">;
  schedulerLastRun: client.Gauge<"outcome">;
}

const store = globalThis as unknown as { [KEY]?: Metrics; [key: symbol]: unknown };

/** The shared registry; scripts/serve.mjs creates it first when it runs the server. */
function registry(): client.Registry {
  const shared = Symbol.for("cadesk.metricsRegistry");
  store[shared] ??= new client.Registry();
  return store[shared] as client.Registry;
}

export function metrics(): Metrics {
  if (store[KEY]) return store[KEY];
  const registers = [registry()];
  const m: Metrics = {
    registry: registers[0]!,
    issued: new client.Counter({
      name: "cadesk_certificates_issued_total",
      help: "Certificates issued, by issuing CA, profile and entry point (form, api, csr, renewal, acme, bulk).",
      labelNames: ["ca_id", "profile", "entry_point"],
      registers,
    }),
    issuanceSeconds: new client.Histogram({
      name: "cadesk_issuance_duration_seconds",
      help: "Time from an issuance request to its committed certificate.",
      labelNames: ["entry_point"],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    }),
    ocspRequests: new client.Counter({
      name: "cadesk_ocsp_requests_total",
      help: "OCSP requests answered, by the certificate status or error returned.",
      labelNames: ["status"],
      registers,
    }),
    deliveries: new client.Counter({
      name: "cadesk_notification_delivery_attempts_total",
      help: "Notification delivery attempts by outcome (delivered, retry, failed, uncertain: the sender died or the connection broke after the whole message went out).",
      labelNames: ["outcome"],
      registers,
    }),
    schedulerLastRun: new client.Gauge({
      name: "cadesk_scheduler_last_run_timestamp_seconds",
      help: "When the in-app scheduler last finished a run, by outcome (success, failure).",
      labelNames: ["outcome"],
      registers,
    }),
  };
  client.collectDefaultMetrics({ register: m.registry, prefix: "cadesk_process_" });
  store[KEY] = m;
  return m;
}

/** Store-wide gauges, read at scrape time. `read` is given by the caller so this file needs no database. */
export interface StoreGauges {
  expiring: { caId: string; ca: string; within: "7d" | "30d"; count: number }[];
  crlAgeSeconds: { caId: string; ca: string; seconds: number }[];
  deliveriesByStatus: { status: string; count: number }[];
}

let storeGauges: { registry: client.Registry; expiring: client.Gauge; crlAge: client.Gauge; deliveries: client.Gauge } | undefined;

/** Registers the store gauges once, filled by `read()` on each scrape; returns their registry. */
export function registerStoreGauges(read: () => Promise<StoreGauges>): client.Registry {
  if (storeGauges) return storeGauges.registry;
  const registers = [new client.Registry()];
  let pending: Promise<StoreGauges> | null = null;
  // One database read per scrape, shared by the three gauges' collect callbacks.
  const snapshot = () => (pending ??= read().finally(() => setTimeout(() => (pending = null), 0)));
  storeGauges = {
    registry: registers[0]!,
    expiring: new client.Gauge({
      name: "cadesk_certificates_expiring",
      help: "Valid (not revoked) certificates that expire within 7 or 30 days, by issuing CA.",
      labelNames: ["ca_id", "ca", "within"],
      registers,
      async collect() {
        this.reset();
        for (const e of (await snapshot()).expiring) this.set({ ca_id: e.caId, ca: e.ca, within: e.within }, e.count);
      },
    }),
    crlAge: new client.Gauge({
      name: "cadesk_crl_age_seconds",
      help: "Age of each CA's current CRL (since its thisUpdate).",
      labelNames: ["ca_id", "ca"],
      registers,
      async collect() {
        this.reset();
        for (const c of (await snapshot()).crlAgeSeconds) this.set({ ca_id: c.caId, ca: c.ca }, c.seconds);
      },
    }),
    deliveries: new client.Gauge({
      name: "cadesk_notification_deliveries",
      help: "Notification deliveries in the store, by status (pending, sending, delivered, failed, uncertain).",
      labelNames: ["status"],
      registers,
      async collect() {
        this.reset();
        for (const d of (await snapshot()).deliveriesByStatus) this.set({ status: d.status }, d.count);
      },
    }),
  };
  return storeGauges.registry;
}
