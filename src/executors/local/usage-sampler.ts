import type Docker from "dockerode";
import type { Clock } from "../../domain/clock.js";
import type { JobId } from "../../domain/ids.js";
import type { SessionUsage } from "../../domain/session-usage.js";
import { engineMay, type ContainerInspection } from "./container-inspection.js";
import { containerNameOf } from "../container-policy.js";
import { toExecutorError } from "./engine-errors.js";

/** Two CPU readings closer than this are too noisy to divide; the average since the start is used instead. */
const MIN_CPU_SAMPLE_MS = 500;

/** Cores in use between two readings of cumulative CPU time; never negative. */
export function coresBetween(previous: { cpuNs: number; atMs: number }, current: { cpuNs: number; atMs: number }): number {
  return Math.max(0, (current.cpuNs - previous.cpuNs) / ((current.atMs - previous.atMs) * 1e6));
}

/**
 * Turns the engine's cumulative CPU time into cores in use: the difference to the
 * previous reading of the same run, or the average since its start when there is no
 * reading far enough back.
 */
export class UsageSampler {
  private readonly last = new Map<JobId, { cpuNs: number; atMs: number }>();

  constructor(private readonly docker: Docker, private readonly inspection: ContainerInspection, private readonly clock: Clock) {}

  async usageOf(jobId: JobId): Promise<SessionUsage | undefined> {
    let stats: Docker.ContainerStats;
    try {
      stats = await this.docker.getContainer(containerNameOf(jobId)).stats({ stream: false });
    } catch (e) {
      if (await this.inspection.isGone(jobId, e)) return undefined;
      throw toExecutorError(e, "reading container statistics");
    }
    // The engine's own reading time: ours would add the call's latency, which varies under load.
    const readAtMs = Date.parse(engineMay(stats.read) ?? "");
    const atMs = Number.isFinite(readAtMs) && readAtMs > 0 ? readAtMs : this.clock.now().getTime();
    const current = { cpuNs: stats.cpu_stats.cpu_usage.total_usage, atMs };
    const previous = this.last.get(jobId);
    let cores: number;
    if (previous && atMs - previous.atMs >= MIN_CPU_SAMPLE_MS) {
      cores = coresBetween(previous, current);
      this.last.set(jobId, current);
    } else {
      if (!previous) this.last.set(jobId, current);
      const started = await this.inspection.startOf(jobId);
      cores = started && atMs > started.getTime() ? coresBetween({ cpuNs: 0, atMs: started.getTime() }, current) : 0;
    }
    return { cpuCores: cores, ramBytes: engineMay(stats.memory_stats.usage) ?? 0, cpuSeconds: current.cpuNs / 1e9 };
  }

  forget(jobId: JobId): void {
    this.last.delete(jobId);
  }
}
