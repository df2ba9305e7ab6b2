import type { OutboxMessage } from "./accounting-store.js";

/** Where a notification is: still to be sent (perhaps again), delivered (a 2xx), or given up on. */
export type DeliveryState = "pending" | "delivered" | "failed";

/** A queued notification and what became of its attempts. */
export interface OutboxEntry extends OutboxMessage {
  readonly state: DeliveryState;
  readonly attempts: number;
  /** When a pending one is next tried. */
  readonly nextAttemptAt: Date;
  readonly lastAttemptAt: Date | null;
  /** The HTTP status of the last attempt; null when it got no answer. */
  readonly lastStatus: number | null;
  readonly lastError: string | null;
  readonly deliveredAt: Date | null;
}

/** The result of one attempt and what follows it. */
export interface AttemptResult {
  readonly at: Date;
  readonly status: number | null;
  readonly error: string | null;
  readonly next: { readonly state: "delivered" } | { readonly state: "failed" } | { readonly state: "pending"; readonly at: Date };
}

/** The notification outbox (its rows are queued by `AccountingStore.record`). */
export interface NotificationStore {
  /** Pending notifications due at `now`, oldest due first. */
  due(now: Date, limit: number): Promise<OutboxEntry[]>;
  /** When the next pending notification is due; null when none is pending. */
  nextDueAt(): Promise<Date | null>;
  /**
   * Records an attempt, if the entry is still pending with `attemptsBefore` attempts
   * (compare-and-set: an attempt is never counted twice). Returns false otherwise.
   */
  recordAttempt(id: string, attemptsBefore: number, result: AttemptResult): Promise<boolean>;
  get(id: string): Promise<OutboxEntry | undefined>;
  /** The notification queued under `session:<id>` or `set:<set id>`, if any. */
  byKey(dedupKey: string): Promise<OutboxEntry | undefined>;
  /** Newest first; only one owner's when given. */
  list(query: { readonly owner?: string | undefined; readonly limit: number }): Promise<OutboxEntry[]>;
  /** Deletes delivered and failed notifications queued before `before`; returns how many. */
  pruneBefore(before: Date): Promise<number>;
}
