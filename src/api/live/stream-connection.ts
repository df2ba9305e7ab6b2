import type { ServerResponse } from "node:http";
import type { Writable } from "node:stream";
import type { ApiVersion } from "../../contracts/api-version.js";
import { every, type Clock } from "../../domain/clock.js";
import { platformStats } from "../../jobs/platform-info.js";
import { changesAfter, MAX_REPLAY, resumePoint, type ChangeScope } from "../../jobs/session-changes.js";
import type { JobServiceDeps } from "../../jobs/job-service-deps.js";
import { toPlatformStatsJson } from "../presenters/platform-presenter.js";
import { toSessionJson } from "../presenters/session-presenter.js";
import { commentFrame, eventFrame } from "./event-stream-frames.js";

/** How often each part of the stream is written, and how much a slow reader may leave unread. */
export interface StreamTimings {
  /** `stats` events. @defaultValue 5000 */
  readonly statsMs: number;
  /** Keep-alive comments. @defaultValue 15000 */
  readonly keepAliveMs: number;
  /** Changes arriving within this long are read from the store together. @defaultValue 100 */
  readonly coalesceMs: number;
  /**
   * Bytes written and not yet taken by the client above which nothing more is written until
   * it has read them: the store, not the server's memory, keeps what it has not seen yet.
   * @defaultValue 256 KiB
   */
  readonly maxUnreadBytes: number;
  /** A client that has taken nothing for this long is closed (it reconnects and resumes). @defaultValue 60000 */
  readonly stalledMs: number;
}

export const STREAM_TIMINGS: StreamTimings = { statsMs: 5000, keepAliveMs: 15_000, coalesceMs: 100, maxUnreadBytes: 256 * 1024, stalledMs: 60_000 };

export interface StreamConnectionDeps {
  readonly jobs: JobServiceDeps;
  readonly clock: Clock;
  readonly version: ApiVersion;
  readonly timings: StreamTimings;
  /** Logs a failure that ended the connection. */
  readonly onError: (err: unknown) => void;
}

/**
 * One client of `GET /stream`: sends the session events after `cursor` as the store
 * commits them (woken by its change feed), `stats` and keep-alives on timers. It keeps
 * only a cursor: what a slow client has not taken yet stays in the store, and when it
 * falls more than MAX_REPLAY changes behind it gets a `reset` instead of the backlog.
 */
export class StreamConnection {
  private busy = false;
  private dirty = false;
  private closed = false;
  private cancelWake: (() => void) | undefined;
  private stalledSince: number | undefined;
  private readonly stops: (() => void)[] = [];

  /**
   * @param response the HTTP response, whose closing means the client left
   * @param body where events are written (what the response sends)
   */
  constructor(private readonly d: StreamConnectionDeps, private readonly response: ServerResponse, private readonly res: Writable, private readonly scope: ChangeScope, private cursor: number, private readonly onClosed: () => void) {}

  /** Starts writing: a `reset` first when the client's resume point could not be replayed. */
  start(reset: boolean): void {
    this.response.on("close", () => this.close());
    this.res.on("drain", () => {
      this.stalledSince = undefined;
      this.wake(0);
    });
    this.write(commentFrame("skyrun session stream"));
    if (reset) this.write(eventFrame("reset", "{}", this.cursor));
    this.stops.push(this.d.jobs.store.jobs.onChange(() => this.wake(this.d.timings.coalesceMs)));
    this.stops.push(every(this.d.clock, this.d.timings.statsMs, () => void this.sendStats()));
    this.stops.push(every(this.d.clock, this.d.timings.keepAliveMs, () => {
      if (!this.backedUp()) this.write(commentFrame("keep-alive"));
    }));
    void this.sendStats();
    this.wake(0);
  }

  /** Ends the response (server shutdown, or the client left). Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.cancelWake?.();
    for (const stop of this.stops) stop();
    this.onClosed();
  }

  /** A method, not a field read: `close` may run while a pass awaits. */
  private isOpen(): boolean {
    return !this.closed;
  }

  private write(frame: string): void {
    if (!this.closed) this.res.write(frame);
  }

  /** The client has not taken what was written: write nothing more until it drains, close it when it never does. */
  private backedUp(): boolean {
    if (this.res.writableLength <= this.d.timings.maxUnreadBytes) return false;
    const now = this.d.clock.now().getTime();
    this.stalledSince ??= now;
    if (now - this.stalledSince >= this.d.timings.stalledMs) this.close();
    return true;
  }

  private wake(delayMs: number): void {
    if (this.closed || this.cancelWake) return;
    this.cancelWake = this.d.clock.setTimer(delayMs, () => {
      this.cancelWake = undefined;
      void this.pump();
    });
  }

  private async sendStats(): Promise<void> {
    if (this.closed || this.backedUp()) return;
    try {
      const stats = toPlatformStatsJson(await platformStats(this.d.jobs));
      this.write(eventFrame("stats", JSON.stringify(stats)));
    } catch (e) {
      this.d.onError(e);
    }
  }

  /** Sends every committed change after the cursor; one pass at a time, again when woken meanwhile. */
  private async pump(): Promise<void> {
    if (this.busy) {
      this.dirty = true;
      return;
    }
    this.busy = true;
    try {
      do {
        this.dirty = false;
        if (this.closed || this.backedUp()) return;
        // Only a raw gap above the replay limit can be too far behind: then count what is the client's.
        const gap = (await this.d.jobs.store.jobs.settledChangeSeq()) - this.cursor;
        const behind = gap > MAX_REPLAY ? await resumePoint(this.d.jobs, this.scope, String(this.cursor)) : undefined;
        if (behind?.reset) {
          // Fell too far behind while it was not reading: reload beats a backlog.
          this.cursor = behind.cursor;
          this.write(eventFrame("reset", "{}", this.cursor));
          continue;
        }
        const batch = await changesAfter(this.d.jobs, this.scope, this.cursor);
        const usage = await this.d.jobs.usage.read(batch.jobs);
        for (const job of batch.jobs) {
          const json = toSessionJson(job, this.d.version, { usage: usage.get(job.id), waiting: this.d.jobs.scheduling.explain(job) });
          this.write(eventFrame("session", JSON.stringify(json), job.updatedSeq));
        }
        this.cursor = batch.cursor;
        if (batch.more) this.dirty = true;
      } while (this.dirty && this.isOpen());
    } catch (e) {
      this.d.onError(e);
      this.close();
    } finally {
      this.busy = false;
    }
  }
}
