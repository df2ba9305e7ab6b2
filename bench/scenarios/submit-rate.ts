import { HttpClient, runConcurrently } from "../harness/http-client.js";
import { step } from "../harness/progress.js";
import { startSkyrun } from "../harness/skyrun-server.js";
import { round, summarize } from "../harness/stats.js";
import { SIZES, type BenchContext, type ScenarioResult } from "./bench-context.js";

const CONCURRENCY = 16;

/**
 * Single-session creates per second over HTTP with concurrent clients, each persisted
 * and queued (a job holding the only core keeps them queued, as a full cluster
 * would). In the full run, measured again with 100,000 sessions already queued.
 */
export async function skyrunSubmitRate(ctx: BenchContext): Promise<ScenarioResult> {
  const n = SIZES[ctx.mode].submits;
  // No per-user queued limit: the full run queues 100,000 sessions for one user.
  const server = await startSkyrun({ root: ctx.root, engineSocket: ctx.engineSocket, cores: 1, ramGB: 4, configYaml: "scheduler:\n  limits:\n    maxQueuedJobs: 0\n" });
  const http = new HttpClient(server.url, server.token, CONCURRENCY);
  try {
    await http.createSession({ name: "blocker", image: ctx.image, cores: "1", ram: "1", cmd: "sleep", args: "36000" });
    const form = { name: "s", image: ctx.image, cores: "1", ram: "1", cmd: "true" };
    await runConcurrently(200, CONCURRENCY, () => http.createSession(form)); // warm-up
    const measure = async (label: string) => step(`skyrun: ${n} creates, ${CONCURRENCY} clients, ${label}`, async () => {
      const t0 = performance.now();
      const latencies = await runConcurrently(n, CONCURRENCY, () => http.createSession(form));
      return { rate: n / ((performance.now() - t0) / 1000), latency: summarize(latencies) };
    });
    const empty = await measure("short queue");
    const details = [
      `skyrun: ${n} creates with ${CONCURRENCY} concurrent keep-alive clients, each persisted (SQLite, WAL) and queued: **${round(empty.rate, 0)} creates/s**, latency p50 ${round(empty.latency.p50)} ms, p95 ${round(empty.latency.p95)} ms.`,
    ];
    const metrics: Record<string, number> = { skyrunCreatesPerSecond: empty.rate };
    if (ctx.mode === "full") {
      await step("skyrun: filling the queue to 100,000", async () => {
        const queued = n + 200;
        for (let have = queued; have < 100_000; have += 10_000) {
          await http.send("POST", "/skaha/v0/session", new URLSearchParams({ ...form, replicas: String(Math.min(10_000, 100_000 - have)) }).toString());
        }
      });
      const full = await measure("100,000 queued");
      metrics.skyrunCreatesPerSecondWith100kQueued = full.rate;
      details.push(`With 100,000 sessions queued: **${round(full.rate, 0)} creates/s** (p50 ${round(full.latency.p50)} ms, p95 ${round(full.latency.p95)} ms): ${round(full.rate / empty.rate, 2)}× the rate with a short queue.`);
    }
    return { metrics, details };
  } finally {
    http.close();
    await server.stop();
  }
}
