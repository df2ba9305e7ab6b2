import type { Clock } from "../domain/clock.js";
import type { UsageStore } from "../store/store.js";
import type { CapacityLedger, Hold } from "./capacity-ledger.js";
import type { FairShare } from "./fair-share.js";

/**
 * Charges running jobs' core-seconds to their owners' fair-share usage, as they run
 * and when they end, and keeps the decayed usage across restarts.
 */
export class UsageCharging {
  constructor(private readonly d: { readonly fairShare: FairShare; readonly usage: UsageStore; readonly clock: Clock }) {}

  /** Charges one hold up to `nowMs`; true when something was charged. */
  chargeHold(h: Hold, nowMs: number): boolean {
    const seconds = (nowMs - h.chargedUntilMs) / 1000;
    if (seconds <= 0) return false;
    this.d.fairShare.charge(h.owner, h.demand.cores * seconds, nowMs);
    h.chargedUntilMs = nowMs;
    return true;
  }

  /** Charges every live run up to now; returns the users whose usage changed. */
  chargeRunning(ledger: CapacityLedger): Set<string> {
    const nowMs = this.d.clock.now().getTime();
    const users = new Set<string>();
    for (const [, h] of ledger.entries()) if (this.chargeHold(h, nowMs)) users.add(h.owner);
    return users;
  }

  async load(): Promise<void> {
    for (const r of await this.d.usage.load()) this.d.fairShare.charge(r.user, r.coreSeconds, r.asOf.getTime());
  }

  async save(): Promise<void> {
    const now = this.d.clock.now();
    await this.d.usage.save(this.d.fairShare.users().map((user) => ({ user, coreSeconds: this.d.fairShare.usageAt(user, now.getTime()), asOf: now })));
  }
}
