/**
 * What Slurm says about a job, and what that means for a skyrun run. Pure: parses
 * `squeue` and `scontrol` output and maps Slurm's states and reasons to RunStatus.
 *
 *   PENDING, REQUEUED, CONFIGURING, …          → pending, with Slurm's reason in words
 *   RUNNING, COMPLETING, SUSPENDED, …          → running
 *   COMPLETED                                  → exited 0
 *   FAILED                                     → exited with the real exit code
 *   TIMEOUT, DEADLINE                          → exited, reason DeadlineExceeded
 *   OUT_OF_MEMORY                              → exited, oomKilled
 *   NODE_FAIL, BOOT_FAIL, CANCELLED, PREEMPTED → exited, non-zero, with the reason
 *   not known to Slurm                         → exited from the wrapper's record, else vanished
 */
import type { RunStatus } from "../executor.js";
import type { ExitRecord } from "./exit-record.js";

/** One line of `squeue --format=%i|%j|%T|%r|%S|%e` with `SLURM_TIME_FORMAT=%s`. */
export interface SlurmJobRow {
  readonly slurmId: string;
  readonly name: string;
  readonly state: string;
  readonly reason: string;
  /** Actual start for a job that started; Slurm's estimate (or the cancel time) otherwise. */
  readonly startTime: Date | null;
  readonly endTime: Date | null;
}

/** The squeue `--format` that `parseSqueue` reads. */
export const SQUEUE_FORMAT = "%i|%j|%T|%r|%S|%e";

const epoch = (s: string | undefined): Date | null => {
  if (!s || !/^\d+$/.test(s.trim())) return null; // N/A, Unknown, NONE
  const n = Number(s.trim());
  return n > 0 ? new Date(n * 1000) : null;
};

/** Parses squeue lines; lines that do not have six fields are skipped. */
export function parseSqueue(output: string): SlurmJobRow[] {
  const rows: SlurmJobRow[] = [];
  for (const line of output.split("\n")) {
    const f = line.trim().split("|");
    if (f.length < 6 || !/^\d+(_\d+)?$/.test(f[0] ?? "")) continue;
    rows.push({ slurmId: f[0]!, name: f[1]!, state: f[2]!.replace(/[+*]$/, ""), reason: f[3]!, startTime: epoch(f[4]), endTime: epoch(f[5]) });
  }
  return rows;
}

/** `ExitCode=3:0` of `scontrol show job -o`: the exit status and the signal that ended the batch script. */
export function parseScontrolExit(output: string): { exitCode: number; signal: number } | undefined {
  const m = /\bExitCode=(\d+):(\d+)\b/.exec(output);
  return m ? { exitCode: Number(m[1]), signal: Number(m[2]) } : undefined;
}

const PENDING_STATES = new Set(["PENDING", "REQUEUED", "REQUEUE_HOLD", "REQUEUE_FED", "RESV_DEL_HOLD", "SPECIAL_EXIT", "CONFIGURING", "POWER_UP_NODE"]);
const RUNNING_STATES = new Set(["RUNNING", "COMPLETING", "SUSPENDED", "STOPPED", "SIGNALING", "STAGE_OUT", "RESIZING", "UPDATE_DB"]);

export const isPendingState = (state: string): boolean => PENDING_STATES.has(state);
export const isRunningState = (state: string): boolean => RUNNING_STATES.has(state);
/** Anything else Slurm reports is an end: COMPLETED, FAILED, CANCELLED, TIMEOUT, … */
export const isEndState = (state: string): boolean => !isPendingState(state) && !isRunningState(state);

/** Slurm's pending reasons in words users understand; Slurm's own name stays in front. */
const REASON_WORDS: readonly (readonly [RegExp, string])[] = [
  [/^Resources$/, "waiting for resources"],
  [/^Priority$/, "jobs with higher priority are ahead in the queue"],
  [/^Dependency$/, "waiting for a dependency"],
  [/^DependencyNeverSatisfied$/, "a dependency can never be satisfied"],
  [/^BeginTime$/, "waiting for its start time"],
  [/^ReqNodeNotAvail/, "a node it needs is down, drained or reserved"],
  [/^(NodeDown|Nodes_required_for_job_are_DOWN)/, "a node it needs is down"],
  [/^PartitionTimeLimit$/, "its time limit is longer than the partition allows"],
  [/^PartitionNodeLimit$/, "it needs more nodes than the partition allows"],
  [/^(PartitionDown|PartitionInactive)$/, "the partition is not accepting jobs"],
  [/^PartitionConfig$/, "the partition cannot run a job of this size"],
  [/^(BadConstraints|Nodes_required)/, "no node can satisfy its constraints"],
  [/^JobHeldAdmin$/, "held by an administrator"],
  [/^JobHeldUser$/, "held"],
  [/^launch failed requeued held$/, "the launch failed; Slurm requeued and held it"],
  [/^Reservation$/, "waiting for a reservation"],
  [/^Licenses$/, "waiting for licenses"],
  [/^(InvalidAccount|InvalidQOS)$/, "the account or QOS is not valid; ask your administrator"],
  [/^QOS/, "a QOS limit is reached"],
  [/^Assoc/, "an account limit is reached"],
  [/^Cleaning$/, "a previous run is still being cleaned up"],
  [/^Prolog$/, "the node prolog is running"],
];

