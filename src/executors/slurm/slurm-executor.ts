import type { Logger } from "pino";
import { ExecutorError, isAppError, toError } from "../../domain/errors.js";
import type { JobId } from "../../domain/ids.js";
import type { CapacityReport, DeadlineExtension, Executor, RunEventListener, RunRef, RunRequest, RunStatus, SubmitResult } from "../executor.js";
import { buildBatchScript, type WrapperOptions } from "./batch-script.js";
import { parseNodeCapacity, SINFO_FORMAT, type ClusterCapacity } from "./node-capacity.js";
import { createRunFiles } from "./run-files.js";
import { sbatchArguments, timeLimitMinutes } from "./sbatch-arguments.js";
import { createSlurmCommand, toExecutorError, type SlurmCommandOptions } from "./slurm-commands.js";
import { createSlurmView, type SlurmSnapshot } from "./slurm-view.js";

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

/** With nothing to watch, Slurm is still asked this often, so `isAvailable` stays true to life. */
const IDLE_POLL_MS = 5000;

/** What the poll loop knows of a run it watches, to report each change once. */
interface Watched {
  slurmId: string | null;
  /** When watching began (ms): a snapshot taken before cannot show the run yet. */
  readonly sinceMs: number;
  seenRunning: boolean;
  reported: "none" | "pending" | "started";
  pendingReason: string | undefined;
}

/** Slurm's words for "that job is gone or done", which make scancel and scontrol updates no-ops. */
const JOB_GONE = /invalid job id|already completing or completed|job has already finished|job is no longer pending/i;

/**
 * The Slurm executor: each run is one batch job (`sbatch`), whose script runs the
 * session's container with the compute node's Podman (or its command directly) and
 * records how it ended beside the log. Slurm queues and orders runs itself; one
 * `squeue` per interval watches them all and turns what changed into events:
 * `pending` with Slurm's reason, `started`, `exited`.
 */
