import { containerNameOf } from "../container-policy.js";
import type { RunRequest } from "../executor.js";

/**
 * The Slurm job name of a session's run: how skyrun finds it again without its id. A
 * retried session's later attempts get their own names, so an ended attempt Slurm
 * still lists is never taken for the next one.
 */
export const slurmJobNameOf = (jobId: string, attempt = 1): string => (attempt > 1 ? `${containerNameOf(jobId)}.${attempt}` : containerNameOf(jobId));

/** Slurm time limits are whole minutes: the deadline, rounded up, at least one. */
export const timeLimitMinutes = (deadlineSeconds: number): number => Math.max(1, Math.ceil(deadlineSeconds / 60));

export interface SbatchSettings {
  /** Where Slurm's own messages go ("CANCELLED AT …"), so the session's log holds only its program's output. */
  readonly slurmMessages: string;
  readonly partition: string;
  readonly account: string;
  /** Working directory of the batch script on the node: the data directory. */
  readonly chdir: string;
  /** Site options added to every job. */
  readonly extraArgs: readonly string[];
}

/**
 * `sbatch` options for a run; the script comes on stdin. Slurm schedules on the
 * request (cores rounded up to whole CPUs, memory in MiB), as Kubernetes schedules on
 * requests; the container's own limits are the session's limits. One task on one node,
 * never requeued (the platform's backoffLimit 0), no environment from skyrun's process.
 * The script sends its own stderr to the log (`exec 2>&1`), so the program's stdout and
 * stderr share one file in the order written; `--error` then receives only Slurm's notes.
 */
export function sbatchArguments(run: RunRequest, s: SbatchSettings): string[] {
  const r = run.resources;
  return [
    "--parsable",
    `--job-name=${slurmJobNameOf(run.jobId, run.attempt)}`,
    `--comment=skyrun session ${run.jobId} of ${run.owner.username}`,
    `--output=${run.logPath}`,
    `--error=${s.slurmMessages}`,
    "--open-mode=truncate",
    `--chdir=${s.chdir}`,
    "--nodes=1",
    "--ntasks=1",
    `--cpus-per-task=${Math.max(1, Math.ceil(r.coresRequest - 1e-9))}`,
    `--mem=${Math.max(1, Math.ceil(r.ramRequestGB * 1024))}M`,
    ...(r.gpus > 0 ? [`--gres=gpu:${r.gpus}`] : []),
    `--time=${timeLimitMinutes(run.deadlineSeconds)}`,
    "--no-requeue",
    "--export=NONE",
    ...(s.partition ? [`--partition=${s.partition}`] : []),
    ...(s.account ? [`--account=${s.account}`] : []),
    ...s.extraArgs,
  ];
}
