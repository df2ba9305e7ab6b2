import { describe, expect, it } from "vitest";
import { createManualClock } from "../domain/clock.js";
import type { JobId } from "../domain/ids.js";
import { CapacityLedger } from "./capacity-ledger.js";
import { FairShare } from "./fair-share.js";
import type { QueueEntry } from "./queue-order.js";
import { ENGINE_BACKOFF_MS, Scheduler, type SchedulerSettings } from "./scheduler.js";

let seq = 0;
const entry = (id: string, cores: number, over: Partial<QueueEntry> = {}): QueueEntry => ({
  id: id as JobId, owner: "alice", demand: { cores, ramGB: cores, gpus: 0 }, priority: 0, submitSeq: ++seq,
  createdAtMs: seq, deadlineSeconds: 3600, dependsOn: [], throttle: null, notBeforeMs: 0, attempt: 1, attempts: 1, ...over,
});
const ready = (...entries: QueueEntry[]) => entries.map((e) => ({ entry: e, unmet: [] as JobId[] }));

function setup(o: { cores?: number; settings?: Partial<SchedulerSettings>; engine?: { available?: boolean; queuesItself?: boolean; canPrepare?: boolean } } = {}) {
  const clock = createManualClock();
  const ledger = new CapacityLedger({ cores: o.cores ?? 4, ramGB: o.cores ?? 4, gpus: 0 });
  const state = { available: o.engine?.available ?? true };
  const engine = { isAvailable: () => state.available, queuesItself: o.engine?.queuesItself ?? false, canPrepare: o.engine?.canPrepare ?? false };
  const settings: SchedulerSettings = { agingSeconds: 3600, backfillDepth: 1000, prepareAhead: 0, limits: { maxRunningJobs: 0, maxRunningCores: 0, maxQueuedJobs: 0 }, ...o.settings };
  const scheduler = new Scheduler({ ledger, engine, fairShare: new FairShare(86_400_000, clock.now().getTime()), clock }, settings);
  return { clock, ledger, scheduler, engine: state };
}
const ids = (entries: readonly QueueEntry[]) => entries.map((e) => e.id);

