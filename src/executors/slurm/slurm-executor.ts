import type { Logger } from "pino";
import type { Clock } from "../../domain/clock.js";
import { ExecutorError } from "../../domain/errors.js";
import type { JobId } from "../../domain/ids.js";
import type { CapacityReport, DeadlineExtension, Executor, RunRef, RunRequest, RunStatus, SubmitResult } from "../executor.js";
import { buildBatchScript, type WrapperOptions } from "./batch-script.js";
import { parseNodeCapacity, SINFO_FORMAT, type ClusterCapacity } from "./node-capacity.js";
import { createRunFiles } from "./run-files.js";
import { sbatchArguments, timeLimitMinutes } from "./sbatch-arguments.js";
import { createSlurmCommand, toExecutorError, type SlurmCommandOptions } from "./slurm-commands.js";
import { createSlurmView } from "./slurm-view.js";
import { SlurmWatcher } from "./slurm-watcher.js";

export interface SlurmExecutorOptions extends SlurmCommandOptions, WrapperOptions {
  /** `sbatch --partition`; empty for the cluster's default. */
  readonly partition: string;
  /** `sbatch --account`; empty for the account's default. */
  readonly account: string;
  /** Extra sbatch options for every job. */
  readonly sbatchArgs: readonly string[];
  /** How often one `squeue` looks at all active runs. @defaultValue 500 */
  readonly pollIntervalMs: number;
  /** The data directory: shared with the compute nodes, the batch scripts' working directory. */
  readonly dataDir: string;
  /** Where a job's log is; its exit record lies beside it. */
  readonly logPathOf: (jobId: JobId) => string;
}

/** Slurm's words for "that job is gone or done", which make scancel and scontrol updates no-ops. */
const JOB_GONE = /invalid job id|already completing or completed|job has already finished|job is no longer pending/i;

/**
 * The Slurm executor: each run is one batch job (`sbatch`), whose script runs the
 * session's container with the compute node's Podman (or its command directly) and
 * records how it ended beside the log. Slurm queues and orders runs itself; the
 * watcher's one `squeue` per interval turns what changed into events.
 */
export function createSlurmExecutor(deps: { log: Logger; clock: Clock }, o: SlurmExecutorOptions): Executor & DeadlineExtension & CapacityReport {
  const log = deps.log.child({ executor: "slurm" });
  const slurm = createSlurmCommand(o);
  const files = createRunFiles(o.dataDir);
  const view = createSlurmView(slurm, files, o.logPathOf, deps.clock);
  const watcher = new SlurmWatcher(view, deps.clock, log, o.pollIntervalMs);
  /** Runs whose sbatch failed in a way that may hide a success: look before submitting again. */
  const uncertain = new Set<JobId>();

  async function slurmIdOf(ref: RunRef): Promise<string | undefined> {
    const id = ref.handle ?? watcher.known(ref.jobId)?.slurmId;
    if (id) return id;
    return view.rowOf(ref, await watcher.snapshot())?.slurmId;
  }

  async function submitNew(run: RunRequest): Promise<string> {
    const prepared = await files.write(run, o.mode);
    const script = buildBatchScript(run, prepared, o);
    const r = await slurm("sbatch", sbatchArguments(run, { partition: o.partition, account: o.account, chdir: o.dataDir, extraArgs: o.sbatchArgs, slurmMessages: prepared.paths.slurmMessages }), script);
    const id = /^(\d+)/.exec(r.stdout.trim())?.[1];
    if (r.code !== 0 || !id) {
      const err = r.code === 0 ? new ExecutorError("EXECUTOR_UNAVAILABLE", `sbatch gave no job id: ${r.stdout.trim()}`) : toExecutorError("the job", r);
      if (err.retryable) uncertain.add(run.jobId);
      else await files.remove(run.jobId, run.logPath);
      throw err;
    }
    uncertain.delete(run.jobId);
    return id;
  }

  return {
    kind: "slurm",
    logFormat: "raw",
    queuesItself: true,
    stopGraceSeconds: o.stopGraceSeconds,

    start: (onEvent) => watcher.start(onEvent),

    isAvailable: () => watcher.isAvailable(),

    async submit(run: RunRequest): Promise<SubmitResult> {
      // Idempotent per job: a run Slurm already has (this process's, an earlier process's, an uncertain sbatch's) is returned.
      const s = uncertain.has(run.jobId) || !watcher.last ? await watcher.snapshot() : watcher.last;
      // By this attempt's name: an earlier attempt's ended job must not pass for this one.
      const existing = watcher.known(run.jobId)?.slurmId ?? view.rowOf({ jobId: run.jobId, handle: null, attempt: run.attempt }, s)?.slurmId;
      const slurmId = existing ?? await submitNew(run);
      if (!existing) log.info({ jobId: run.jobId, slurmId }, "submitted to Slurm");
      watcher.watch({ jobId: run.jobId, handle: slurmId, attempt: run.attempt });
      watcher.wake();
      return { handle: slurmId, startedAt: null };
    },

    async statuses(runs) {
      const s = await watcher.snapshot();
      const result = new Map<JobId, RunStatus>();
      for (const ref of runs) {
        const known = watcher.known(ref.jobId);
        const status = await view.statusOf({ jobId: ref.jobId, handle: ref.handle ?? known?.slurmId ?? null, attempt: ref.attempt, seenRunning: known?.seenRunning ?? false }, s);
        result.set(ref.jobId, status);
        if (status.phase === "pending" || status.phase === "running") {
          watcher.watch({ jobId: ref.jobId, handle: ref.handle ?? view.rowOf(ref, s)?.slurmId ?? null, attempt: ref.attempt });
          if (status.phase === "running") watcher.markRunning(ref.jobId);
        }
      }
      return result;
    },

    async cancel(ref: RunRef): Promise<void> {
      // SIGTERM to the job; the wrapper stops the container with the grace period, Slurm sends SIGKILL after KillWait.
      const id = await slurmIdOf(ref);
      if (!id) return;
      const r = await slurm("scancel", [id]);
      if (r.code !== 0 && !JOB_GONE.test(r.stderr)) throw toExecutorError(`cancelling job ${id}`, r);
      log.info({ jobId: ref.jobId, slurmId: id }, "scancel");
      watcher.wake();
    },

    async release(ref: RunRef): Promise<void> {
      watcher.forget(ref.jobId);
      uncertain.delete(ref.jobId);
      await files.remove(ref.jobId, o.logPathOf(ref.jobId));
    },

    // Podman runs the container beside the job's processes, out of Slurm's sight: sstat cannot measure it.
    usage: () => Promise.resolve(undefined),

    async extendDeadline(ref: RunRef, deadlineSeconds: number): Promise<void> {
      const id = await slurmIdOf(ref);
      if (!id) return;
      const r = await slurm("scontrol", ["update", `JobId=${id}`, `TimeLimit=${timeLimitMinutes(deadlineSeconds)}`]);
      // A job that ended meanwhile needs no more time; a refusal (not an operator, partition limit) is the user's answer.
      if (r.code !== 0 && !JOB_GONE.test(r.stderr)) throw toExecutorError(`extending the time limit of job ${id}`, r);
    },

    partition: o.partition || undefined,

    async capacity(): Promise<ClusterCapacity> {
      const r = await slurm("sinfo", ["--noheader", "--Node", `--Format=${SINFO_FORMAT}`, ...(o.partition ? [`--partition=${o.partition}`] : [])]);
      if (r.code !== 0) throw toExecutorError("reading node capacity", r);
      return parseNodeCapacity(r.stdout);
    },

    close: () => watcher.close(),
  };
}
