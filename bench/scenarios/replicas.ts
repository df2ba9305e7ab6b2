import { HttpClient } from "../harness/http-client.js";
import { step } from "../harness/progress.js";
import { startSkyrun } from "../harness/skyrun-server.js";
import { percentile, round } from "../harness/stats.js";
import { SIZES, type BenchContext, type ScenarioResult } from "./bench-context.js";

/** Seconds for one request creating 10,000 replicas, until all are persisted and queued (the response). */
export async function replicasRequest(ctx: BenchContext): Promise<ScenarioResult> {
  const replicas = SIZES[ctx.mode].replicas;
  const server = await startSkyrun({ root: ctx.root, engineSocket: ctx.engineSocket, cores: 1, ramGB: 4, configYaml: "scheduler:\n  limits:\n    maxQueuedJobs: 0\n" });
  const http = new HttpClient(server.url, server.token, 1);
  try {
    await http.createSession({ name: "blocker", image: ctx.image, cores: "1", ram: "1", cmd: "sleep", args: "36000" });
    const seconds: number[] = [];
    for (let i = 0; i < 3; i++) {
      await step(`skyrun: one request for ${replicas} replicas (${i + 1}/3)`, async () => {
        const t0 = performance.now();
        const r = await http.send("POST", "/skaha/v0/session", new URLSearchParams({ name: "sweep", image: ctx.image, cores: "1", ram: "1", replicas: String(replicas), cmd: "true" }).toString());
        seconds.push((performance.now() - t0) / 1000);
        const ids = r.text.trim().split("\n");
        if (r.status !== 200 || ids.length !== replicas) throw new Error(`replicas request failed: ${r.status} ${r.text.slice(0, 200)}`);
      });
    }
    const median = percentile(seconds, 50);
    return {
      metrics: { replicasSeconds: median },
      details: [`One POST with replicas=${replicas}: ${seconds.map((s) => round(s, 3)).join(" s, ")} s over 3 runs; median **${round(median, 3)} s** until the response, with all sessions persisted and queued.`],
    };
  } finally {
    http.close();
    await server.stop();
  }
}
