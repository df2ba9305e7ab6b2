import { engineApiPhases, type EnginePhases } from "../harness/engine-api.js";
import { step } from "../harness/progress.js";
import { percentile, round } from "../harness/stats.js";
import { SIZES, type BenchContext, type ScenarioResult } from "./bench-context.js";

const PHASES = ["create", "start", "exit", "remove"] as const;

/**
 * Where a trivial container's time goes on the engine, one at a time through the Engine
 * API: create, start, the run of `true` until the engine reports its exit, removal;
 * with a bridge network and without one (the network's share of create and start).
 */
export async function containerPhases(ctx: BenchContext): Promise<ScenarioResult> {
  const n = SIZES[ctx.mode].dispatchSamples;
  const medians = async (network: "bridge" | "none"): Promise<EnginePhases> => step(`engine API: ${n} trivial containers, network ${network}, phase by phase`, async () => {
    await engineApiPhases(ctx.engineSocket, ctx.image, ctx.root, { cgroupParent: "/skyrun_jobs", network });
    const samples: EnginePhases[] = [];
    for (let i = 0; i < n; i++) samples.push(await engineApiPhases(ctx.engineSocket, ctx.image, ctx.root, { cgroupParent: "/skyrun_jobs", network }));
    return Object.fromEntries(PHASES.map((p) => [p, percentile(samples.map((s) => s[p]), 50)])) as unknown as EnginePhases;
  });
  const bridge = await medians("bridge");
  const none = await medians("none");
  const line = (label: string, m: EnginePhases) => `${label}: ${PHASES.map((p) => `${p} ${round(m[p], 0)} ms`).join(", ")} (total ${round(PHASES.reduce((t, p) => t + m[p], 0), 0)} ms).`;
  return {
    metrics: { engineCreateMs: bridge.create, engineStartMs: bridge.start, engineExitMs: bridge.exit, engineRemoveMs: bridge.remove, networkMs: bridge.create + bridge.start - none.create - none.start },
    details: [
      line("Bridge network (skyrun's default), medians", bridge),
      line("No network, medians", none),
      `The bridge network's share of create + start (a veth pair, an address, firewall rules): **${round(bridge.create + bridge.start - none.create - none.start, 0)} ms** per container (the difference of medians; noise can make it negative); \`local.network: none\` removes it for jobs that need no network.`,
    ],
  };
}