describe("a scheduling pass", () => {
  it("admits what fits in queue order and holds its demand; the rest waits with the numbers that decided it", () => {
    const { scheduler, ledger } = setup({ cores: 4 });
    scheduler.enqueue(ready(entry("a", 2), entry("b", 2), entry("c", 2)));
    const { admitted } = scheduler.pass();
    expect(ids(admitted)).toEqual(["a", "b"]);
    expect(ledger.inUse.cores).toBe(4);
    expect(scheduler.queuedCount).toBe(1);
    const why = scheduler.explain("c" as JobId);
    expect(why?.reason).toEqual({ kind: "capacity", need: { cores: 2, ramGB: 2, gpus: 0 }, free: { cores: 0, ramGB: 0, gpus: 0 }, total: { cores: 4, ramGB: 4, gpus: 0 } });
    expect(why?.position).toBe(1);
  });

  it("costs nothing when nothing changed, and looks again when capacity is freed", () => {
    const { scheduler, ledger } = setup({ cores: 2 });
    scheduler.enqueue(ready(entry("a", 2), entry("b", 2)));
    expect(ids(scheduler.pass().admitted)).toEqual(["a"]);
    expect(scheduler.pass().admitted).toEqual([]);
    ledger.release("a");
    scheduler.capacityChanged();
    expect(ids(scheduler.pass().admitted)).toEqual(["b"]);
  });

  it("records a user at their running limit as such, and admits other users' jobs", () => {
    const { scheduler } = setup({ cores: 8, settings: { limits: { maxRunningJobs: 1, maxRunningCores: 0, maxQueuedJobs: 0 } } });
    scheduler.enqueue(ready(entry("a1", 1), entry("a2", 1), entry("b1", 1, { owner: "bob" })));
    expect(ids(scheduler.pass().admitted).sort()).toEqual(["a1", "b1"]);
    expect(scheduler.explain("a2" as JobId)?.reason).toEqual({ kind: "user-limit", limit: "running-jobs", inUse: 1, max: 1, need: 1 });
  });

  it("holds back a small job that would delay the reserved head, and says for whom", () => {
    const { scheduler, ledger } = setup({ cores: 4 });
    ledger.hold("running", { demand: { cores: 2, ramGB: 2, gpus: 0 }, owner: "carol", expectedEndMs: Date.parse("2026-01-01T00:10:00Z"), chargedUntilMs: 0 });
    // The head needs all 4 cores (at 00:10 at the latest); a 2-core job running an hour would delay it.
    scheduler.enqueue(ready(entry("head", 4), entry("small", 2, { deadlineSeconds: 3600 })));
    expect(scheduler.pass().admitted).toEqual([]);
    const why = scheduler.explain("small" as JobId);
    expect(why?.reason.kind).toBe("reserved");
    expect(why?.reason).toMatchObject({ reservedFor: "head" });
  });

  it("says a job beyond the examined depth was not examined", () => {
    const { scheduler } = setup({ cores: 100, settings: { backfillDepth: 2 } });
    scheduler.enqueue(ready(entry("a", 200), entry("b", 200), entry("c", 1)));
    expect(scheduler.pass().admitted).toEqual([]);
    expect(scheduler.explain("c" as JobId)?.reason).toEqual({ kind: "not-examined", depth: 2 });
    expect(scheduler.explain("c" as JobId)?.position).toBe(3); // all three waited past the ageing threshold: oldest first
  });

  it("admits nothing while the engine is unavailable, and says so", () => {
    const { scheduler, engine } = setup();
    engine.available = false;
    scheduler.enqueue(ready(entry("a", 1)));
    expect(scheduler.pass().admitted).toEqual([]);
    expect(scheduler.explain("a" as JobId)?.reason).toEqual({ kind: "engine-unavailable" });
    engine.available = true;
    expect(ids(scheduler.pass().admitted)).toEqual(["a"]);
  });

  it("waits out the back-off after the engine refused a launch for now", () => {
    const { scheduler, clock, ledger } = setup();
    scheduler.enqueue(ready(entry("a", 1)));
    const [a] = scheduler.pass().admitted;
    ledger.release("a");
    scheduler.requeue(a!);
    expect(scheduler.pass().admitted).toEqual([]);
    clock.advance(ENGINE_BACKOFF_MS);
    expect(ids(scheduler.pass().admitted)).toEqual(["a"]);
  });

  it("parks a job until its dependency succeeds, and fails it when the dependency fails", () => {
    const { scheduler } = setup({ cores: 8 });
    scheduler.enqueue([{ entry: entry("kid", 1, { dependsOn: ["dad" as JobId] }), unmet: ["dad" as JobId] }, { entry: entry("kid2", 1), unmet: ["mom" as JobId] }]);
    expect(scheduler.pass().admitted).toEqual([]);
    expect(scheduler.explain("kid" as JobId)?.reason).toEqual({ kind: "dependencies", waitingOn: ["dad"] });
    expect(scheduler.jobEnded("dad" as JobId, true)).toEqual([]);
    expect(ids(scheduler.pass().admitted)).toEqual(["kid"]);
    expect(ids(scheduler.jobEnded("mom" as JobId, false))).toEqual(["kid2"]);
    expect(scheduler.queuedCount).toBe(0);
  });

  it("hands everything to an engine that queues runs itself", () => {
    const { scheduler } = setup({ cores: 1, engine: { queuesItself: true } });
    scheduler.enqueue(ready(entry("a", 1), entry("b", 1), entry("c", 1)));
    expect(ids(scheduler.pass().admitted)).toEqual(["a", "b", "c"]);
  });

  it("names the jobs next in line to prepare, once each", () => {
    const { scheduler } = setup({ cores: 1, settings: { prepareAhead: 2 }, engine: { canPrepare: true } });
    scheduler.enqueue(ready(entry("a", 1), entry("b", 1), entry("c", 1), entry("d", 1)));
    const first = scheduler.pass();
    expect(ids(first.admitted)).toEqual(["a"]);
    expect(first.prepare).toEqual(["b", "c"]);
    scheduler.enqueue(ready(entry("e", 1)));
    expect(scheduler.pass().prepare).toEqual([]);
  });

  it("counts each user's queued jobs, and forgets a removed one", () => {
    const { scheduler } = setup({ cores: 1 });
    scheduler.enqueue(ready(entry("a", 1), entry("b", 1), entry("c", 1, { owner: "bob" })));
    expect(scheduler.queuedFor("alice")).toBe(2);
    scheduler.remove("b" as JobId);
    expect(scheduler.queuedFor("alice")).toBe(1);
    expect(scheduler.explain("b" as JobId)).toBeUndefined();
  });
});
