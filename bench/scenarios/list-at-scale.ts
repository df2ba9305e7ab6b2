import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Job } from "../../src/domain/job.js";
import { openStore } from "../../src/store/open-store.js";
import { HttpClient } from "../harness/http-client.js";
import { note, step } from "../harness/progress.js";
import { startSkyrun } from "../harness/skyrun-server.js";
import { storedJob } from "../harness/stored-jobs.js";
import { round, summarize } from "../harness/stats.js";
import { SIZES, type BenchContext } from "./bench-context.js";

const USERS = 1000;
const LISTER = "lister";
const BATCH = 5000;

/**
 * Fills a store through skyrun's own store code: finished sessions (most long ago, a
 * few within the listing hour) and queued ones that ask for more than the server
 * offers, so they stay queued; 1000 users plus the one who lists.
 */
async function buildStore(dataDir: string, finished: number, queued: number, from = 0): Promise<void> {
  const store = await openStore({ driver: "sqlite", path: join(dataDir, "skyrun.db") });
  const now = Date.now();
  let n = from;
  const flush = async (batch: Job[]) => { if (batch.length > 0) await store.jobs.insertMany(batch.splice(0)); };
  const batch: Job[] = [];
  const owner = (i: number) => (i % (USERS + 1) === USERS ? LISTER : `u${String(i % (USERS + 1)).padStart(4, "0")}`);
  for (let i = 0; i < finished; i++, n++) {
    const recent = i % 100 === 0; // 1 % finished within the last hour: still listed
    const end = recent ? now - 60_000 : now - 2 * 86_400_000 - i;
    batch.push(storedJob(n, owner(i), { state: i % 10 === 0 ? "failed" : "succeeded", exitCode: i % 10 === 0 ? 1 : 0, createdAt: new Date(end - 120_000), startedAt: new Date(end - 60_000), finishedAt: new Date(end), visibleUntil: new Date(end + 3_600_000) }));
    if (batch.length >= BATCH) await flush(batch);
    if (i % 100_000 === 0 && i > 0) note(`  ${i} finished sessions stored`);
  }
  for (let i = 0; i < queued; i++, n++) {
    batch.push(storedJob(n, owner(i), { createdAt: new Date(now - 600_000 + i) }));
    if (batch.length >= BATCH) await flush(batch);
  }
  await flush(batch);
  await store.close();
}

interface ScaleFigures {
  readonly listP99Ms: number;
  readonly rssMb: number;
  readonly startupSeconds: number;
  readonly recoverySeconds: number;
  readonly details: string[];
}

/** Until the server answers and its stats count every queued session of the store. */
async function untilQueueRecovered(http: HttpClient, queued: number): Promise<void> {
  for (;;) {
    const { jobs } = await http.json<{ jobs: { queued: number } }>("/skaha/v0/session?view=stats");
    if (jobs.queued >= queued) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Start-up, listings, memory, and a kill -9 with restart, on the store as it is now. */
async function measureStore(ctx: BenchContext, dataDir: string, finished: number, queued: number): Promise<ScaleFigures> {
  const { listRequests } = SIZES[ctx.mode];
  let server = await startSkyrun({ root: ctx.root, engineSocket: ctx.engineSocket, cores: 1, ramGB: 4, dataDir, user: LISTER });
  let http = new HttpClient(server.url, server.token, 1);
  try {
    await untilQueueRecovered(http, queued);
    const startupSeconds = (performance.now() - server.spawnedAt) / 1000;
    const sizes: number[] = [];
    const latencies = await step(`skyrun: ${listRequests} listings by one user (${finished} + ${queued} sessions)`, async () => {
      for (let i = 0; i < 20; i++) await http.send("GET", "/skaha/v0/session"); // warm-up
      const out: number[] = [];
      for (let i = 0; i < listRequests; i++) {
        const t0 = performance.now();
        const r = await http.send("GET", "/skaha/v0/session");
        out.push(performance.now() - t0);
        if (r.status !== 200) throw new Error(`list failed: ${r.status}`);
        if (i === 0) sizes.push((JSON.parse(r.text) as unknown[]).length);
      }
      return summarize(out);
    });
    const rss = server.rssMb();
    http.close();
    server.kill9();
    server = await startSkyrun({ root: ctx.root, engineSocket: ctx.engineSocket, cores: 1, ramGB: 4, dataDir, user: LISTER });
    http = new HttpClient(server.url, server.token, 1);
    await untilQueueRecovered(http, queued);
    const recoverySeconds = (performance.now() - server.spawnedAt) / 1000;
    return {
      listP99Ms: latencies.p99, rssMb: rss, startupSeconds, recoverySeconds,
      details: [
        `Store: ${finished} finished and ${queued} queued sessions over ${USERS + 1} users; the lister sees ${sizes[0] ?? "?"} sessions (their queued ones and those finished within the hour).`,
        `Start-up until serving with the queue recovered (every queued session counted in \`view=stats\`): **${round(startupSeconds, 1)} s**; after \`kill -9\` and a restart: **${round(recoverySeconds, 1)} s**.`,
        `GET /session, ${listRequests} times: p50 ${round(latencies.p50)} ms, p95 ${round(latencies.p95)} ms, **p99 ${round(latencies.p99)} ms**. Server resident memory in that state: **${round(rss, 0)} MB**.`,
      ],
    };
  } finally {
    http.close();
    await server.stop();
  }
}

/**
 * Listing with a large store behind, and the server's memory, start-up and recovery
 * after kill -9 in that state: first at the issue-9 size, then with ten times as many
 * sessions (the same store grown).
 */
export async function listAtScale(ctx: BenchContext): Promise<{ scale: ScaleFigures; tenfold: ScaleFigures; details: string[] }> {
  const { finished, queued } = SIZES[ctx.mode];
  const dataDir = join(ctx.root, `scale-${Date.now()}`);
  mkdirSync(dataDir, { recursive: true });
  await step(`store: ${finished} finished and ${queued} queued sessions`, () => buildStore(dataDir, finished, queued));
  const scale = await measureStore(ctx, dataDir, finished, queued);
  await step(`store: growing to ${finished * 10} finished and ${queued * 10} queued sessions`, () => buildStore(dataDir, finished * 9, queued * 9, finished + queued));
  const tenfold = await measureStore(ctx, dataDir, finished * 10, queued * 10);
  const reduced = ctx.mode === "full" ? "" : ` A ${ctx.mode} run uses smaller stores than the full run's 1,000,000 + 100,000 and 10,000,000 + 1,000,000.`;
  return {
    scale, tenfold,
    details: [`At the first size:${reduced}`, ...scale.details, "With ten times the sessions:", ...tenfold.details],
  };
}
