import { describe, expect, it } from "vitest";
import { systemClock, type Clock } from "../domain/clock.js";
import type { JobId } from "../domain/ids.js";
import type { Job } from "../domain/job.js";
import type { SessionUsage } from "../domain/session-usage.js";
import { createCachedUsageReader } from "./usage-reader.js";

const job = (id: string, state: Job["state"] = "running") => ({ id: id as JobId, state, runHandle: null }) as unknown as Job;

/** An engine whose stats calls are counted, held until released, and can fail. */
function engine() {
  let inFlight = 0;
  const calls: string[] = [];
  const held: (() => void)[] = [];
  const state = { maxInFlight: 0, fail: new Set<string>(), hold: false, never: new Set<string>() };
  return {
    state,
    calls,
    release: () => { for (const r of held.splice(0)) r(); },
    executor: {
      async usage({ id: jobId }: Job): Promise<SessionUsage | undefined> {
        calls.push(jobId);
        inFlight++;
        state.maxInFlight = Math.max(state.maxInFlight, inFlight);
        try {
          if (state.never.has(jobId)) await new Promise(() => undefined);
          if (state.hold) await new Promise<void>((r) => held.push(r));
          if (state.fail.has(jobId)) throw new Error("engine said no");
          return { cpuCores: 0.5, ramBytes: 1e9 };
        } finally {
          inFlight--;
        }
      },
    },
  };
}

const clockAt = (ms: { now: number }): Clock => ({ ...systemClock, now: () => new Date(ms.now) });

describe("usage readings for listings (issue 14)", () => {
  it("reads only running sessions, and reuses a reading while it is fresh", async () => {
    const e = engine();
    const time = { now: 1_000 };
    const reader = createCachedUsageReader({ readUsage: (j) => e.executor.usage(j), clock: clockAt(time) }, { freshForMs: 2000 });
    const jobs = [job("a"), job("b"), job("q", "queued"), job("s", "succeeded")];
    const first = await reader.read(jobs);
    expect([...first.keys()].sort()).toEqual(["a", "b"]);
    expect(first.get("a" as JobId)).toEqual({ cpuCores: 0.5, ramBytes: 1e9 });
    time.now += 1999;
    await reader.read(jobs);
    expect(e.calls.sort()).toEqual(["a", "b"]);
    time.now += 1;
    await reader.read(jobs);
    expect(e.calls).toHaveLength(4);
  });

  it("keeps at most the bound of engine calls in flight, and asks once per session when listings overlap", async () => {
    const e = engine();
    e.state.hold = true;
    const reader = createCachedUsageReader({ readUsage: (j) => e.executor.usage(j), clock: clockAt({ now: 0 }) }, { maxConcurrent: 3, listingWaitMs: 10_000 });
    const jobs = Array.from({ length: 10 }, (_, i) => job(`j${i}`));
    const one = reader.read(jobs);
    const two = reader.read(jobs);
    while (e.calls.length < 10) {
      await new Promise((r) => setImmediate(r));
      e.release();
    }
    const [a, b] = await Promise.all([one, two]);
    expect(a.size).toBe(10);
    expect(b.size).toBe(10);
    expect(e.calls).toHaveLength(10);
    expect(e.state.maxInFlight).toBe(3);
  });

  it("leaves out a session whose reading failed or did not come back in time, and answers the rest", async () => {
    const e = engine();
    e.state.fail.add("bad");
    e.state.never.add("stuck");
    const reader = createCachedUsageReader({ readUsage: (j) => e.executor.usage(j), clock: clockAt({ now: 0 }) }, { engineTimeoutMs: 50, listingWaitMs: 5000 });
    const started = Date.now();
    const out = await reader.read([job("ok"), job("bad"), job("stuck")]);
    expect([...out.keys()]).toEqual(["ok"]);
    expect(Date.now() - started).toBeLessThan(4000);
  });

  it("leaves a slow reading out of the listing that waited, and shows it in the next without asking again", async () => {
    const e = engine();
    e.state.hold = true;
    const reader = createCachedUsageReader({ readUsage: (j) => e.executor.usage(j), clock: clockAt({ now: 0 }) }, { listingWaitMs: 20 });
    expect((await reader.read([job("slow")])).size).toBe(0);
    e.release();
    await new Promise((r) => setImmediate(r));
    expect((await reader.read([job("slow")])).size).toBe(1);
    expect(e.calls).toEqual(["slow"]);
  });

  it("lets one session's answer wait for its reading longer than a listing would", async () => {
    const e = engine();
    e.state.hold = true;
    const reader = createCachedUsageReader({ readUsage: (j) => e.executor.usage(j), clock: clockAt({ now: 0 }) }, { listingWaitMs: 1 });
    const one = reader.read([job("a")], { maxWaitMs: reader.engineTimeoutMs });
    setTimeout(() => e.release(), 50);
    expect((await one).get("a" as JobId)).toEqual({ cpuCores: 0.5, ramBytes: 1e9 });
  });
});
