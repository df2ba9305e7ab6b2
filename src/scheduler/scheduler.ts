import type { Clock } from "../domain/clock.js";
import type { JobId } from "../domain/ids.js";
import type { WaitExplanation, WaitReason } from "../domain/wait-explanation.js";
import { reserveFor, takeBackfill, type Reservation, type RunningClaim } from "./backfill.js";
import type { CapacityLedger } from "./capacity-ledger.js";
import { DependencyGraph } from "./dependency-graph.js";
import type { FairShare } from "./fair-share.js";
import { compareInQueue, dominantShare, type QueueEntry } from "./queue-order.js";
import { ReadyQueue } from "./ready-queue.js";
import { runningLimitHit, type UserLimits } from "./user-limits.js";

export interface SchedulerSettings {
  /** A job waiting this long moves ahead of newer, smaller ones of the same priority and user. */
  readonly agingSeconds: number;
  /** At most this many queued jobs are examined in one pass (Slurm's bf_max_job_test). */
  readonly backfillDepth: number;
  /** How many jobs next in line have their runs created ahead of their start (0: none). */
  readonly prepareAhead: number;
  readonly limits: UserLimits;
}

/** What the scheduler needs to know of the engine. */
export interface EngineView {
  /** Cheap, no I/O: does the engine answer? */
  isAvailable(): boolean;
  /** The engine queues and orders runs itself (Slurm): admit everything at once. */
  readonly queuesItself: boolean;
  /** The engine can create a run ahead of its start. */
  readonly canPrepare: boolean;
}

export interface SchedulerDeps {
  readonly ledger: CapacityLedger;
  readonly engine: EngineView;
  readonly fairShare: FairShare;
  readonly clock: Clock;
}

/** What one pass decided. */
export interface PassResult {
  /** Jobs to launch now; each already holds its demand in the ledger. */
  readonly admitted: readonly QueueEntry[];
  /** Jobs next in line whose runs may be created ahead. */
  readonly prepare: readonly JobId[];
}

/** How long to wait before trying the engine again after it refused for being unavailable. */
export const ENGINE_BACKOFF_MS = 1000;
/** Positions are counted this far; beyond it a job is "10000+ in queue". */
const POSITION_LIMIT = 10_000;
/** Positions are recounted at most this often when someone asks. */
const POSITION_TTL_MS = 1000;
/** Jobs that lost their place keep their prepared runs; at this many times `prepareAhead` of them, no more are prepared. */
const PREPARED_BOUND_FACTOR = 4;

const NOTHING: PassResult = { admitted: [], prepare: [] };

