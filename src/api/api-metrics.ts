import { Counter, Gauge, Registry, collectDefaultMetrics } from "prom-client";

/** Prometheus metrics served at /metrics. */
export interface ApiMetrics {
  readonly registry: Registry;
  readonly sessionsCreated: Counter;
  readonly httpErrors: Counter<"status">;
}

export function createApiMetrics(gauges: { queued: () => number; running: () => number; coresInUse: () => number }): ApiMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  new Gauge({ name: "skyrun_sessions_queued", help: "Sessions waiting in the queue", registers: [registry], collect() { this.set(gauges.queued()); } });
  new Gauge({ name: "skyrun_sessions_holding_capacity", help: "Sessions starting, running or terminating", registers: [registry], collect() { this.set(gauges.running()); } });
  new Gauge({ name: "skyrun_cores_in_use", help: "Cores requested by live sessions", registers: [registry], collect() { this.set(gauges.coresInUse()); } });
  return {
    registry,
    sessionsCreated: new Counter({ name: "skyrun_sessions_created_total", help: "Sessions created", registers: [registry] }),
    httpErrors: new Counter({ name: "skyrun_http_errors_total", help: "HTTP responses with status >= 400", labelNames: ["status"], registers: [registry] }),
  };
}
