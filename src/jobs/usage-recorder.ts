import { every, type Clock } from "../domain/clock.js";
import type { JobId } from "../domain/ids.js";
import type { Job } from "../domain/job.js";
import type { SessionUsage } from "../domain/session-usage.js";
import type { Store } from "../store/store.js";
import type { UsageReader } from "./usage-reader.js";

/** One reading of every running session this often: the usage plot's points and `cpu_seconds`. */
export const USAGE_SAMPLE_MS = 10_000;

export interface UsageRecorderDeps {
  readonly store: Pick<Store, "jobs">;
  readonly usage: UsageReader;
  readonly clock: Clock;
  readonly onError: (err: unknown) => void;
}

/** What was last counted of one run: its attempt, and the run's own CPU time then. */
interface Counted {
  readonly attempt: number;
  readonly runCpuSeconds: number;
  readonly atMs: number;
}

/**
 * Stores a reading of each running session about every 10 s (`usage_samples`, shown by
 * `stats?history=true`) and keeps `jobs.cpu_seconds`, the CPU time of all its runs, up to
 * date: accounting's CPU efficiency reads it. The engine's cumulative CPU time is used when
 * it has one (Podman), so readings taken in between by users change nothing; otherwise
 * cores × time since the last reading. The total is final with the last reading before the
 * run ended (at most one interval short). After a restart the first reading of a run that
 * was already going only sets where counting resumes: what it used while the server was
 * down beyond the last stored total is not counted twice, nor at all.
 */
export class UsageRecorder {
  private readonly counted = new Map<JobId, Counted>();
  private readonly startedAtMs: number;
  private stop: (() => void) | undefined;
  private busy = false;

  constructor(private readonly d: UsageRecorderDeps, private readonly intervalMs = USAGE_SAMPLE_MS) {
    this.startedAtMs = d.clock.now().getTime();
  }

  start(): void {
    this.stop ??= every(this.d.clock, this.intervalMs, () => void this.sampleOnce());
  }

  close(): void {
    this.stop?.();
    this.stop = undefined;
  }

  /** Takes one reading of every running session (one pass at a time). */
  async sampleOnce(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const running = (await this.d.store.jobs.listLive()).filter((j) => j.state === "running");
      const live = new Set(running.map((j) => j.id));
      for (const id of this.counted.keys()) if (!live.has(id)) this.counted.delete(id);
      if (running.length === 0) return;
      const readings = await this.d.usage.read(running, { maxWaitMs: this.d.usage.engineTimeoutMs });
      const now = this.d.clock.now();
      for (const job of running) {
        const r = readings.get(job.id);
        if (!r) continue;
        await this.d.store.jobs.recordUsage(job.id, { at: now, cpuCores: r.cpuCores, ramBytes: r.ramBytes }, this.total(job, r, now.getTime()));
      }
    } catch (e) {
      this.d.onError(e);
    } finally {
      this.busy = false;
    }
  }

  /** The job's CPU time after this reading. */
  private total(job: Job, r: SessionUsage, nowMs: number): number {
    const last = this.counted.get(job.id);
    const sameRun = last !== undefined && last.attempt === job.attempt;
    const runCpu = r.cpuSeconds ?? (sameRun ? last.runCpuSeconds + r.cpuCores * ((nowMs - last.atMs) / 1000) : 0);
    this.counted.set(job.id, { attempt: job.attempt, runCpuSeconds: runCpu, atMs: nowMs });
    if (sameRun) return job.cpuSeconds + Math.max(0, runCpu - last.runCpuSeconds);
    // First reading of this run here: a run that started before this server did was counted up to its last reading already.
    const startedHere = (job.startedAt?.getTime() ?? 0) >= this.startedAtMs;
    return startedHere ? job.cpuSeconds + runCpu : job.cpuSeconds;
  }
}
