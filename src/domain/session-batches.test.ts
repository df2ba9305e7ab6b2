import { describe, expect, it } from "vitest";
import type { JobId } from "./ids.js";
import { NEVER, type JobState } from "./job.js";
import { groupBatches, type BatchMember, type BatchSlot } from "./session-batches.js";

const now = new Date(1_800_000_000_000);
let seq = 0;
const m = (id: string, state: JobState, over: Partial<BatchMember> = {}): BatchMember => ({
  id: id as JobId, name: id, setId: null, replicaIndex: null, labels: {}, state, createdAt: new Date(now.getTime() - 1000 + seq), submitSeq: ++seq, visibleUntil: NEVER, ...over,
});
const held = new Set(["dagb", "sw3"]);
const slot = (x: BatchMember): BatchSlot => (x.state === "queued" ? (held.has(x.id) ? "hold" : "idle") : "run");

describe("batches as condor_q's batch view shows them (issue 12)", () => {
  const members = [
    m("sw1", "succeeded", { setId: "s1", name: "sweep-1", replicaIndex: 1 }),
    m("sw2", "running", { setId: "s1", name: "sweep-2", replicaIndex: 2 }),
    m("sw3", "queued", { setId: "s1", name: "sweep-3", replicaIndex: 3 }),
    m("sw4", "failed", { setId: "s1", name: "sweep-4", replicaIndex: 4 }),
    m("daga", "succeeded", { setId: "n1", labels: { dag: "diamond", "dag.id": "7", survey: "m31" } }),
    m("dagb", "queued", { setId: "n2", labels: { dag: "diamond", "dag.id": "7", survey: "m31" } }),
    m("lone", "starting", { labels: { survey: "m33" } }),
    m("old", "succeeded", { visibleUntil: new Date(now.getTime() - 1) }),
    m("recent", "cancelled", { visibleUntil: new Date(now.getTime() + 1) }),
  ];

  it("makes one line per set, DAG or lone session with DONE/RUN/IDLE/HOLD/TOTAL, while one of it is active", () => {
    const rows = groupBatches(members, { kind: "dag" }, slot, now, false);
    expect(rows.map((r) => [r.key, r.name, r.done, r.run, r.idle, r.hold, r.total, r.failed])).toEqual([
      ["set:s1", "sweep", 2, 1, 0, 1, 4, 1],
      ["dag:diamond#7", "diamond", 1, 0, 0, 1, 2, 0],
      ["session:lone", "lone", 0, 1, 0, 0, 1, 0],
    ]);
    expect(rows[0]).toMatchObject({ kind: "set", setId: "s1" });
    expect(rows[1]).toMatchObject({ kind: "dag", setId: null });
  });

  it("keeps ended batches still in the listing window with -a, and splits DAGs into their sets by set", () => {
    expect(groupBatches(members, { kind: "dag" }, slot, now, true).map((r) => r.key)).toEqual(["set:s1", "dag:diamond#7", "session:lone", "session:recent"]);
    expect(groupBatches(members, { kind: "set" }, slot, now, false).map((r) => r.key)).toEqual(["set:s1", "set:n2", "session:lone"]);
  });

  it("groups by a label's values, the rest as by DAG", () => {
    const rows = groupBatches(members, { kind: "label", key: "survey" }, slot, now, false);
    expect(rows.map((r) => [r.key, r.name, r.total])).toEqual([["set:s1", "sweep", 4], ["label:survey=m31", "survey=m31", 2], ["label:survey=m33", "survey=m33", 1]]);
  });

  it("makes sessions joined by dependsOn one DAG, named by its first session, even without submit-dag's labels", () => {
    const chain = [
      m("prep", "succeeded", { name: "prep" }),
      m("fit1", "running", { name: "fit", dependsOn: ["prep" as JobId] }),
      m("fit2", "queued", { name: "fit", dependsOn: ["prep" as JobId] }),
      m("merge", "queued", { name: "merge", dependsOn: ["fit1" as JobId, "fit2" as JobId] }),
      m("other", "queued", { name: "other", dependsOn: ["gone" as JobId] }),
    ];
    const rows = groupBatches(chain, { kind: "dag" }, (x) => (x.state === "queued" ? "hold" : "run"), now, false);
    expect(rows.map((r) => [r.key, r.kind, r.name, r.done, r.run, r.hold, r.total])).toEqual([
      ["dag:prep#prep", "dag", "prep", 1, 1, 2, 4],
      ["session:other", "session", "other", 0, 0, 1, 1],
    ]);
    expect(groupBatches(chain, { kind: "set" }, () => "hold", now, false)).toHaveLength(4);
  });
});
