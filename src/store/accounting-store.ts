import type { JobHistoryEntry } from "../domain/job-history.js";
import type { Job } from "../domain/job.js";
import type { AttemptRecord } from "./store.js";

/** An ended job not yet in the history, with what the history entry needs besides it. */
export interface UnrecordedEnding {
  readonly job: Job;
  /** Its attempts that ended before the last one, oldest first. */
  readonly earlierAttempts: readonly AttemptRecord[];
  /** Whether usage samples exist for it. */
  readonly sampled: boolean;
  /** The largest memory reading, in bytes; null without samples. */
  readonly peakRamBytes: number | null;
}

/** A notification to queue: one per session, or one per set, never two for one key. */
export interface OutboxMessage {
  /** The delivery id receivers de-duplicate on; kept across retries. */
  readonly id: string;
  /** `session:<id>` or `set:<set id>`: a second message with the same key is not queued. */
  readonly dedupKey: string;
  readonly owner: string;
  readonly url: string;
  /** `session.ended` or `set.ended`. */
  readonly event: string;
  /** The JSON body, exactly as sent (and signed). */
  readonly body: string;
  readonly createdAt: Date;
}

/** What a usage report is summed by; a label key sums by that label's values. */
export type UsageDimension = "user" | "group" | "project" | "image" | { readonly label: string };

export interface UsageQuery {
  /** First and last UTC day (inclusive) of job ends. */
  readonly fromDay: number;
  readonly toDay: number;
  /** Only this owner's jobs; all owners when absent. */
  readonly owner?: string | undefined;
  readonly by: UsageDimension;
}

/** Summed figures of a number of ended jobs. */
export interface UsageFigures {
  readonly jobs: number;
  readonly failures: number;
  readonly wallSeconds: number;
  readonly coreSeconds: number;
  readonly gpuSeconds: number;
  readonly ramGBSeconds: number;
  /** CPU time of the jobs that have usage samples. */
  readonly cpuSeconds: number;
  /** Core-seconds of those same jobs: CPU efficiency is cpuSeconds ÷ this. */
  readonly sampledCoreSeconds: number;
}

/** One key's figures on one day. A job of an owner in several groups counts under each group. */
export interface UsageBucket extends UsageFigures {
  /** The user, group, project, image or label value; "" for jobs without one (no group, project or label). */
  readonly key: string;
  readonly day: number;
}

export interface HistoryQuery {
  readonly fromDay: number;
  readonly toDay: number;
  readonly owner?: string | undefined;
  readonly limit: number;
  /** From a previous page's `nextCursor`. */
  readonly cursor?: string | undefined;
}

export interface HistoryPage {
  /** In order of end, then job id. */
  readonly entries: JobHistoryEntry[];
  readonly nextCursor: string | null;
}

/** How far a set has got, over its sessions still kept and those only in the history. */
export interface SetProgress {
  readonly total: number;
  /** Sessions not yet ended. */
  readonly active: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly cancelled: number;
  readonly firstCreatedAt: Date | null;
  readonly lastFinishedAt: Date | null;
  /** The name of its first session (by submission), or null for an unknown set. */
  readonly firstName: string | null;
}

/**
 * The accounting record: a history entry per ended job, daily sums kept with them, and
 * the notifications those endings cause, written together.
 */
export interface AccountingStore {
  /**
   * Ended jobs whose last change number is above `afterSeq` and that have no history
   * entry yet, by change number, at most `limit`.
   */
  listUnrecorded(afterSeq: number, limit: number): Promise<UnrecordedEnding[]>;
  /** The lowest submission number of each set, over its kept sessions and its history. */
  firstSubmitSeqs(setIds: readonly string[]): Promise<Map<string, number>>;
  setProgress(setId: string): Promise<SetProgress>;
  /**
   * In one transaction: adds the entries of jobs not yet recorded (others are skipped,
   * so recording again is harmless) with their daily sums, and queues the messages whose
   * key is not queued yet. Returns how many entries were new.
   */
  record(entries: readonly JobHistoryEntry[], messages: readonly OutboxMessage[]): Promise<number>;
  /** Figures per key and day, from the daily sums (never from the jobs one by one). */
  usage(query: UsageQuery): Promise<UsageBucket[]>;
  /** The figures of every job in the range once (whatever a report is summed by), in one aggregate. */
  usageTotals(query: Omit<UsageQuery, "by">): Promise<UsageFigures>;
  /** History entries of jobs that ended on those days, one page at a time. */
  history(query: HistoryQuery): Promise<HistoryPage>;
}
