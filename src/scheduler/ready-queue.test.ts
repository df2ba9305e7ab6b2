import { describe, expect, it } from "vitest";
import type { JobId } from "../domain/ids.js";
import { dominantShare, type QueueEntry } from "./queue-order.js";
import { ReadyQueue } from "./ready-queue.js";

const capacity = { cores: 16, ramGB: 64, gpus: 0 };
let seq = 0;
const entry = (id: string, owner: string, cores: number, over: Partial<QueueEntry> = {}): QueueEntry => ({
  id: id as JobId, owner, demand: { cores, ramGB: cores * 2, gpus: 0 }, priority: 0, submitSeq: ++seq,
  createdAtMs: 1000 * seq, deadlineSeconds: 3600, dependsOn: [], throttle: null, notBeforeMs: 0, attempt: 1, attempts: 1, ...over,
});

function queue(usage: Record<string, number> = {}): ReadyQueue {
  return new ReadyQueue({ sizeOf: (e) => dominantShare(e.demand, capacity), usageOf: (u) => usage[u] ?? 0 });
}
const order = (q: ReadyQueue) => [...q.inOrder()].map((e) => e.id);

describe("queue order", () => {
  it("puts higher priority first, whatever the usage and size", () => {
    const q = queue({ vip: 1e9 });
    q.add(entry("small", "alice", 1));
    q.add(entry("vipjob", "vip", 8, { priority: 10 }));
    expect(order(q)).toEqual(["vipjob", "small"]);
  });

  it("puts the user who used less first (fair share), then smaller requests, then age", () => {
    const usage: Record<string, number> = { heavy: 500, light: 10 };
    const q = queue(usage);
    q.add(entry("h1", "heavy", 1));
    q.add(entry("h2", "heavy", 1));
    q.add(entry("l-big", "light", 8));
    q.add(entry("l-small", "light", 1));
    expect(order(q)).toEqual(["l-small", "l-big", "h1", "h2"]);
    usage.light = 1000;
    q.usageChanged("light");
    expect(order(q)).toEqual(["h1", "h2", "l-small", "l-big"]);
  });

  it("moves a job that waited past the ageing threshold ahead of newer smaller ones", () => {
    const q = queue();
    const big = entry("big", "alice", 8, { createdAtMs: 0 });
    q.add(big);
    q.add(entry("small1", "alice", 1, { createdAtMs: 50_000 }));
    q.add(entry("small2", "alice", 1, { createdAtMs: 60_000 }));
    expect(order(q)).toEqual(["small1", "small2", "big"]);
    expect(q.age(30_000, 30_000)).toBe(1);
    expect(order(q)).toEqual(["big", "small1", "small2"]);
    expect(q.age(30_000, 30_000)).toBe(0);
  });

  it("lets a walk leave out a user at their limit, and survives removal while walking", () => {
    const q = queue();
    for (const [id, owner] of [["a1", "a"], ["a2", "a"], ["b1", "b"], ["b2", "b"]] as const) q.add(entry(id, owner, 1));
    const seen: string[] = [];
    for (const e of q.inOrder((u) => u === "a" && seen.includes("a1"))) {
      seen.push(e.id);
      q.remove(e.id);
    }
    expect(seen).toEqual(["a1", "b1", "b2"]);
    expect(order(q)).toEqual(["a2"]);
  });

  it("keeps 100,000 jobs, and a walk for the first 1,000 visits those 1,000 and no more", () => {
    // Costs are measured in bench/ (list-at-scale, schedule decisions); here the behaviour that makes them small.
    const q = queue();
    for (let i = 0; i < 100_000; i++) q.add(entry(`j${i}`, `u${i % 100}`, 1 + (i % 4)));
    for (let i = 0; i < 1000; i++) q.remove(`j${i * 7}` as JobId);
    expect(q.size).toBe(99_000);
    let visited = 0;
    const first: string[] = [];
    for (const e of q.inOrder()) {
      visited++;
      first.push(e.id);
      if (first.length >= 1000) break;
    }
    expect(visited).toBe(1000);
    expect(first.filter((id) => Number(id.slice(1)) % 7 === 0 && Number(id.slice(1)) < 7000)).toEqual([]);
    // Smaller requests first: everything in the first 1,000 asks for the fewest cores.
    expect(new Set(first.map((id) => 1 + (Number(id.slice(1)) % 4)))).toEqual(new Set([1]));
  });
});
