import type { Logger } from "pino";
import { DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER } from "../contracts/notification.js";
import type { Clock } from "../domain/clock.js";
import { toError } from "../domain/errors.js";
import { signNotification } from "../domain/notification-signature.js";
import type { AttemptResult, NotificationStore, OutboxEntry } from "../store/notification-store.js";
import { backoffMs, type BackoffSettings } from "./delivery-backoff.js";
import type { WebhookSender } from "./webhook-sender.js";

export interface DispatcherDeps {
  readonly store: NotificationStore;
  readonly send: WebhookSender;
  /** The owner's signing key. */
  readonly keyFor: (owner: string) => string;
  readonly clock: Clock;
  readonly log: Logger;
  /** Sent as User-Agent, e.g. `skyrun/0.1.0`. */
  readonly userAgent: string;
  /** Told once a notification is delivered or given up (for the sessions' events); its failures are logged, never retried. */
  readonly settled?: (entry: OutboxEntry, outcome: SettledNotification) => Promise<void>;
}

/** How a notification ended: delivered (a 2xx) or given up, after `attempts` attempts. */
export interface SettledNotification {
  readonly state: "delivered" | "failed";
  readonly attempts: number;
  readonly status: number | null;
  readonly error: string | null;
  readonly at: Date;
}

export interface DispatcherSettings extends BackoffSettings {
  /** Redirects and (re-checked at each attempt) the notifications' own URLs must be under these. */
  readonly allowedUrls: readonly string[];
  /** Attempts per notification before it is given up. */
  readonly maxAttempts: number;
  /** One attempt's limit, connection and answer together. */
  readonly requestTimeoutMs: number;
  /** Attempts in flight at once. @defaultValue 4 */
  readonly concurrency?: number;
  /** Delivered and failed notifications are deleted this long after they were queued. */
  readonly keepMs: number;
}

/** The dispatcher looks at the outbox at least this often, whatever it expects. */
const IDLE_CHECK_MS = 60_000;
const BATCH = 32;

/**
 * Delivers the notification outbox: each pending notification is POSTed, signed with
 * its owner's key and a fresh timestamp, until a 2xx answer or `maxAttempts` attempts,
 * waiting longer after each failure. Every attempt is recorded before the next is
 * considered, so a restart resumes where it stood. An attempt under way when the
 * server stops (or is killed) was not recorded and is made again after the restart,
 * with the same delivery id: receivers drop a repeat by `x-skyrun-delivery`.
 */
export class NotificationDispatcher {
  private closed = false;
  private wakeUp: (() => void) | undefined;
  private loop: Promise<void> | undefined;
  private readonly abort = new AbortController();
  private lastPruneMs = 0;

  constructor(private readonly d: DispatcherDeps, private readonly s: DispatcherSettings) {}

  start(): void {
    this.loop = this.run();
  }

  /** New notifications were queued: look now rather than at the next due time. */
  wake(): void {
    this.wakeUp?.();
  }

  /** Stops; attempts in flight are abandoned (not recorded), and made again after a restart. */
  async close(): Promise<void> {
    this.closed = true;
    this.abort.abort();
    this.wakeUp?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (!this.closed) {
      let waitMs = IDLE_CHECK_MS;
      try {
        this.prune();
        const due = await this.d.store.due(this.d.clock.now(), BATCH);
        if (due.length > 0) {
          await this.deliverAll(due);
          continue;
        }
        const next = await this.d.store.nextDueAt();
        if (next) waitMs = Math.min(IDLE_CHECK_MS, Math.max(0, next.getTime() - this.d.clock.now().getTime()));
      } catch (e) {
        if (this.abort.signal.aborted) return;
        this.d.log.warn({ err: toError(e).message }, "notification delivery failed; retrying shortly");
        waitMs = 5000;
      }
      await new Promise<void>((resolve) => {
        const cancel = this.d.clock.setTimer(waitMs, done);
        function done() {
          cancel();
          resolve();
        }
        this.wakeUp = done;
      });
      this.wakeUp = undefined;
    }
  }

  private async deliverAll(due: readonly OutboxEntry[]): Promise<void> {
    const queue = [...due];
    const worker = async () => {
      for (let e = queue.shift(); e && !this.closed; e = queue.shift()) await this.attempt(e);
    };
    await Promise.all(Array.from({ length: Math.min(this.s.concurrency ?? 4, queue.length) }, worker));
  }

  private async attempt(e: OutboxEntry): Promise<void> {
    const startedAt = this.d.clock.now();
    const t = Math.floor(startedAt.getTime() / 1000);
    const headers = {
      "content-type": "application/json",
      "user-agent": this.d.userAgent,
      [EVENT_HEADER]: e.event,
      [DELIVERY_HEADER]: e.id,
      [SIGNATURE_HEADER]: signNotification(this.d.keyFor(e.owner), t, e.body),
    };
    let result;
    try {
      result = await this.d.send({ url: e.url, body: e.body, headers, allowedPrefixes: this.s.allowedUrls, timeoutMs: this.s.requestTimeoutMs, signal: this.abort.signal });
    } catch (err) {
      if (this.closed) return; // shutting down: left pending, sent again after the restart
      throw err;
    }
    const attempts = e.attempts + 1;
    const at = this.d.clock.now();
    const next: AttemptResult["next"] = result.delivered ? { state: "delivered" }
      : result.permanent || attempts >= this.s.maxAttempts ? { state: "failed" }
      : { state: "pending", at: new Date(at.getTime() + backoffMs(attempts, this.s)) };
    const error = result.delivered ? null : result.error;
    const recorded = await this.d.store.recordAttempt(e.id, e.attempts, { at, status: result.status, error, next });
    if (next.state === "failed") this.d.log.warn({ deliveryId: e.id, url: e.url, attempts, error }, "notification given up");
    if (recorded && next.state !== "pending" && this.d.settled) {
      await this.d.settled(e, { state: next.state, attempts, status: result.status, error, at })
        .catch((err: unknown) => this.d.log.warn({ deliveryId: e.id, err: toError(err).message }, "recording a notification's event failed"));
    }
  }

  /** At most hourly: old delivered and failed notifications go. */
  private prune(): void {
    const now = this.d.clock.now().getTime();
    if (now - this.lastPruneMs < 3_600_000) return;
    this.lastPruneMs = now;
    this.d.store.pruneBefore(new Date(now - this.s.keepMs)).catch((e: unknown) => this.d.log.warn({ err: toError(e).message }, "pruning old notifications failed"));
  }
}
