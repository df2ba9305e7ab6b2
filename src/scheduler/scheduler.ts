import type { Logger } from "pino";
import type { Clock } from "../domain/clock.js";
import type { JobId } from "../domain/ids.js";
import type { Executor } from "../executors/executor.js";
import { reserveFor, takeBackfill, type Reservation, type RunningClaim } from "./backfill.js";
import type { CapacityLedger } from "./capacity-ledger.js";
import { DependencyGraph } from "./dependency-graph.js";
import type { FairShare } from "./fair-share.js";
import type { JobLifecycle } from "./job-lifecycle.js";
import { compareInQueue, dominantShare, type QueueEntry } from "./queue-order.js";
import { ReadyQueue } from "./ready-queue.js";
import { runningLimitReason, type UserLimits } from "./user-limits.js";

export interface SchedulerSettings {
  /** A job waiting this long moves ahead of newer, smaller ones of the same priority and user. */
  readonly agingSeconds: number;
  /** At most this many queued jobs are examined in one pass (Slurm's bf_max_job_test). */
  readonly backfillDepth: number;
  /** How many jobs next in line have their runs created ahead of their start (0: none). */
  readonly prepareAhead: number;
  readonly limits: UserLimits;
}

export interface SchedulerDeps {
  /** Keeps track of work started here, so shutdown can wait for it. */
  readonly track: (work: Promise<unknown>) => void;
  readonly ledger: CapacityLedger;
  readonly executor: Executor;
  readonly lifecycle: () => JobLifecycle;
  readonly fairShare: FairShare;
  readonly clock: Clock;
  readonly log: Logger;
}

/** How long to wait before trying the engine again after it refused for being unavailable. */
const ENGINE_BACKOFF_MS = 1000;
/** Positions are counted this far; beyond it a job is "10000+ in queue". */
const POSITION_LIMIT = 10_000;
/** Positions are recounted at most this often when someone asks. */
const POSITION_TTL_MS = 1000;

/** Jobs that lost their place keep their prepared runs; at this many times `prepareAhead` of them, no more are prepared. */
const PREPARED_BOUND_FACTOR = 4;

const gb = (n: number): string => `${Math.round(n * 100) / 100}`;

/**
 * Decides which queued jobs start. A pass, run on events (a submission, a run ending,
 * ageing, usage), never on a fixed poll:
 *
 *   1. age: jobs that waited long enough move ahead of newer, smaller ones;
 *   2. walk the ready queue in order (priority, fair share, age tier, size, age);
 *   3. skip users at their running limits;
 *   4. admit what fits; the first job that does not fit gets a reservation, and later
 *      jobs start only when they do not delay it (EASY backfill);
 *   5. launch the admitted jobs asynchronously.
 *
 * Selection is in memory and each step costs O(log n) in the queue's size, so a pass
 * never blocks the API; a pass stops after `backfillDepth` jobs.
 */
export class Scheduler {
  private readonly ready: ReadyQueue;
  private readonly blocked = new DependencyGraph();
  private readonly queuedPerUser = new Map<string, number>();
  /** Something other than new arrivals changed: the next pass walks the whole queue. */
  private structureChanged = true;
  private readonly arrivals: QueueEntry[] = [];
  private reservation: { id: JobId; plan: Reservation } | undefined;
  private positions: { atMs: number; byId: Map<JobId, number> } | undefined;
  private cycleQueued = false;
  private engineBackoffUntil = 0;
  private backoffTimer: NodeJS.Timeout | undefined;
  private closed = false;
  /** Queued jobs whose runs were prepared ahead (see prepareNext). */
  private readonly prepared = new Set<JobId>();

  constructor(private readonly d: SchedulerDeps, private readonly s: SchedulerSettings) {
    const capacity = d.ledger.total;
    this.ready = new ReadyQueue({ sizeOf: (e) => dominantShare(e.demand, capacity), usageOf: (u) => d.fairShare.rank(u) });
  }

  // ── the queue ────────────────────────────────────────────────────────────

  /** Adds jobs: ready ones to the queue, those with unmet dependencies to the waiting room. */
  enqueue(entries: readonly { entry: QueueEntry; unmet: readonly JobId[] }[]): void {
    for (const { entry, unmet } of entries) {
      if (this.ready.has(entry.id) || this.blocked.has(entry.id)) continue;
      this.count(entry.owner, 1);
      if (unmet.length > 0) this.blocked.block(entry, unmet);
      else {
        this.ready.add(entry);
        this.arrivals.push(entry);
      }
    }
    this.trigger();
  }

  /** Puts back a job the engine refused for now; tries again after a short back-off. */
  requeue(entry: QueueEntry): void {
    if (this.ready.has(entry.id)) return;
    this.count(entry.owner, 1);
    this.ready.add(entry);
    this.structureChanged = true;
    this.engineBackoffUntil = this.d.clock.now().getTime() + ENGINE_BACKOFF_MS;
    if (!this.backoffTimer) {
      this.backoffTimer = setTimeout(() => {
        this.backoffTimer = undefined;
        this.trigger();
      }, ENGINE_BACKOFF_MS);
      this.backoffTimer.unref();
    }
  }