/**
 * `Slurm: Resources — waiting for resources`. Undefined for `None` (Slurm has not
 * looked at the job yet), so nothing is reported until there is a reason.
 */
export function pendingReasonWords(state: string, reason: string): string | undefined {
  const r = reason.trim().replace(/^\((.*)\)$/, "$1");
  if (state === "CONFIGURING") return "Slurm: Configuring — the allocated nodes are being prepared";
  if (!r || r === "None") return undefined;
  const words = REASON_WORDS.find(([re]) => re.test(r))?.[1];
  return words ? `Slurm: ${r} — ${words}` : `Slurm: ${r}`;
}

/** Why a job that ended other than COMPLETED or FAILED ended, in the words `statusMessage` shows. */
function endReason(state: string, slurmId: string): string | undefined {
  switch (state) {
    case "TIMEOUT":
    case "DEADLINE":
      return `DeadlineExceeded: Slurm stopped job ${slurmId} at its time limit (${state})`;
    case "OUT_OF_MEMORY":
      return `OOMKilled: Slurm stopped job ${slurmId} for exceeding its memory (OUT_OF_MEMORY)`;
    case "NODE_FAIL":
    case "BOOT_FAIL":
      return `NodeFail: the node running Slurm job ${slurmId} failed (${state})`;
    case "CANCELLED":
      return `Cancelled: Slurm job ${slurmId} was cancelled (scancel or an administrator)`;
    case "PREEMPTED":
      return `Preempted: Slurm preempted job ${slurmId}`;
    case "COMPLETED":
    case "FAILED":
      return undefined;
    default:
      return `Error: Slurm job ${slurmId} ended in state ${state}`;
  }
}

/** Exit status from Slurm's ExitCode when the wrapper could not record one: 128+signal, the code, or -1 (never ran). */
export function exitCodeFromSlurm(exit: { exitCode: number; signal: number } | undefined): number {
  if (!exit) return -1;
  if (exit.signal > 0) return 128 + exit.signal;
  return exit.exitCode > 0 ? exit.exitCode : -1;
}

export interface RunObservation {
  /** Slurm's row for the job, or undefined when Slurm no longer (or never) knew it. */
  readonly row: SlurmJobRow | undefined;
  /** What the batch wrapper wrote when the run ended, if it did. */
  readonly record: ExitRecord | undefined;
  /** Slurm's ExitCode, asked for only when an ended job left no record. */
  readonly slurmExit?: { exitCode: number; signal: number } | undefined;
  /** True when skyrun saw this job RUNNING: the start time of a cancelled job is real. */
  readonly seenRunning: boolean;
}

/**
 * The RunStatus of one job from Slurm's row and the wrapper's exit record. The record
 * is the truth for the exit code (it survives Slurm forgetting the job); Slurm's
 * state adds why a job ended when it was not the program's own doing.
 */
export function toRunStatus(o: RunObservation, now: Date): RunStatus {
  const { row, record } = o;
  if (!row) {
    if (record) return fromRecord(record, undefined, "");
    return { phase: "vanished", reason: "Slurm has no record of the job and it left no exit record" };
  }
  if (isPendingState(row.state)) {
    const reason = pendingReasonWords(row.state, row.reason);
    return reason ? { phase: "pending", reason } : { phase: "pending" };
  }
  // COMPLETING included: the final state (CANCELLED, TIMEOUT, …) says why it ended, so wait for it.
  if (isRunningState(row.state)) return { phase: "running", startedAt: row.startTime ?? now };
  if (record) return fromRecord(record, row.state, row.slurmId);
  // Ended without a record: the wrapper never ran (cancelled while pending), was killed, or the
  // record is not visible yet (NFS); Slurm's ExitCode is then the wrapper's, i.e. the program's.
  // A job cancelled while pending gets the cancel time as StartTime: only trust it if it ran.
  const startedAt = row.state !== "CANCELLED" || o.seenRunning ? row.startTime : null;
  const finishedAt = row.endTime ?? now;
  const reason = endReason(row.state, row.slurmId);
  if (row.state === "COMPLETED") return { phase: "exited", exitCode: 0, oomKilled: false, startedAt, finishedAt };
  const exitCode = exitCodeFromSlurm(o.slurmExit);
  return {
    phase: "exited",
    exitCode: exitCode === 0 ? -1 : exitCode,
    oomKilled: row.state === "OUT_OF_MEMORY",
    startedAt,
    finishedAt,
    ...(reason ? { reason } : {}),
  };
}

function fromRecord(record: ExitRecord, state: string | undefined, slurmId: string): RunStatus {
  const reason = record.reason ?? (state ? endReason(state, slurmId) : undefined);
  return {
    phase: "exited",
    exitCode: record.exitCode,
    oomKilled: record.oomKilled || state === "OUT_OF_MEMORY",
    startedAt: record.startedAt,
    finishedAt: record.finishedAt,
    // A program that ended by itself says why through its exit code; Slurm's reason matters when Slurm ended it.
    ...(reason && record.exitCode !== 0 ? { reason } : {}),
  };
}
