import type { Kysely, Selectable } from "kysely";
import type { Database, NotificationOutboxTable } from "./schema.js";
import type { AttemptResult, DeliveryState, NotificationStore, OutboxEntry } from "./notification-store.js";

const date = (ms: number | null): Date | null => (ms === null ? null : new Date(Number(ms)));

function rowToEntry(r: Selectable<NotificationOutboxTable>): OutboxEntry {
  return {
    id: r.id,
    dedupKey: r.dedup_key,
    owner: r.owner,
    url: r.url,
    event: r.event,
    body: r.body,
    createdAt: new Date(Number(r.created_at)),
    state: r.state as DeliveryState,
    attempts: r.attempts,
    nextAttemptAt: new Date(Number(r.next_attempt_at)),
    lastAttemptAt: date(r.last_attempt_at),
    lastStatus: r.last_status,
    lastError: r.last_error,
    deliveredAt: date(r.delivered_at),
  };
}

/** The notification outbox on either driver. */
export function createKyselyNotificationStore(db: Kysely<Database>): NotificationStore {
  return {
    async due(now: Date, limit: number): Promise<OutboxEntry[]> {
      const rows = await db.selectFrom("notification_outbox").selectAll().where("state", "=", "pending").where("next_attempt_at", "<=", now.getTime())
        .orderBy("next_attempt_at").orderBy("id").limit(limit).execute();
      return rows.map(rowToEntry);
    },

    async nextDueAt(): Promise<Date | null> {
      const row = await db.selectFrom("notification_outbox").select((eb) => eb.fn.min("next_attempt_at").as("at")).where("state", "=", "pending").executeTakeFirst();
      // MIN over no rows is NULL, whatever the column's type says.
      const at = row?.at as number | null | undefined;
      return at === null || at === undefined ? null : new Date(Number(at));
    },

    async recordAttempt(id: string, attemptsBefore: number, r: AttemptResult): Promise<boolean> {
      const row = await db.updateTable("notification_outbox").set({
        attempts: attemptsBefore + 1,
        last_attempt_at: r.at.getTime(),
        last_status: r.status,
        last_error: r.error,
        state: r.next.state,
        ...(r.next.state === "pending" ? { next_attempt_at: r.next.at.getTime() } : {}),
        ...(r.next.state === "delivered" ? { delivered_at: r.at.getTime() } : {}),
      }).where("id", "=", id).where("state", "=", "pending").where("attempts", "=", attemptsBefore).executeTakeFirst();
      return Number(row.numUpdatedRows) === 1;
    },

    async get(id: string): Promise<OutboxEntry | undefined> {
      const row = await db.selectFrom("notification_outbox").selectAll().where("id", "=", id).executeTakeFirst();
      return row ? rowToEntry(row) : undefined;
    },

    async byKey(dedupKey: string): Promise<OutboxEntry | undefined> {
      const row = await db.selectFrom("notification_outbox").selectAll().where("dedup_key", "=", dedupKey).executeTakeFirst();
      return row ? rowToEntry(row) : undefined;
    },

    async list(q): Promise<OutboxEntry[]> {
      let query = db.selectFrom("notification_outbox").selectAll();
      if (q.owner !== undefined) query = query.where("owner", "=", q.owner);
      const rows = await query.orderBy("created_at", "desc").orderBy("id", "desc").limit(q.limit).execute();
      return rows.map(rowToEntry);
    },

    async pruneBefore(before: Date): Promise<number> {
      const r = await db.deleteFrom("notification_outbox").where("state", "!=", "pending").where("created_at", "<", before.getTime()).executeTakeFirst();
      return Number(r.numDeletedRows);
    },
  };
}
