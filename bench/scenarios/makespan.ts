import { HttpClient } from "../harness/http-client.js";
import { podmanMakespan } from "../harness/podman.js";
import { step } from "../harness/progress.js";
import { startSkyrun } from "../harness/skyrun-server.js";
import { round } from "../harness/stats.js";
import { SIZES, type BenchContext } from "./bench-context.js";

interface Stats {
  jobs: { queued: number; starting: number; running: number; terminating: number };
}

/**
 * Wall time of N trivial container jobs through skyrun with 2 cores (1 core each: 2 at
 * a time), and the server's own CPU time per job over that run (from submit to the last
 * exit, with the harness polling the stats every 25 ms as a client would).
 */
export async function skyrunMakespan(ctx: BenchContext): Promise<{ ms: number; cpuMsPerJob: number }> {
  const n = SIZES[ctx.mode].makespanJobs;
  const server = await startSkyrun({ root: ctx.root, engineSocket: ctx.engineSocket, cores: 2, ramGB: 8 });
  const http = new HttpClient(server.url, server.token, 2);
  try {
    return await step(`skyrun: ${n} trivial jobs, 2 cores`, async () => {
      const cpu0 = server.cpuMs();
      const t0 = performance.now();
      const r = await http.send("POST", "/skaha/v0/session", new URLSearchParams({ name: "m", image: ctx.image, cores: "1", ram: "1", replicas: String(n), cmd: "true" }).toString());
      if (r.status !== 200) throw new Error(`submit failed: ${r.status} ${r.text}`);
      for (;;) {
        const { jobs } = await http.json<Stats>("/skaha/v0/session?view=stats");
        if (jobs.queued + jobs.starting + jobs.running + jobs.terminating === 0) break;
        await new Promise((res) => setTimeout(res, 250)); // a client checking 4 times a second; more would be the harness measuring itself
      }
      const elapsed = performance.now() - t0;
      const cpuMsPerJob = (server.cpuMs() - cpu0) / n;
      const done = await http.json<unknown[]>("/skaha/v0/session?status=Succeeded");
      if (done.length !== n) throw new Error(`only ${done.length} of ${n} jobs succeeded`);
      return { ms: elapsed, cpuMsPerJob };
    });
  } finally {
    http.close();
    await server.stop();
  }
}

/** The same N trivial jobs as bare `podman run --rm`, 2 at a time. */
export async function barePodmanMakespanMs(ctx: BenchContext): Promise<number> {
  const n = SIZES[ctx.mode].makespanJobs;
  return step(`podman: ${n} bare runs, parallelism 2`, () => podmanMakespan(ctx.containersConf, ctx.image, n, 2));
}

export const describeMakespan = (label: string, n: number, ms: number): string =>
  `${label}: ${n} trivial jobs in **${round(ms / 1000, 1)} s** (${round(n / (ms / 1000), 2)} jobs/s).`;