  /** Removes a queued or waiting job (deleted, or failed by a dependency). */
  remove(id: JobId): QueueEntry | undefined {
    const entry = this.ready.remove(id) ?? this.blocked.remove(id);
    this.prepared.delete(id);
    if (entry) {
      this.count(entry.owner, -1);
      this.structureChanged = true;
      this.positions = undefined;
    }
    return entry;
  }

  /** A job ended: capacity may be free, and its dependents may run or must fail. */
  jobEnded(id: JobId, succeeded: boolean): QueueEntry[] {
    const { ready, failed } = this.blocked.resolved(id, succeeded);
    for (const entry of ready) this.ready.add(entry);
    for (const entry of failed) this.count(entry.owner, -1);
    this.structureChanged = true;
    this.trigger();
    return failed;
  }

  /** A user's fair-share usage changed (charged by the runtime). */
  usageChanged(users: Iterable<string>): void {
    for (const u of users) this.ready.usageChanged(u);
    this.structureChanged = true;
  }

  /** Capacity was freed or limits changed: look again. */
  capacityChanged(): void {
    this.structureChanged = true;
    this.trigger();
  }

  has(id: JobId): boolean {
    return this.ready.has(id) || this.blocked.has(id);
  }

  /** Is this job queued or waiting here, or holding capacity? (Its end is still to come.) */
  isLive(id: JobId): boolean {
    return this.has(id) || this.d.ledger.holds(id);
  }

  get queuedCount(): number {
    return this.ready.size + this.blocked.size;
  }

  queuedFor(user: string): number {
    return this.queuedPerUser.get(user) ?? 0;
  }

  private count(user: string, delta: number): void {
    const n = (this.queuedPerUser.get(user) ?? 0) + delta;
    if (n <= 0) this.queuedPerUser.delete(user);
    else this.queuedPerUser.set(user, n);
  }

  // ── the pass ─────────────────────────────────────────────────────────────

  /** Asks for a pass soon; many triggers in one tick make one pass. */
  trigger(): void {
    if (this.cycleQueued || this.closed) return;
    this.cycleQueued = true;
    setImmediate(() => {
      this.cycleQueued = false;
      try {
        this.cycle();
      } catch (e) {
        this.d.log.error({ err: e }, "scheduling pass failed");
      }
    });
  }

  private cycle(): void {
    const nowMs = this.d.clock.now().getTime();
    // 1. Age: jobs that waited long enough move ahead of newer, larger ones.
    if (this.ready.age(nowMs, this.s.agingSeconds * 1000) > 0) this.structureChanged = true;
    if (!this.structureChanged && this.arrivals.length === 0) return;
    if (!this.d.executor.isAvailable() || nowMs < this.engineBackoffUntil) return;
    this.positions = undefined;
    const admitted = this.d.executor.queuesItself
      ? [...this.ready.inOrder()] // the engine queues and orders them itself
      : this.structureChanged || this.arrivalAheadOfReservation() ? this.walk(nowMs) : this.admitArrivals(nowMs);
    this.structureChanged = false;
    this.arrivals.length = 0;
    // 5. Launch.
    for (const entry of admitted) this.launch(entry, nowMs);
    this.prepareNext();
  }

  /**
   * Lets the engine create the runs of the jobs next in line (no capacity is used: they
   * are not started). A job that loses its place keeps its prepared run until it starts
   * or is deleted; past a bound on those, nothing more is prepared.
   */
  private prepareNext(): void {
    if (this.s.prepareAhead === 0 || !this.d.executor.prepare || this.d.executor.queuesItself) return;
    if (this.prepared.size >= this.s.prepareAhead * PREPARED_BOUND_FACTOR) return;
    let looked = 0;
    for (const entry of this.ready.inOrder()) {
      if (++looked > this.s.prepareAhead) break;
      if (this.prepared.has(entry.id)) continue;
      this.prepared.add(entry.id);
      this.d.track(this.d.lifecycle().prepare(entry.id).catch((e: unknown) => this.d.log.warn({ jobId: entry.id, err: e }, "preparing a run ahead failed")));
    }
  }

  /** 2–4: the full walk in queue order. Returns the jobs admitted. */
  private walk(nowMs: number): QueueEntry[] {
    this.reservation = undefined;
    const atLimit = new Set<string>();
    const admitted: QueueEntry[] = [];
    let examined = 0;
    for (const entry of this.ready.inOrder((u) => atLimit.has(u))) {
      if (++examined > this.s.backfillDepth) break;
      // 3. A user at a running limit waits; the walk leaves their other jobs out.
      if (this.limitReason(entry) !== undefined) {
        atLimit.add(entry.owner);
        continue;
      }
      if (this.tryAdmit(entry, nowMs)) admitted.push(entry);
      const free = this.d.ledger.free;
      if (free.cores <= 0 || free.ramGB <= 0) break; // every job needs some of both: nothing else fits
    }
    return admitted;
  }

