/**
 * Decayed recent usage per user, in core-seconds, with a half-life: usage charged t
 * ago counts 2^(-t / halfLife). Values are kept normalised to a fixed epoch
 * (multiplied by 2^((chargedAt - epoch) / halfLife)), so every user decays at the same
 * rate and comparing two users never needs re-sorting as time passes; only a new
 * charge changes a user's place.
 */
export class FairShare {
  private readonly normalised = new Map<string, number>();

  constructor(private readonly halfLifeMs: number, private readonly epochMs: number) {}

  private weight(atMs: number): number {
    return 2 ** ((atMs - this.epochMs) / this.halfLifeMs);
  }

  /** Adds usage at an instant. */
  charge(user: string, coreSeconds: number, atMs: number): void {
    if (coreSeconds <= 0) return;
    this.normalised.set(user, (this.normalised.get(user) ?? 0) + coreSeconds * this.weight(atMs));
  }

  /** The value users are ordered by: monotone in decayed usage, stable over time. */
  rank(user: string): number {
    return this.normalised.get(user) ?? 0;
  }

  /** Decayed usage in core-seconds as of `nowMs`. */
  usageAt(user: string, nowMs: number): number {
    return (this.normalised.get(user) ?? 0) / this.weight(nowMs);
  }

  users(): string[] {
    return [...this.normalised.keys()];
  }
}
