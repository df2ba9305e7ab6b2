import { describe, expect, it } from "vitest";
import type { JobId } from "../domain/ids.js";
import { DependencyGraph } from "./dependency-graph.js";
import type { QueueEntry } from "./queue-order.js";

const entry = (id: string): QueueEntry => ({ id: id as JobId, owner: "u", demand: { cores: 1, ramGB: 1, gpus: 0 }, priority: 0, submitSeq: 1, createdAtMs: 0, deadlineSeconds: 1, dependsOn: [], throttle: null, notBeforeMs: 0, attempt: 1, attempts: 1 });
const id = (s: string) => s as JobId;

describe("dependencies", () => {
  it("releases a job when its last dependency succeeds", () => {
    const g = new DependencyGraph();
    g.block(entry("c"), [id("a"), id("b")]);
    expect(g.resolved(id("a"), true)).toEqual({ ready: [], failed: [] });
    expect(g.waitingOn(id("c"))).toEqual(["b"]);
    expect(g.resolved(id("b"), true).ready.map((e) => e.id)).toEqual(["c"]);
    expect(g.has(id("c"))).toBe(false);
  });

  it("fails a job as soon as one dependency fails, and forgets it", () => {
    const g = new DependencyGraph();
    g.block(entry("c"), [id("a"), id("b")]);
    expect(g.resolved(id("a"), false).failed.map((e) => e.id)).toEqual(["c"]);
    expect(g.resolved(id("b"), true)).toEqual({ ready: [], failed: [] });
    expect(g.size).toBe(0);
  });
});