  /** Only new jobs arrived and nothing was freed: only they can change the outcome. */
  private admitArrivals(nowMs: number): QueueEntry[] {
    const admitted: QueueEntry[] = [];
    for (const entry of this.arrivals) {
      if (!this.ready.has(entry.id) || this.limitReason(entry) !== undefined) continue;
      if (this.tryAdmit(entry, nowMs)) admitted.push(entry);
    }
    return admitted;
  }

  /** A new arrival that ranks ahead of the reserved head must take over the reservation. */
  private arrivalAheadOfReservation(): boolean {
    const head = this.reservation;
    if (!head) return false;
    const headKey = this.ready.keyOf(head.id);
    const headEntry = this.ready.get(head.id);
    if (!headKey || !headEntry) return true;
    const headUsage = this.d.fairShare.rank(headEntry.owner);
    return this.arrivals.some((a) => {
      const key = this.ready.keyOf(a.id);
      return key !== undefined && compareInQueue(key, this.d.fairShare.rank(a.owner), headKey, headUsage) < 0;
    });
  }

  /** 4: admits the job if it fits and does not delay the reserved head; else may reserve for it. */
  private tryAdmit(entry: QueueEntry, nowMs: number): boolean {
    if (!this.d.ledger.fits(entry.demand)) {
      if (!this.reservation) {
        const plan = reserveFor(entry.demand, this.d.ledger.free, this.runningClaims(), nowMs);
        if (plan) this.reservation = { id: entry.id, plan };
      }
      return false;
    }
    if (this.reservation && this.reservation.id !== entry.id && !takeBackfill(entry.demand, nowMs + entry.deadlineSeconds * 1000, this.reservation.plan)) return false;
    // Held now, so later jobs in this walk see the capacity as taken.
    this.d.ledger.hold(entry.id, { demand: entry.demand, owner: entry.owner, expectedEndMs: nowMs + entry.deadlineSeconds * 1000, chargedUntilMs: nowMs });
    return true;
  }

  private runningClaims(): RunningClaim[] {
    return [...this.d.ledger.entries()].map(([, h]) => ({ demand: h.demand, expectedEndMs: h.expectedEndMs }));
  }

  private limitReason(entry: QueueEntry): string | undefined {
    return runningLimitReason(this.s.limits, this.d.ledger.loadOf(entry.owner), entry.demand.cores);
  }

  private launch(entry: QueueEntry, nowMs: number): void {
    this.ready.remove(entry.id);
    this.prepared.delete(entry.id);
    this.count(entry.owner, -1);
    if (this.reservation?.id === entry.id) this.reservation = undefined;
    // Already held by tryAdmit; a pass-through engine gets the job without a capacity check but still holds it.
    this.d.ledger.hold(entry.id, { demand: entry.demand, owner: entry.owner, expectedEndMs: nowMs + entry.deadlineSeconds * 1000, chargedUntilMs: nowMs });
    this.d.track(this.d.lifecycle().launch(entry.id).catch((e: unknown) => {
      this.d.log.error({ jobId: entry.id, err: e }, "launch failed unexpectedly");
      this.d.ledger.release(entry.id);
    }));
  }

  // ── explaining ───────────────────────────────────────────────────────────

  /** Why a queued job has not started, in numbers; undefined when it is not queued here. */
  pendingReason(id: JobId): string | undefined {
    const deps = this.blocked.waitingOn(id);
    if (deps) return `waiting for session${deps.length > 1 ? "s" : ""} ${deps.join(", ")} to succeed`;
    const entry = this.ready.get(id);
    if (!entry) return undefined;
    const position = this.positionOf(id);
    const where = `position ${position ?? `${POSITION_LIMIT}+`} in queue`;
    if (!this.d.executor.isAvailable()) return `container engine unavailable; the session starts when it is back; ${where}`;
    const limit = this.limitReason(entry);
    if (limit) return `${limit}; ${where}`;
    const free = this.d.ledger.free;
    const total = this.d.ledger.total;
    const need = entry.demand;
    const parts = [`${need.cores} cores`, `${gb(need.ramGB)} GB RAM`, ...(need.gpus > 0 ? [`${need.gpus} GPUs`] : [])].join(", ");
    const have = `${gb(Math.max(0, free.cores))} of ${total.cores} cores and ${gb(Math.max(0, free.ramGB))} of ${total.ramGB} GB free`;
    const held = this.reservation && this.reservation.id !== id && this.d.ledger.fits(need) ? `; held back so that session ${this.reservation.id}, ahead in the queue, is not delayed` : "";
    return `waiting for ${parts}: ${have}; ${where}${held}`;
  }

  private positionOf(id: JobId): number | undefined {
    const nowMs = this.d.clock.now().getTime();
    if (!this.positions || nowMs - this.positions.atMs > POSITION_TTL_MS) {
      const byId = new Map<JobId, number>();
      let i = 0;
      for (const e of this.ready.inOrder()) {
        byId.set(e.id, ++i);
        if (i >= POSITION_LIMIT) break;
      }
      this.positions = { atMs: nowMs, byId };
    }
    return this.positions.byId.get(id);
  }

  close(): void {
    this.closed = true;
    if (this.backoffTimer) clearTimeout(this.backoffTimer);
  }
}