export function createSlurmExecutor(deps: { log: Logger }, o: SlurmExecutorOptions): Executor & DeadlineExtension & CapacityReport {
  const log = deps.log.child({ executor: "slurm" });
  const slurm = createSlurmCommand(o);
  const files = createRunFiles(o.dataDir);
  const view = createSlurmView(slurm, files, o.logPathOf);
  const watched = new Map<JobId, Watched>();
  /** Runs whose sbatch failed in a way that may hide a success: look before submitting again. */
  const uncertain = new Set<JobId>();
  let listener: RunEventListener = () => undefined;
  let available = false;
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  let polling: Promise<void> | undefined;
  let last: SlurmSnapshot | undefined;

  const watch = (ref: RunRef): Watched => {
    let w = watched.get(ref.jobId);
    if (!w) {
      w = { slurmId: ref.handle, sinceMs: Date.now(), seenRunning: false, reported: "none", pendingReason: undefined };
      watched.set(ref.jobId, w);
    } else if (ref.handle) {
      w.slurmId = ref.handle;
    }
    return w;
  };

  async function snapshot(): Promise<SlurmSnapshot> {
    try {
      last = await view.snapshot();
      if (!available) log.info("Slurm answers");
      available = true;
      return last;
    } catch (e) {
      if (available) log.warn({ err: toError(e).message }, "Slurm does not answer; jobs wait until it does");
      available = false;
      throw e;
    }
  }

  /** Reports what changed for one watched run. */
  function report(jobId: JobId, w: Watched, status: RunStatus): void {
    switch (status.phase) {
      case "pending":
        if (status.reason && (w.reported !== "pending" || w.pendingReason !== status.reason)) listener({ kind: "pending", jobId, reason: status.reason });
        w.reported = "pending";
        w.pendingReason = status.reason;
        return;
      case "running":
        w.seenRunning = true;
        if (w.reported !== "started") listener({ kind: "started", jobId, at: status.startedAt });
        w.reported = "started";
        return;
      case "exited":
        watched.delete(jobId);
        listener({ kind: "exited", jobId, exitCode: status.exitCode, oomKilled: status.oomKilled, startedAt: status.startedAt, at: status.finishedAt, ...(status.reason ? { reason: status.reason } : {}) });
        return;
      case "vanished":
        // The reconciler asks `statuses` and settles it; nothing to push.
        watched.delete(jobId);
        log.warn({ jobId, slurmId: w.slurmId, reason: status.reason }, "run vanished from Slurm");
        return;
    }
  }

  async function pollOnce(): Promise<void> {
    const s = await snapshot();
    for (const [jobId, w] of [...watched]) {
      if (w.sinceMs >= s.at.getTime()) continue; // submitted while squeue ran: next time
      const ref = { jobId, handle: w.slurmId, seenRunning: w.seenRunning };
      w.slurmId ??= view.rowOf(ref, s)?.slurmId ?? null;
      report(jobId, w, await view.statusOf(ref, s));
    }
  }

  function schedule(delayMs: number): void {
    if (closed) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      polling ??= pollOnce()
        .catch((e: unknown) => { if (!isAppError(e)) log.error({ err: e }, "Slurm poll failed"); })
        .finally(() => {
          polling = undefined;
          schedule(watched.size > 0 ? o.pollIntervalMs : IDLE_POLL_MS);
        });
    }, delayMs);
    timer.unref();
  }

  /** Makes the next poll come soon (a submit or cancel happened). */
  const wake = () => { if (!polling) schedule(Math.min(o.pollIntervalMs, 100)); };

  async function slurmIdOf(ref: RunRef): Promise<string | undefined> {
    const id = ref.handle ?? watched.get(ref.jobId)?.slurmId;
    if (id) return id;
    return view.rowOf(ref, await snapshot())?.slurmId;
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

    async start(onEvent) {
      listener = onEvent;
      try {
        await snapshot();
      } finally {
        schedule(o.pollIntervalMs);
      }
    },

    isAvailable: () => available,

    async submit(run: RunRequest): Promise<SubmitResult> {
      // Idempotent per job: a run Slurm already has (this process's, an earlier process's, an uncertain sbatch's) is returned.
      const s = uncertain.has(run.jobId) || !last ? await snapshot() : last;
      const existing = watched.get(run.jobId)?.slurmId ?? view.rowOf({ jobId: run.jobId, handle: null }, s)?.slurmId;
      const slurmId = existing ?? await submitNew(run);
      if (!existing) log.info({ jobId: run.jobId, slurmId }, "submitted to Slurm");
      watch({ jobId: run.jobId, handle: slurmId });
      wake();
      return { handle: slurmId, startedAt: null };
    },

    async statuses(runs) {
      const s = await snapshot();
      const result = new Map<JobId, RunStatus>();
      for (const ref of runs) {
        const known = watched.get(ref.jobId);
        const status = await view.statusOf({ jobId: ref.jobId, handle: ref.handle ?? known?.slurmId ?? null, seenRunning: known?.seenRunning ?? false }, s);
        result.set(ref.jobId, status);
        if (status.phase === "pending" || status.phase === "running") {
          const w = watch({ jobId: ref.jobId, handle: ref.handle ?? view.rowOf(ref, s)?.slurmId ?? null });
          if (status.phase === "running") w.seenRunning = true;
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
      wake();
    },

    async release(ref: RunRef): Promise<void> {
      watched.delete(ref.jobId);
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

    async capacity(): Promise<ClusterCapacity> {
      const r = await slurm("sinfo", ["--noheader", "--Node", `--Format=${SINFO_FORMAT}`, ...(o.partition ? [`--partition=${o.partition}`] : [])]);
      if (r.code !== 0) throw toExecutorError("reading node capacity", r);
      return parseNodeCapacity(r.stdout);
    },

    async close(): Promise<void> {
      closed = true;
      clearTimeout(timer);
      await polling;
    },
  };
}
