import type { Kysely } from "kysely";
import type { Clock } from "../domain/clock.js";
import type { Database } from "./schema.js";

/**
 * Numbers every change of a job, in the order the store makes them, so that pollers
 * (`changedSince`) and live views (the stream's `Last-Event-ID`) resume exactly where
 * they left off. One skyrun server writes one database, so the counter lives here and
 * starts after the largest number stored.
 *
 * Numbers are taken before their write commits, and two writes may commit out of
 * order (a transaction, PostgreSQL's pool). A live view that read "everything after 10"
 * while 11 was still being written, and saw 12, would skip 11 for ever: so it reads only
 * up to {@link settled}, below which every number taken has committed (or failed), and
 * is told by {@link onSettled} when that moves.
 */
export class ChangeSequence {
  /** First number of each range taken and not yet settled, with its size. */
  private readonly pending = new Map<number, number>();
  private readonly listeners = new Set<() => void>();

  /**
   * Starts after `last`, the largest number stored ({@link ChangeSequence.load}). Taking a
   * number never touches the database: numbers are taken inside transactions, and on
   * SQLite's single connection a query from there would wait for itself.
   */
  constructor(private last: number, private readonly clock: Clock) {}

  /** A sequence that continues after the largest number in the database. */
  static async load(db: Kysely<Database>, clock: Clock): Promise<ChangeSequence> {
    const row = await db.selectFrom("jobs").select((eb) => eb.fn.max("updated_seq").as("seq")).executeTakeFirst();
    return new ChangeSequence(Number(row?.seq ?? 0), clock);
  }

  /** The next `count` numbers, and the change time to record with them. Call {@link settle} once written (or failed). */
  take(count = 1): { first: number; at: number } {
    const first = this.last + 1;
    this.last += count;
    if (count > 0) this.pending.set(first, count);
    return { first, at: this.clock.now().getTime() };
  }

  /** The write that took the range starting at `first` has committed or failed. */
  settle(first: number): void {
    if (!this.pending.delete(first)) return;
    for (const l of this.listeners) l();
  }

  /** Runs `write` with `count` fresh numbers and settles them however it ends. */
  async around<T>(count: number, write: (stamp: { first: number; at: number }) => Promise<T>): Promise<T> {
    const stamp = this.take(count);
    try {
      return await write(stamp);
    } finally {
      this.settle(stamp.first);
    }
  }

  /** The number of the latest change so far (0 when there is none). */
  current(): number {
    return this.last;
  }

  /** The highest number at or below which every change has committed or failed. */
  settled(): number {
    let lowest = this.last + 1;
    for (const first of this.pending.keys()) lowest = Math.min(lowest, first);
    return lowest - 1;
  }

  /** Calls `listener` after each write settles; returns the unsubscribe function. */
  onSettled(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
