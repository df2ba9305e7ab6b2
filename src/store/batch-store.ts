import type { BatchMember } from "../domain/session-batches.js";

export type { BatchMember };

/** The jobs of one owner, compactly, for grouping them into batches (`skyrun ps --batch`). */
export interface BatchStore {
  /** Every kept job of `owner`, in submission order: no command, no environment. */
  members(owner: string): Promise<BatchMember[]>;
}
