import { join } from "node:path";
import Database from "better-sqlite3";
import { HttpClient } from "../harness/http-client.js";
import { engineApiCreateStart } from "../harness/engine-api.js";
import { podmanRun } from "../harness/podman.js";
import { step } from "../harness/progress.js";
import { startSkyrun } from "../harness/skyrun-server.js";
import { round, summarize } from "../harness/stats.js";
import { SIZES, type BenchContext, type ScenarioResult } from "./bench-context.js";

/**
 * Submit-to-Running of a trivial job with a cached image, one job at a time, taken
 * from skyrun's own millisecond timestamps (request received → container started);
 * the floor is a bare `podman run --rm` of the same image.
 */
export async function dispatchOverhead(ctx: BenchContext): Promise<ScenarioResult> {
  const n = SIZES[ctx.mode].dispatchSamples;
  const server = await startSkyrun({ root: ctx.root, engineSocket: ctx.engineSocket, cores: 2, ramGB: 8 });
  const http = new HttpClient(server.url, server.token, 1);
  let ids: string[] = [];
  let rows: { ms: number }[] = [];
  try {
    ids = await step(`skyrun: ${n} trivial jobs one at a time`, async () => {
      const out: string[] = [];
      for (let i = 0; i < n + 2; i++) {
        const id = await http.createSession({ name: "d", image: ctx.image, cores: "1", ram: "1", cmd: "true" });
        for (;;) {
          const s = await http.json<{ status: string }>(`/skaha/v0/session/${id}`);
          if (s.status === "Succeeded" || s.status === "Failed") break;
          await new Promise((r) => setTimeout(r, 20));
        }
        if (i >= 2) out.push(id); // the first two warm the engine
      }
      return out;
    });
    const db = new Database(join(server.dataDir, "skyrun.db"), { readonly: true });
    rows = db.prepare(`SELECT started_at - created_at AS ms FROM jobs WHERE id IN (${ids.map(() => "?").join(",")})`).all(...ids) as { ms: number }[];
    db.close();
  } finally {
    http.close();
    await server.stop();
  }
  const skyrun = summarize(rows.map((r) => r.ms));
  const bare = await step(`podman: ${n} bare runs one at a time`, async () => {
    await podmanRun(ctx.containersConf, ctx.image, ["true"]);
    const samples: number[] = [];
    for (let i = 0; i < n; i++) samples.push(await podmanRun(ctx.containersConf, ctx.image, ["true"]));
    return summarize(samples);
  });
  const engine = await step(`engine API: ${n} create + start one at a time`, async () => {
    await engineApiCreateStart(ctx.engineSocket, ctx.image, ctx.root, "/skyrun_jobs");
    const samples: number[] = [];
    for (let i = 0; i < n; i++) samples.push(await engineApiCreateStart(ctx.engineSocket, ctx.image, ctx.root, "/skyrun_jobs"));
    return summarize(samples);
  });
  return {
    metrics: { dispatchOverheadMsP50: skyrun.p50 - bare.p50, dispatchOverheadMsP50VsEngineApi: skyrun.p50 - engine.p50, skyrunSubmitToRunningMsP50: skyrun.p50, barePodmanRunMsP50: bare.p50, engineApiCreateStartMsP50: engine.p50 },
    details: [
      `skyrun submit-to-Running (server timestamps, ${n} jobs): p50 ${round(skyrun.p50, 0)} ms, p95 ${round(skyrun.p95, 0)} ms.`,
      `bare \`podman run --rm ${ctx.image} true\` (${n} runs): p50 ${round(bare.p50, 0)} ms, p95 ${round(bare.p95, 0)} ms.`,
      `A direct Engine API create + start of the same kind of container (same image, init, capabilities, limits, k8s-file log, jobs' cgroup; ${n} runs): p50 ${round(engine.p50, 0)} ms, p95 ${round(engine.p95, 0)} ms. skyrun over that floor: **${round(skyrun.p50 - engine.p50, 0)} ms** at p50 (skyrun also merges the image's account files, writes the job to its store and schedules it).`,
      `Over the bare CLI run: **${round(skyrun.p50 - bare.p50, 0)} ms** at p50 (negative: skyrun has the job running before a bare podman run has even finished, since it talks to the engine's API instead of starting the podman CLI and does not wait for the container's teardown).`,
    ],
  };
}
