import { HttpClient, TimeoutError } from "../harness/http-client.js";
import { step } from "../harness/progress.js";
import { startSkyrun } from "../harness/skyrun-server.js";
import { round, summarize } from "../harness/stats.js";
import { SIZES, type BenchContext, type ScenarioResult } from "./bench-context.js";

/** The answer a client gives up on, as the issue's probe did. */
const TIMEOUT_MS = 30_000;

/** A job that keeps one core busy for about a second, then exits: cores stay full and containers keep starting. */
const BURN = "i=0; while [ $i -lt 300000 ]; do i=$((i+1)); done";

/**
 * The API while the machine is saturated by jobs: every core runs CPU-bound containers
 * that end and are replaced all the time (so launches never stop), and 200 keep-alive
 * clients send a mix of listings, single gets and creates. Reports the p99 latency
 * over every request and how many got no answer within 30 s.
 */
export async function apiSaturated(ctx: BenchContext): Promise<ScenarioResult> {
  const { saturatedClients: clients, saturatedRequestsPerClient: perClient, saturatedBurners: burners } = SIZES[ctx.mode];
  const server = await startSkyrun({ root: ctx.root, engineSocket: ctx.engineSocket, cores: 2, ramGB: 8, configYaml: "scheduler:\n  limits:\n    maxQueuedJobs: 0\n" });
  const http = new HttpClient(server.url, server.token, clients);
  try {
    const form = { name: "burn", image: ctx.image, cores: "1", ram: "1", cmd: "sh", args: `-c '${BURN}'` };
    const first = (await http.send("POST", "/skaha/v0/session", new URLSearchParams({ ...form, replicas: String(burners) }).toString())).text.trim().split("\n");
    await step("skyrun: waiting until every core runs a job", async () => {
      for (;;) {
        const { jobs } = await http.json<{ jobs: { running: number } }>("/skaha/v0/session?view=stats");
        if (jobs.running >= 2) return;
        await new Promise((r) => setTimeout(r, 100));
      }
    });
    // Keep-alive clients hold their connection: open all of them first, untimed. (Two hundred
    // connections opened at once while the server is busy leave the last ones' first request
    // waiting 1 to 2.5 s; a bare node:http server doing 1 ms per request shows the same.)
    const opened = summarize(await step(`skyrun: opening ${clients} keep-alive connections`, () =>
      Promise.all(Array.from({ length: clients }, async () => {
        const t = performance.now();
        await http.send("GET", "/healthz", undefined, {}, TIMEOUT_MS);
        return performance.now() - t;
      }))));
    const latencies: number[] = [];
    const byKind: Record<"list" | "get" | "create", number[]> = { list: [], get: [], create: [] };
    let timeouts = 0;
    let errors = 0;
    const cpuBefore = server.cpuMs();
    const t0 = performance.now();
    await step(`skyrun: ${clients} clients × ${perClient} requests (list, get, create) with every core busy`, async () => {
      const client = async (c: number) => {
        for (let i = 0; i < perClient; i++) {
          const op = (c + i) % 10;
          const kind = op < 3 ? "list" : op < 9 ? "get" : "create";
          const [method, path, body] = op < 3
            ? ["GET", "/skaha/v0/session", undefined]
            : op < 9
              ? ["GET", `/skaha/v0/session/${first[(c * perClient + i) % first.length]}`, undefined]
              : ["POST", "/skaha/v0/session", new URLSearchParams({ name: "c", image: ctx.image, cores: "1", ram: "1", cmd: "true" }).toString()];
          const started = performance.now();
          try {
            const r = await http.send(method, path, body, {}, TIMEOUT_MS);
            if (r.status >= 500) errors++;
          } catch (e) {
            if (e instanceof TimeoutError) timeouts++;
            else errors++;
          }
          const ms = performance.now() - started;
          latencies.push(ms);
          byKind[kind].push(ms);
        }
      };
      await Promise.all(Array.from({ length: clients }, (_, c) => client(c)));
    });
    const seconds = (performance.now() - t0) / 1000;
    const cpuMs = server.cpuMs() - cpuBefore;
    const s = summarize(latencies);
    return {
      metrics: { apiP99MsSaturated: s.p99, apiTimeoutsSaturated: timeouts, apiErrorsSaturated: errors },
      details: [
        `${clients} concurrent keep-alive clients, ${perClient} requests each (3 in 10 list the user's sessions, 6 get one, 1 creates a job), while ${burners} CPU-bound one-core jobs of about a second each kept both cores busy and containers starting.`,
        `${latencies.length} requests in ${round(seconds, 1)} s (${round(latencies.length / seconds, 0)} req/s): p50 ${round(s.p50)} ms, p95 ${round(s.p95)} ms, **p99 ${round(s.p99)} ms**, max ${round(s.max)} ms; **${timeouts} timeouts** (no answer in ${TIMEOUT_MS / 1000} s), ${errors} errors (5xx or connection).`,
        `The ${clients} connections were opened first, untimed, each with one \`GET /healthz\` at once: p50 ${round(opened.p50)} ms, max ${round(opened.max)} ms.`,
        `By kind, p50 / p99 / max ms: ${Object.entries(byKind).map(([k, l]) => { const q = summarize(l); return `${k} ${round(q.p50)} / ${round(q.p99)} / ${round(q.max)}`; }).join("; ")}.`,
        `The server's own CPU over that time: ${round(cpuMs, 0)} ms (${round(cpuMs / latencies.length, 2)} ms per request).`,
      ],
    };
  } finally {
    http.close();
    await server.stop();
  }
}
