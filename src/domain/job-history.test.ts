import { describe, expect, it } from "vitest";
import type { JobId } from "./ids.js";
import { historyEntryOf, projectOf } from "./job-history.js";
import { FIRST_ATTEMPT, NEVER, NO_BATCH_OPTIONS, type Job } from "./job.js";

const T = Date.UTC(2026, 10, 20);
const job = (over: Partial<Job> = {}): Job => ({
  id: "hist0001" as JobId, owner: { username: "alice", uid: 1, gid: 1, groups: [7, 8, 99] }, name: "fit", image: "img", type: "headless",
  command: null, args: null, env: [], resources: { coresRequest: 4, coresLimit: 8, ramRequestGB: 2, ramLimitGB: 4, gpus: 1, fixed: false },
  dependsOn: [], priority: 0, state: "failed", reason: "Error", exitCode: 2, createdAt: new Date(T - 60_000), startedAt: new Date(T), finishedAt: new Date(T + 100_000),
  deadlineSeconds: 10, visibleUntil: NEVER, executor: "slurm", runHandle: null, arrayId: null, replicaIndex: null, replicaCount: null, sealedRegistryAuth: null,
  ...NO_BATCH_OPTIONS, ...FIRST_ATTEMPT, updatedAt: new Date(T), updatedSeq: 1, submitSeq: 5, ...over,
});
const groupNames = new Map([[7, "survey"], [8, "astro"]]);
const none = { earlierAttempts: [], sampled: false, peakRamBytes: null };

describe("a job's history entry (issue 12)", () => {
  it("charges cores, RAM and GPUs asked for over every attempt's wall time", () => {
    const e = historyEntryOf(job({ attempt: 3, cpuSeconds: 50 }), {
      earlierAttempts: [{ startedAt: null, finishedAt: new Date(T - 50_000) }, { startedAt: new Date(T - 40_000), finishedAt: new Date(T - 20_000) }],
      sampled: true, peakRamBytes: 123,
    }, { groupNames });
    expect(e).toMatchObject({ wallSeconds: 120, coreSeconds: 480, attempts: 3, cpuSeconds: 50, peakRamBytes: 123, startedAt: new Date(T - 40_000), groups: ["99", "astro", "survey"], outcome: "failed", exitCode: 2 });
  });

  it("says CPU time is unknown, not 0, when no usage samples were taken", () => {
    expect(historyEntryOf(job({ cpuSeconds: 0 }), none, { groupNames })).toMatchObject({ cpuSeconds: null, peakRamBytes: null });
  });

  it("keeps HTCondor's and Slurm's ids, else the set's and the place in it", () => {
    expect(historyEntryOf(job({ labels: { "htcondor.cluster": "12" }, arrayId: "s", submitSeq: 9 }), none, { groupNames, setFirstSubmitSeq: 7 })).toMatchObject({ clusterId: "12", procId: 2 });
    expect(historyEntryOf(job({ labels: { "slurm.job": "55", "slurm.array-task": "31" }, arrayId: "s" }), none, { groupNames, setFirstSubmitSeq: 1 })).toMatchObject({ clusterId: "55", procId: 31 });
    expect(historyEntryOf(job({ arrayId: "s", replicaIndex: 3 }), none, { groupNames })).toMatchObject({ clusterId: "s", procId: 2 });
    expect(historyEntryOf(job(), none, { groupNames })).toMatchObject({ clusterId: "hist0001", procId: 0 });
  });

  it("charges the project directory worked in, or the project label only to a member of that group", () => {
    expect(projectOf({ workdir: "/arc/projects/astro/run", labels: { project: "survey" } }, [])).toBe("astro");
    expect(projectOf({ workdir: "/arc/projects/astro", labels: {} }, [])).toBe("astro");
    expect(projectOf({ workdir: "/arc/home/alice", labels: { project: "survey" } }, ["survey"])).toBe("survey");
    expect(projectOf({ workdir: null, labels: { project: "cosmology" } }, ["survey"])).toBeNull();
  });

  it("refuses a job that has not ended", () => {
    expect(() => historyEntryOf(job({ state: "running" }), none, { groupNames })).toThrow(/has not ended/);
  });
});
