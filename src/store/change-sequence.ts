import type { Kysely } from "kysely";
import type { Clock } from "../domain/clock.js";
import type { Database } from "./schema.js";

/**
 * Numbers every change of a job, in the order the store makes them, so that pollers
 * (`changedSince`) and live views (the stream's `Last-Event-ID`) resume exactly where
 * they left off. One skyrun server writes one database, so the counter lives here and
 * starts after the largest number stored.
 */
export class ChangeSequence {
  private last: number | undefined;

  constructor(private readonly db: Kysely<Database>, private readonly clock: Clock) {}

  /** The next `count` numbers, and the change time to record with them. */
  async take(count = 1): Promise<{ first: number; at: number }> {
    if (this.last === undefined) {
      const row = await this.db.selectFrom("jobs").select((eb) => eb.fn.max("updated_seq").as("seq")).executeTakeFirst();
      this.last ??= Number(row?.seq ?? 0);
    }
    const first = this.last + 1;
    this.last += count;
    return { first, at: this.clock.now().getTime() };
  }

  /** The number of the latest change so far (0 when there is none). */
  async current(): Promise<number> {
    if (this.last === undefined) await this.take(0);
    return this.last!;
  }
}