/**
 * Decides which queued jobs start. A pass, run on events (a submission, a run ending,
 * ageing, usage), never on a fixed poll:
 *
 *   1. age: jobs that waited long enough move ahead of newer, smaller ones;
 *   2. walk the ready queue in order (priority, fair share, age tier, size, age);
 *   3. skip users at their running limits;
 *   4. admit what fits; the first job that does not fit gets a reservation, and later
 *      jobs start only when they do not delay it (EASY backfill);
 *   5. return the admitted jobs (the caller launches them) and those to prepare.
 *
 * Every job the pass looks at and leaves waiting gets a recorded reason, so what
 * `explain` answers is what the pass decided. Selection is in memory and each step
 * costs O(log n) in the queue's size; a pass stops after `backfillDepth` jobs.
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
  private engineBackoffUntilMs = 0;
  /** Queued jobs whose runs were prepared ahead. */
  private readonly prepared = new Set<JobId>();
  /** Why each job the last passes examined is still waiting. */
  private readonly decisions = new Map<JobId, WaitReason>();
  /** Retried jobs waiting out their back-off, admitted once due. */
  private readonly delayed = new Map<JobId, QueueEntry>();
  /** What the last pass decided for the jobs it did not reach. */
  private rest: { reason: "capacity" | "depth" | "engine-unavailable"; atMs: number } = { reason: "capacity", atMs: 0 };

  constructor(private readonly d: SchedulerDeps, private readonly s: SchedulerSettings) {
    const capacity = d.ledger.total;
    this.ready = new ReadyQueue({ sizeOf: (e) => dominantShare(e.demand, capacity), usageOf: (u) => d.fairShare.rank(u) });
  }

  // ── the queue ────────────────────────────────────────────────────────────

  /** Adds jobs: ready ones to the queue, those with unmet dependencies to the waiting room. */
  enqueue(entries: readonly { entry: QueueEntry; unmet: readonly JobId[] }[]): void {
    const nowMs = this.d.clock.now().getTime();
    for (const { entry, unmet } of entries) {
      if (this.has(entry.id)) continue;
      this.count(entry.owner, 1);
      if (unmet.length > 0) this.blocked.block(entry, unmet);
      else if (entry.notBeforeMs > nowMs) this.delayed.set(entry.id, entry);
      else {
        this.ready.add(entry);
        this.arrivals.push(entry);
      }
    }
  }

  /** When the earliest retry back-off ends (ms since epoch), or undefined when none waits. */
  get nextDueMs(): number | undefined {
    let next: number | undefined;
    for (const e of this.delayed.values()) if (next === undefined || e.notBeforeMs < next) next = e.notBeforeMs;
    return next;
  }

  /** Moves retries whose back-off has ended into the ready queue. */
  private releaseDue(nowMs: number): void {
    for (const [id, e] of this.delayed) {
      if (e.notBeforeMs > nowMs) continue;
      this.delayed.delete(id);
      this.ready.add(e);
      this.arrivals.push(e);
    }
  }

  /** Puts back a job the engine refused for now; passes pause for ENGINE_BACKOFF_MS. */
  requeue(entry: QueueEntry): void {
    if (this.ready.has(entry.id)) return;
    this.count(entry.owner, 1);
    this.ready.add(entry);
    this.structureChanged = true;
    this.engineBackoffUntilMs = this.d.clock.now().getTime() + ENGINE_BACKOFF_MS;
  }

  /** Removes a queued or waiting job (deleted, or failed by a dependency). */
  remove(id: JobId): QueueEntry | undefined {
    const late = this.delayed.get(id);
    this.delayed.delete(id);
    const entry = this.ready.remove(id) ?? this.blocked.remove(id) ?? late;
    this.prepared.delete(id);
    this.decisions.delete(id);
    if (entry) {
      this.count(entry.owner, -1);
      this.structureChanged = true;
      this.positions = undefined;
    }
    return entry;
  }

  /** A job ended: capacity may be free, and its dependents may run or must fail. Returns those that must fail. */
  jobEnded(id: JobId, succeeded: boolean): QueueEntry[] {
    const { ready, failed } = this.blocked.resolved(id, succeeded);
    for (const entry of ready) this.ready.add(entry);
    for (const entry of failed) this.count(entry.owner, -1);
    this.structureChanged = true;
    return failed;
  }

  /** A user's fair-share usage changed. */
  usageChanged(users: Iterable<string>): void {
    for (const u of users) this.ready.usageChanged(u);
    this.structureChanged = true;
  }

  /** Capacity was freed or limits changed: the next pass looks at everything. */
  capacityChanged(): void {
    this.structureChanged = true;
  }

  has(id: JobId): boolean {
    return this.ready.has(id) || this.blocked.has(id) || this.delayed.has(id);
  }

  /** Is this job queued or waiting here, or holding capacity? (Its end is still to come.) */
  isLive(id: JobId): boolean {
    return this.has(id) || this.d.ledger.holds(id);
  }

  get queuedCount(): number {
    return this.ready.size + this.blocked.size + this.delayed.size;
  }

  queuedFor(user: string): number {
    return this.queuedPerUser.get(user) ?? 0;
  }

  /** Until when passes wait after the engine refused a launch for being unavailable (ms since epoch). */
  get backoffUntilMs(): number {
    return this.engineBackoffUntilMs;
  }

  private count(user: string, delta: number): void {
    const n = (this.queuedPerUser.get(user) ?? 0) + delta;
    if (n <= 0) this.queuedPerUser.delete(user);
    else this.queuedPerUser.set(user, n);
  }

  // ── the pass ─────────────────────────────────────────────────────────────

  /** One scheduling pass. Cheap when nothing changed: O(1). */
  pass(): PassResult {
    const nowMs = this.d.clock.now().getTime();
    this.releaseDue(nowMs);
    // 1. Age: jobs that waited long enough move ahead of newer, larger ones.
    if (this.ready.age(nowMs, this.s.agingSeconds * 1000) > 0) this.structureChanged = true;
    if (!this.structureChanged && this.arrivals.length === 0) return NOTHING;
    if (!this.d.engine.isAvailable()) {
      this.rest = { reason: "engine-unavailable", atMs: nowMs };
      return NOTHING;
    }
    if (nowMs < this.engineBackoffUntilMs) return NOTHING;
    this.positions = undefined;
    const admitted = this.d.engine.queuesItself
      ? this.passThrough(nowMs) // the engine queues and orders them itself
      : this.structureChanged || this.arrivalAheadOfReservation() ? this.walk(nowMs) : this.admitArrivals(nowMs);
    this.structureChanged = false;
    this.arrivals.length = 0;
    for (const entry of admitted) this.take(entry, nowMs);
    return { admitted, prepare: this.toPrepare() };
  }

  /** 2–4: the full walk in queue order. Returns the jobs admitted. */
  private walk(nowMs: number): QueueEntry[] {
    this.reservation = undefined;
    this.decisions.clear();
    this.rest = { reason: "capacity", atMs: nowMs };
    const atLimit = new Set<string>();
    const admitted: QueueEntry[] = [];
    let examined = 0;
    for (const entry of this.ready.inOrder((u) => atLimit.has(u))) {
      if (++examined > this.s.backfillDepth) {
        this.rest = { reason: "depth", atMs: nowMs };
        break;
      }
      // 3. A user at a running limit waits; the walk leaves their other jobs out.
      const limit = runningLimitHit(this.s.limits, this.d.ledger.loadOf(entry.owner), entry.demand.cores);
      if (limit) {
        atLimit.add(entry.owner);
        this.decisions.set(entry.id, limit);
        continue;
      }
      if (this.throttled(entry)) continue;
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
      if (!this.ready.has(entry.id)) continue;
      const limit = runningLimitHit(this.s.limits, this.d.ledger.loadOf(entry.owner), entry.demand.cores);
      if (limit) this.decisions.set(entry.id, limit);
      else if (!this.throttled(entry) && this.tryAdmit(entry, nowMs)) admitted.push(entry);
    }
    return admitted;
  }

  /** An engine that queues runs itself gets every job at once, but no more of a throttled group than its limit. */
  private passThrough(nowMs: number): QueueEntry[] {
    const admitted: QueueEntry[] = [];
    for (const entry of this.ready.inOrder()) {
      if (this.throttled(entry)) continue;
      this.holdFor(entry, nowMs);
      admitted.push(entry);
    }
    return admitted;
  }

  /** True (and the reason recorded) when the job's set or label group already runs as many as it may. */
  private throttled(entry: QueueEntry): boolean {
    const t = entry.throttle;
    if (!t) return false;
    const running = this.d.ledger.heldWith(t.key);
    if (running < t.max) return false;
    const label = t.key.startsWith("label:") ? t.key.slice(t.key.indexOf(":", 6) + 1) : undefined;
    this.decisions.set(entry.id, { kind: "throttle", scope: label ? "label" : "set", ...(label ? { label } : {}), running, max: t.max });
    return true;
  }

  private holdFor(entry: QueueEntry, nowMs: number): void {
    this.d.ledger.hold(entry.id, { demand: entry.demand, owner: entry.owner, expectedEndMs: nowMs + entry.deadlineSeconds * 1000, chargedUntilMs: nowMs, throttleKey: entry.throttle?.key });
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

  /** 4: admits the job if it fits and does not delay the reserved head; else records why, and may reserve for it. */
  private tryAdmit(entry: QueueEntry, nowMs: number): boolean {
    const ledger = this.d.ledger;
    if (!ledger.fits(entry.demand)) {
      this.decisions.set(entry.id, { kind: "capacity", need: entry.demand, free: ledger.free, total: ledger.total });
      if (!this.reservation) {
        const plan = reserveFor(entry.demand, ledger.free, this.runningClaims(), nowMs);
        if (plan) this.reservation = { id: entry.id, plan };
      }
      return false;
    }
    if (this.reservation && this.reservation.id !== entry.id && !takeBackfill(entry.demand, nowMs + entry.deadlineSeconds * 1000, this.reservation.plan)) {
      this.decisions.set(entry.id, { kind: "reserved", need: entry.demand, free: ledger.free, total: ledger.total, reservedFor: this.reservation.id });
      return false;
    }
    // Held now, so later jobs in this walk see the capacity as taken.
    this.holdFor(entry, nowMs);
    this.decisions.delete(entry.id);
    return true;
  }

  private runningClaims(): RunningClaim[] {
    return [...this.d.ledger.entries()].map(([, h]) => ({ demand: h.demand, expectedEndMs: h.expectedEndMs }));
  }

  /** 5: takes an admitted job out of the queue; it holds its demand until its run is gone. */
  private take(entry: QueueEntry, nowMs: number): void {
    this.ready.remove(entry.id);
    this.prepared.delete(entry.id);
    this.decisions.delete(entry.id);
    this.count(entry.owner, -1);
    if (this.reservation?.id === entry.id) this.reservation = undefined;
    // Already held by tryAdmit or passThrough; holding again is a no-op.
    this.holdFor(entry, nowMs);
  }

  /**
   * The jobs next in line whose runs the engine may create now (no capacity is used:
   * they are not started). A job that loses its place keeps its prepared run until it
   * starts or is deleted; past a bound on those, nothing more is prepared.
   */
  private toPrepare(): JobId[] {
    if (this.s.prepareAhead === 0 || !this.d.engine.canPrepare || this.d.engine.queuesItself) return [];
    if (this.prepared.size >= this.s.prepareAhead * PREPARED_BOUND_FACTOR) return [];
    const ids: JobId[] = [];
    let looked = 0;
    for (const entry of this.ready.inOrder()) {
      if (++looked > this.s.prepareAhead) break;
      if (this.prepared.has(entry.id)) continue;
      this.prepared.add(entry.id);
      ids.push(entry.id);
    }
    return ids;
  }

  // ── explaining ───────────────────────────────────────────────────────────

  /** Why a job queued here has not started, as the last pass decided; undefined when it is not queued here. */
  explain(id: JobId): WaitExplanation | undefined {
    const deps = this.blocked.waitingOn(id);
    if (deps) return { reason: { kind: "dependencies", waitingOn: deps }, position: null, positionLimit: POSITION_LIMIT, decidedAt: this.d.clock.now() };
    const late = this.delayed.get(id);
    if (late) return { reason: { kind: "retry-backoff", until: new Date(late.notBeforeMs), attempt: late.attempt, attempts: late.attempts }, position: null, positionLimit: POSITION_LIMIT, decidedAt: this.d.clock.now() };
    const entry = this.ready.get(id);
    if (!entry) return undefined;
    const decided = this.decisions.get(id);
    const reason: WaitReason = !this.d.engine.isAvailable() || (!decided && this.rest.reason === "engine-unavailable")
      ? { kind: "engine-unavailable" }
      : decided ?? (this.rest.reason === "depth"
        ? { kind: "not-examined", depth: this.s.backfillDepth }
        : { kind: "capacity", need: entry.demand, free: this.d.ledger.free, total: this.d.ledger.total });
    return { reason, position: this.positionOf(id) ?? null, positionLimit: POSITION_LIMIT, decidedAt: new Date(this.rest.atMs) };
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
}
