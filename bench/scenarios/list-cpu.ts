import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Job } from "../../src/domain/job.js";
import { openStore } from "../../src/store/open-store.js";
import { HttpClient } from "../harness/http-client.js";
import { step } from "../harness/progress.js";
import { startSkyrun } from "../harness/skyrun-server.js";
import { storedJob } from "../harness/stored-jobs.js";
import { round, summarize } from "../harness/stats.js";
import type { BenchContext, ScenarioResult } from "./bench-context.js";

const USER = "lister";
const SESSIONS = 300;
const FINISHED = 100;

/** Requests per measurement: enough that /proc's 10 ms CPU ticks are a small error. */
const REQUESTS = { smoke: 100, quick: 1_000, full: 3_000 } as const;

/**
 * The server's CPU time for one `GET /session` of a user with 300 sessions (issue 11):
 * 200 queued (each with its waiting explanation, as the scheduler gives it) and 100
 * finished within the listing hour, read back to back by one keep-alive client.
 * CPU is the server process's user + system time over the run, divided by the requests.
 */
export async function listCpu(ctx: BenchContext): Promise<ScenarioResult> {
  const dataDir = join(ctx.root, `list-cpu-${Date.now()}`);
  mkdirSync(dataDir, { recursive: true });
  const store = await openStore({ driver: "sqlite", path: join(dataDir, "skyrun.db") });
  const now = Date.now();
  const jobs: Job[] = Array.from({ length: SESSIONS }, (_, n) => {
    if (n >= FINISHED) return storedJob(n, USER, { createdAt: new Date(now - 600_000 + n) });
    const end = now - 60_000 + n;
    return storedJob(n, USER, { state: "succeeded", exitCode: 0, createdAt: new Date(end - 120_000), startedAt: new Date(end - 60_000), finishedAt: new Date(end), visibleUntil: new Date(end + 3_600_000) });
  });
  await store.jobs.insertMany(jobs);
  await store.close();
  // One core offered, two asked for by each queued job: they stay queued, explained.
  const server = await startSkyrun({ root: ctx.root, engineSocket: ctx.engineSocket, cores: 1, ramGB: 4, dataDir, user: USER });
  const http = new HttpClient(server.url, server.token, 1);
  const n = REQUESTS[ctx.mode];
  try {
    const list = async () => {
      const t0 = performance.now();
      const r = await http.send("GET", "/skaha/v0/session");
      if (r.status !== 200) throw new Error(`list failed: ${r.status} ${r.text}`);
      return { ms: performance.now() - t0, sessions: (JSON.parse(r.text) as unknown[]).length, bytes: r.text.length };
    };
    const first = await list();
    if (first.sessions !== SESSIONS) throw new Error(`the lister sees ${first.sessions} sessions, not ${SESSIONS}`);
    for (let i = 0; i < 50; i++) await list(); // warm-up: the JIT, caches
    const latencies: number[] = [];
    const cpuBefore = server.cpuMs();
    await step(`skyrun: ${n} listings of ${SESSIONS} sessions by one client`, async () => {
      for (let i = 0; i < n; i++) {
        const t0 = performance.now();
        const r = await http.send("GET", "/skaha/v0/session");
        if (r.status !== 200) throw new Error(`list failed: ${r.status}`);
        latencies.push(performance.now() - t0);
      }
    });
    const cpuMsPerList = (server.cpuMs() - cpuBefore) / n;
    const s = summarize(latencies);
    return {
      metrics: { listCpuMs: cpuMsPerList },
      details: [
        `One user with ${SESSIONS} sessions (${SESSIONS - FINISHED} queued with their waiting explanation, ${FINISHED} finished within the hour); the answer is ${round(first.bytes / 1024, 0)} KiB of JSON.`,
        `${n} listings back to back on one keep-alive connection: **${round(cpuMsPerList, 2)} ms of server CPU per listing** (user + system, /proc); latency p50 ${round(s.p50)} ms, p99 ${round(s.p99)} ms.`,
      ],
    };
  } finally {
    http.close();
    await server.stop();
  }
}
