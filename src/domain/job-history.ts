import type { JobId } from "./ids.js";
import type { Job } from "./job.js";

/** How an ended job ended: the terminal state it reached. */
export type JobOutcome = "succeeded" | "failed" | "cancelled";

export const JOB_OUTCOMES: readonly JobOutcome[] = ["succeeded", "failed", "cancelled"];

/**
 * A job as accounting keeps it once it has ended: who ran what, where it was charged,
 * what it asked for and what it used, over all of its attempts. Written once per job
 * and kept after the job's own record is purged, like HTCondor's `condor_history`.
 */
export interface JobHistoryEntry {
  readonly jobId: JobId;
  readonly owner: string;
  /** The owner's POSIX group names when the job ended, sorted. */
  readonly groups: readonly string[];
  /** The project the job is charged to (see {@link projectOf}), or null. */
  readonly project: string | null;
  readonly image: string;
  readonly name: string;
  readonly setId: string | null;
  /** HTCondor's ClusterId as the legacy CSV had it: the `htcondor.cluster` or `slurm.job` label, else the set's id, else the job's. */
  readonly clusterId: string;
  /** HTCondor's ProcId: the `slurm.array-task` label, else the job's 0-based place in its set. */
  readonly procId: number;
  readonly submitSeq: number;
  readonly labels: Readonly<Record<string, string>>;
  readonly outcome: JobOutcome;
  readonly exitCode: number | null;
  readonly reason: string | null;
  /** Attempts made (1 without retries). */
  readonly attempts: number;
  /** When it was submitted (QDate). */
  readonly queuedAt: Date;
  /** When its first attempt started (JobStartDate), or null if it never ran. */
  readonly startedAt: Date | null;
  /** When it ended (CompletionDate). */
  readonly finishedAt: Date;
  /** Cores, RAM (GiB), scratch (GB) and GPUs asked for: what admission held for it. */
  readonly cores: number;
  readonly ramGB: number;
  readonly diskGB: number;
  readonly gpus: number;
  /** Seconds its attempts ran, summed (RemoteWallClockTime, the legacy "slot time"). */
  readonly wallSeconds: number;
  /** Cores asked for × wall seconds. */
  readonly coreSeconds: number;
  /** CPU time used, in core-seconds, from usage samples; null when none were taken (unknown, not 0). */
  readonly cpuSeconds: number | null;
  /** The largest memory reading, in bytes; null when none were taken. */
  readonly peakRamBytes: number | null;
  readonly executor: string;
}

/** One ended attempt's times (the store's attempt records have these). */
export interface AttemptTimes {
  readonly startedAt: Date | null;
  readonly finishedAt: Date;
}

/** What the store knows about an ended job besides the job itself. */
export interface EndedJobUsage {
  /** Attempts that ended before the last one, oldest first. */
  readonly earlierAttempts: readonly AttemptTimes[];
  /** Did the usage sampler record anything for this job? */
  readonly sampled: boolean;
  readonly peakRamBytes: number | null;
}

export interface HistoryContext {
  /** Names of POSIX groups by gid; an unknown gid is kept as its number. */
  readonly groupNames: ReadonlyMap<number, string>;
  /** The first submission number of the job's set (its members are numbered in a row), when it has one. */
  readonly setFirstSubmitSeq?: number | undefined;
}

const PROJECT_DIR = /^\/arc\/projects\/([^/]+)(\/|$)/;

/**
 * The project a job is charged to: the `/arc/projects/<name>` directory it worked in,
 * else its `project` label (HTCondor's `+ProjectName`) when its owner is a member of the
 * group of that name — the same rule as for working in a project's directory, so no one
 * charges a project they are not part of. Null otherwise.
 */
export function projectOf(job: Pick<Job, "workdir" | "labels">, groups: readonly string[]): string | null {
  const dir = job.workdir === null ? null : PROJECT_DIR.exec(job.workdir)?.[1] ?? null;
  if (dir !== null) return dir;
  const label = job.labels.project;
  return label !== undefined && groups.includes(label) ? label : null;
}

const seconds = (from: Date | null, to: Date | null): number => (from && to ? Math.max(0, (to.getTime() - from.getTime()) / 1000) : 0);

/** The legacy ids: HTCondor's cluster and process, or Slurm's job and array task, else the set's and the place in it. */
function legacyIds(job: Job, ctx: HistoryContext): { clusterId: string; procId: number } {
  const clusterId = job.labels["htcondor.cluster"] ?? job.labels["slurm.job"] ?? job.arrayId ?? job.id;
  const task = job.labels["slurm.array-task"];
  if (task !== undefined && /^\d{1,9}$/.test(task)) return { clusterId, procId: Number(task) };
  if (job.arrayId !== null && ctx.setFirstSubmitSeq !== undefined) return { clusterId, procId: Math.max(0, job.submitSeq - ctx.setFirstSubmitSeq) };
  return { clusterId, procId: job.replicaIndex !== null ? job.replicaIndex - 1 : 0 };
}

/**
 * The history entry of an ended job. Pure. Wall time sums every attempt that started
 * (a retried job used its slot each time); cores, RAM and GPUs are the requests, which
 * is what the job held whether or not it used them.
 * @throws Error when the job has not ended (a caller's bug).
 */
export function historyEntryOf(job: Job, usage: EndedJobUsage, ctx: HistoryContext): JobHistoryEntry {
  if (job.state !== "succeeded" && job.state !== "failed" && job.state !== "cancelled") throw new Error(`job ${job.id} has not ended (${job.state})`);
  const finishedAt = job.finishedAt ?? job.updatedAt;
  const wallSeconds = usage.earlierAttempts.reduce((s, a) => s + seconds(a.startedAt, a.finishedAt), 0) + seconds(job.startedAt, finishedAt);
  const firstStart = usage.earlierAttempts.find((a) => a.startedAt !== null)?.startedAt ?? job.startedAt;
  const groups = [...new Set(job.owner.groups.map((gid) => ctx.groupNames.get(gid) ?? String(gid)))].sort();
  const r = job.resources;
  return {
    jobId: job.id,
    owner: job.owner.username,
    groups,
    project: projectOf(job, groups),
    image: job.image,
    name: job.name,
    setId: job.arrayId,
    ...legacyIds(job, ctx),
    submitSeq: job.submitSeq,
    labels: job.labels,
    outcome: job.state,
    exitCode: job.exitCode,
    reason: job.reason,
    attempts: job.attempt,
    queuedAt: job.createdAt,
    startedAt: firstStart,
    finishedAt,
    cores: r.coresRequest,
    ramGB: r.ramRequestGB,
    diskGB: job.diskGB,
    gpus: r.gpus,
    wallSeconds,
    coreSeconds: r.coresRequest * wallSeconds,
    cpuSeconds: usage.sampled ? job.cpuSeconds : null,
    peakRamBytes: usage.sampled ? usage.peakRamBytes : null,
    executor: job.executor,
  };
}
