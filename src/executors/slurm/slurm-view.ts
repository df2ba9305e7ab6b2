import type { Clock } from "../../domain/clock.js";
import type { JobId } from "../../domain/ids.js";
import type { RunRef, RunStatus } from "../executor.js";
import { readExitRecord } from "./exit-record.js";
import type { RunFiles } from "./run-files.js";
import { slurmJobNameOf } from "./sbatch-arguments.js";
import { type SlurmCommand, toExecutorError } from "./slurm-commands.js";
import { isEndState, parseScontrolExit, parseSqueue, SQUEUE_FORMAT, toRunStatus, type SlurmJobRow } from "./slurm-job-state.js";

/** skyrun's jobs as Slurm lists them at one instant, found by Slurm id or by job name. */
export interface SlurmSnapshot {
  readonly byId: ReadonlyMap<string, SlurmJobRow>;
  readonly byName: ReadonlyMap<string, SlurmJobRow>;
  /** When squeue was asked: a job submitted after this cannot be in the snapshot. */
  readonly at: Date;
}

/** A run as skyrun knows it: the job, its Slurm id once known, and whether skyrun saw it running. */
export interface KnownRun extends RunRef {
  readonly seenRunning: boolean;
}

export interface SlurmView {
  /**
   * One `squeue` for every job of the submitting account, finished ones included
   * (until Slurm's MinJobAge). `--me` is filtered by slurmctld, so this stays cheap
   * on a busy cluster.
   * @throws ExecutorError when Slurm cannot be asked.
   */
  snapshot(): Promise<SlurmSnapshot>;
  /** The run's row in a snapshot: by its Slurm id, else by its name (a submit whose id was never stored). */
  rowOf(run: RunRef, snapshot: SlurmSnapshot): SlurmJobRow | undefined;
  /** The RunStatus of a run from a snapshot, the wrapper's exit record, and Slurm's ExitCode when needed. */
  statusOf(run: KnownRun, snapshot: SlurmSnapshot): Promise<RunStatus>;
}

/** Reads Slurm's state of skyrun's runs: squeue snapshots, exit records, scontrol for exit codes. */
export function createSlurmView(slurm: SlurmCommand, files: RunFiles, logPathOf: (jobId: JobId) => string, clock: Clock): SlurmView {
  async function exitCodeOf(slurmId: string): Promise<{ exitCode: number; signal: number } | undefined> {
    const r = await slurm("scontrol", ["show", "job", "--oneliner", slurmId]);
    return r.code === 0 ? parseScontrolExit(r.stdout) : undefined;
  }

  const rowOf = (run: RunRef, s: SlurmSnapshot): SlurmJobRow | undefined => {
    const byId = run.handle ? s.byId.get(run.handle) : undefined;
    return byId ?? s.byName.get(slurmJobNameOf(run.jobId, run.attempt));
  };

  return {
    async snapshot() {
      const at = clock.now();
      const r = await slurm("squeue", ["--me", "--noheader", "--states=all", `--format=${SQUEUE_FORMAT}`]);
      if (r.code !== 0) throw toExecutorError("listing jobs", r);
      const byId = new Map<string, SlurmJobRow>();
      const byName = new Map<string, SlurmJobRow>();
      for (const row of parseSqueue(r.stdout)) {
        if (!row.name.startsWith("skyrun-")) continue;
        byId.set(row.slurmId, row);
        // Two jobs of one name can only come from a duplicate submit: the live one is the run.
        const other = byName.get(row.name);
        if (!other || isEndState(other.state)) byName.set(row.name, row);
      }
      return { byId, byName, at };
    },
    rowOf,
    async statusOf(run, s) {
      const row = rowOf(run, s);
      const ended = !row || isEndState(row.state);
      const record = ended ? await readExitRecord(files.pathsOf(run.jobId, logPathOf(run.jobId)).exitRecord) : undefined;
      const slurmExit = row && ended && !record && row.state !== "COMPLETED" ? await exitCodeOf(row.slurmId) : undefined;
      return toRunStatus({ row, record, slurmExit, seenRunning: run.seenRunning }, s.at);
    },
  };
}
