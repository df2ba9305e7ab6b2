import type { Logger } from "pino";
import type { Clock } from "../domain/clock.js";
import { toError } from "../domain/errors.js";
import { historyEntryOf } from "../domain/job-history.js";
import { isTerminal } from "../domain/job.js";
import type { OutboxMessage, UnrecordedEnding } from "../store/accounting-store.js";
import type { Store } from "../store/store.js";
import { sessionEndedMessage, setEndedMessage } from "./notification-bodies.js";
import type { SchedulingPort } from "./scheduling-port.js";

/**
 * Writes, for every job that ends, its history entry (with the daily usage sums) and,
 * when it asked for one, its completion notification — both in one transaction, once.
 *
 * How nothing is lost or doubled, across crashes included:
 *   1. The record is the only state: a job is "done" when its history entry exists. The
 *      store skips entries and notification keys it already has, so recording twice is
 *      harmless, and a crash between a job's end and its record leaves the job ended
 *      without an entry.
 *   2. At start, a full pass records every ended job without an entry (so a job that
 *      ended just before a crash, or while the server was down, still gets its record
 *      and its one notification; an upgrade records the jobs already kept).
 *   3. After that, each job change the scheduler reports (`watchAll`) asks for a pass
 *      over the jobs changed since a watermark; a timer asks too, in case a change
 *      was never reported.
 *   4. Change numbers are taken before the change is written, so two writes may land
 *      out of order. The watermark therefore only moves to a change number read at
 *      least `settleMs` ago: every change numbered by then has been written.
 *
 * A set's notification is queued when a pass records a member and finds no member of
 * the set still active; the one that ends last always finds that.
 */
export class EndedJobsRecorder {
  private watermark = 0;
  /** Change numbers read at the start of recent passes, oldest first. */
  private readonly marks: { readonly atMs: number; readonly seq: number }[] = [];
  private running: Promise<void> | undefined;
  private again = false;
  private stopTimer: (() => void) | undefined;
  private unwatch: (() => void) | undefined;
  private closed = false;

  constructor(private readonly d: RecorderDeps, private readonly s: RecorderSettings) {}

  /** Subscribes to job changes and starts the first (full) pass in the background. */
  start(): void {
    this.unwatch = this.d.scheduling.watchAll((job) => {
      if (isTerminal(job.state)) this.request();
    });
    this.request();
    const tick = () => {
      this.request();
      if (!this.closed) this.stopTimer = this.d.clock.setTimer(this.s.sweepIntervalMs, tick);
    };
    this.stopTimer = this.d.clock.setTimer(this.s.sweepIntervalMs, tick);
  }

  /** Records everything that has ended so far; resolves once caught up. */
  async flush(): Promise<void> {
    this.request();
    while (this.running) await this.running;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.unwatch?.();
    this.stopTimer?.();
    while (this.running) await this.running;
  }

  /** Asks for a pass; passes never overlap, and requests during one make one more. */
  private request(): void {
    if (this.closed) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = (async () => {
      do {
        this.again = false;
        await this.pass().catch((e: unknown) => this.d.log.warn({ err: toError(e).message }, "recording ended jobs failed; the next pass retries"));
      } while (this.wantsAnother());
      this.running = undefined;
    })();
  }

  /** Was a pass asked for while this one ran? (A method: the flag changes across awaits.) */
  private wantsAnother(): boolean {
    return this.again && !this.closed;
  }

  private async pass(): Promise<void> {
    const nowMs = this.d.clock.now().getTime();
    this.marks.push({ atMs: nowMs, seq: await this.d.store.jobs.lastChangeSeq() });
    let after = this.watermark;
    for (;;) {
      const endings = await this.d.store.accounting.listUnrecorded(after, this.s.batchSize);
      if (endings.length === 0) break;
      await this.recordBatch(endings);
      after = endings.at(-1)!.job.updatedSeq;
      if (endings.length < this.s.batchSize || this.closed) break;
    }
    // Keep the newest settled mark (the watermark) and the ones not yet settled.
    while (this.marks.length > 0 && this.marks[0]!.atMs <= nowMs - this.s.settleMs) {
      this.watermark = Math.max(this.watermark, this.marks.shift()!.seq);
    }
  }

  private async recordBatch(endings: readonly UnrecordedEnding[]): Promise<void> {
    const now = this.d.clock.now();
    const groupNames = new Map((await this.d.store.users.listGroups()).map((g) => [g.gid, g.name]));
    const setIds = [...new Set(endings.flatMap((e) => (e.job.arrayId ? [e.job.arrayId] : [])))];
    const firsts = await this.d.store.accounting.firstSubmitSeqs(setIds);
    const entries = endings.map((e) => historyEntryOf(e.job, e, { groupNames, setFirstSubmitSeq: e.job.arrayId ? firsts.get(e.job.arrayId) : undefined }));
    const messages: OutboxMessage[] = [];
    const setsChecked = new Set<string>();
    for (const { job } of endings) {
      if (job.notifyUrl === null) continue;
      if (job.arrayId === null) {
        messages.push(sessionEndedMessage(job, job.notifyUrl, now));
      } else if (!setsChecked.has(job.arrayId)) {
        setsChecked.add(job.arrayId);
        const progress = await this.d.store.accounting.setProgress(job.arrayId);
        if (progress.active === 0) messages.push(setEndedMessage(job.arrayId, job.owner.username, job.notifyUrl, progress, now));
      }
    }
    await this.d.store.accounting.record(entries, messages);
    if (messages.length > 0) this.d.queued();
  }
}

export interface RecorderDeps {
  readonly store: Store;
  readonly scheduling: Pick<SchedulingPort, "watchAll">;
  readonly clock: Clock;
  readonly log: Logger;
  /** Called when notifications were queued, so delivery starts at once. */
  readonly queued: () => void;
}

export interface RecorderSettings {
  /** A change number read this long ago is taken as written: the watermark may move to it. @defaultValue 60000 */
  readonly settleMs: number;
  /** A pass runs at least this often, whether or not changes were reported. @defaultValue 30000 */
  readonly sweepIntervalMs: number;
  /** Jobs recorded per transaction. @defaultValue 500 */
  readonly batchSize: number;
}

export const DEFAULT_RECORDER_SETTINGS: RecorderSettings = { settleMs: 60_000, sweepIntervalMs: 30_000, batchSize: 500 };
