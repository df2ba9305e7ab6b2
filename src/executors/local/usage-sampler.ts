import type Docker from "dockerode";
import type { Clock } from "../../domain/clock.js";
import type { JobId } from "../../domain/ids.js";
import type { SessionUsage } from "../../domain/session-usage.js";
import { engineMay, type ContainerInspection } from "./container-inspection.js";
import { containerNameOf } from "../container-policy.js";
import { toExecutorError } from "./engine-errors.js";

/**
 * Readings closer than this are not divided: the engine stamps a reading a little before
 * or after it reads the cgroup, and on a busy machine that slack (100s of ms) turned a
 * half-second window of a one-core job into 1.6 cores. Over 2 s the error stays small.
 */
const MIN_CPU_WINDOW_MS = 2000;

interface CpuReading {
  readonly cpuNs: number;
  readonly atMs: number;
}

/** Cores in use between two readings of cumulative CPU time; never negative. */
export function coresBetween(previous: CpuReading, current: CpuReading): number {
  return Math.max(0, (current.cpuNs - previous.cpuNs) / ((current.atMs - previous.atMs) * 1e6));
}

/**
 * Turns the engine's cumulative CPU time into cores in use: over the last whole window
 * of at least 2 s between readings of the same run, or the average since its start
 * until there is one (0 in its first 2 s).
 */
export class UsageSampler {
  /** Per run: the reading the next window starts from, and the cores the last whole window showed. */
  private readonly windows = new Map<JobId, { from: CpuReading; cores?: number }>();

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
    return { cpuCores: await this.coresAt(jobId, current), ramBytes: engineMay(stats.memory_stats.usage) ?? 0, cpuSeconds: current.cpuNs / 1e9 };
  }

  private async coresAt(jobId: JobId, current: CpuReading): Promise<number> {
    const window = this.windows.get(jobId);
    if (window && current.atMs - window.from.atMs >= MIN_CPU_WINDOW_MS) {
      const cores = coresBetween(window.from, current);
      this.windows.set(jobId, { from: current, cores });
      return cores;
    }
    if (!window) this.windows.set(jobId, { from: current });
    if (window?.cores !== undefined) return window.cores;
    // No whole window yet: the average since the start, once that is long enough to divide.
    const started = await this.inspection.startOf(jobId);
    return started && current.atMs - started.getTime() >= MIN_CPU_WINDOW_MS ? coresBetween({ cpuNs: 0, atMs: started.getTime() }, current) : 0;
  }

  forget(jobId: JobId): void {
    this.windows.delete(jobId);
  }
}
