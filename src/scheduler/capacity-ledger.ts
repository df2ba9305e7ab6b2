import type { Capacity } from "../domain/resources.js";
import type { ResourceAmounts } from "../domain/wait-explanation.js";
import type { UserLoad } from "./user-limits.js";

/** What a run holds of the engine's capacity: its requests. */
export type Demand = ResourceAmounts;

/** One live run's claim on the engine. */
export interface Hold {
  readonly demand: Demand;
  readonly owner: string;
  /** Latest instant the run can still be holding its resources (start + deadline). */
  expectedEndMs: number;
  /** Fair-share usage has been charged up to this instant. */
  chargedUntilMs: number;
  /** The job's throttle key, if it has one: holds are counted per key. */
  readonly throttleKey?: string | undefined;
}

const round = (n: number): number => Math.round(n * 1e6) / 1e6;

/**
 * What runs hold on the engine. Admission counts requests, as Kubernetes does; a job
 * holds its request from admission until its container is gone. Also the per-user
 * load that user limits look at.
 */
export class CapacityLedger {
  private readonly held = new Map<string, Hold>();
  private readonly byOwner = new Map<string, { jobs: number; cores: number }>();
  private readonly byThrottle = new Map<string, number>();
  private used: Demand = { cores: 0, ramGB: 0, gpus: 0 };

  /** @param onRelease called with each hold as it is freed (to charge its last usage). */
  constructor(private readonly capacity: Capacity, private readonly onRelease: (hold: Hold) => void = () => undefined) {}

  get total(): Capacity {
    return this.capacity;
  }

  get inUse(): Demand {
    return this.used;
  }

  get free(): Demand {
    return {
      cores: round(this.capacity.cores - this.used.cores),
      ramGB: round(this.capacity.ramGB - this.used.ramGB),
      gpus: this.capacity.gpus - this.used.gpus,
    };
  }

  fits(d: Demand): boolean {
    const f = this.free;
    return d.cores <= f.cores + 1e-9 && d.ramGB <= f.ramGB + 1e-9 && d.gpus <= f.gpus;
  }

  /** Records a hold. Idempotent per id. */
  hold(id: string, hold: Hold): void {
    if (this.held.has(id)) return;
    this.held.set(id, { ...hold });
    const d = hold.demand;
    this.used = { cores: this.used.cores + d.cores, ramGB: this.used.ramGB + d.ramGB, gpus: this.used.gpus + d.gpus };
    const load = this.byOwner.get(hold.owner) ?? { jobs: 0, cores: 0 };
    this.byOwner.set(hold.owner, { jobs: load.jobs + 1, cores: round(load.cores + d.cores) });
    if (hold.throttleKey !== undefined) this.byThrottle.set(hold.throttleKey, (this.byThrottle.get(hold.throttleKey) ?? 0) + 1);
  }

  /** Frees a hold and returns it. Idempotent per id. */
  release(id: string): Hold | undefined {
    const h = this.held.get(id);
    if (!h) return undefined;
    this.held.delete(id);
    const d = h.demand;
    this.used = { cores: round(this.used.cores - d.cores), ramGB: round(this.used.ramGB - d.ramGB), gpus: this.used.gpus - d.gpus };
    const load = this.byOwner.get(h.owner);
    if (load) {
      if (load.jobs <= 1) this.byOwner.delete(h.owner);
      else this.byOwner.set(h.owner, { jobs: load.jobs - 1, cores: round(load.cores - d.cores) });
    }
    if (h.throttleKey !== undefined) {
      const n = (this.byThrottle.get(h.throttleKey) ?? 1) - 1;
      if (n <= 0) this.byThrottle.delete(h.throttleKey);
      else this.byThrottle.set(h.throttleKey, n);
    }
    this.onRelease(h);
    return h;
  }

  /** Moves a run's expected end (started, renewed). */
  setExpectedEnd(id: string, expectedEndMs: number): void {
    const h = this.held.get(id);
    if (h) h.expectedEndMs = expectedEndMs;
  }

  holds(id: string): boolean {
    return this.held.has(id);
  }

  get holdCount(): number {
    return this.held.size;
  }

  /** How many holds carry this throttle key. */
  heldWith(throttleKey: string): number {
    return this.byThrottle.get(throttleKey) ?? 0;
  }

  loadOf(owner: string): UserLoad {
    return this.byOwner.get(owner) ?? { jobs: 0, cores: 0 };
  }

  /** Live claims, for backfill reservations and usage charging. */
  entries(): IterableIterator<[string, Hold]> {
    return this.held.entries();
  }
}
