import type { Capacity } from "../domain/resources.js";

export interface Demand {
  readonly cores: number;
  readonly ramGB: number;
  readonly gpus: number;
}

/**
 * What runs hold on the engine. Admission counts requests, as Kubernetes does; a job
 * holds its request from admission until its container is gone.
 */
export class CapacityLedger {
  private readonly held = new Map<string, Demand>();
  private used: Demand = { cores: 0, ramGB: 0, gpus: 0 };

  constructor(private capacity: Capacity) {}

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

  /** Could this demand ever fit, with nothing else running? */
  everFits(d: Demand): boolean {
    return d.cores <= this.capacity.cores + 1e-9 && d.ramGB <= this.capacity.ramGB + 1e-9 && d.gpus <= this.capacity.gpus;
  }

  /** Records a hold. Idempotent per id. */
  hold(id: string, d: Demand): void {
    if (this.held.has(id)) return;
    this.held.set(id, d);
    this.used = { cores: this.used.cores + d.cores, ramGB: this.used.ramGB + d.ramGB, gpus: this.used.gpus + d.gpus };
  }

  /** Frees a hold. Idempotent per id. */
  release(id: string): void {
    const d = this.held.get(id);
    if (!d) return;
    this.held.delete(id);
    this.used = { cores: round(this.used.cores - d.cores), ramGB: round(this.used.ramGB - d.ramGB), gpus: this.used.gpus - d.gpus };
  }

  holds(id: string): boolean {
    return this.held.has(id);
  }

  get holdCount(): number {
    return this.held.size;
  }
}

const round = (n: number): number => Math.round(n * 1e6) / 1e6;
