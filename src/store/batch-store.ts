import type { JobId } from "../domain/ids.js";
import type { JobState } from "../domain/job.js";

/** What the batch view (`skyrun ps --batch`) needs of a job: no command, no environment. */
export interface BatchMember {
  readonly id: JobId;
  readonly name: string;
  readonly setId: string | null;
  readonly replicaIndex: number | null;
  readonly labels: Readonly<Record<string, string>>;
  readonly state: JobState;
  readonly createdAt: Date;
  readonly submitSeq: number;
  readonly visibleUntil: Date;
}

/** The jobs of one owner, compactly, for grouping them into batches. */
export interface BatchStore {
  /** Every kept job of `owner`, in submission order. */
  members(owner: string): Promise<BatchMember[]>;
}
