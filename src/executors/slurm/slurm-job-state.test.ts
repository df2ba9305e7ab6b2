import { describe, expect, it } from "vitest";
import type { ExitRecord } from "./exit-record.js";
import { exitCodeFromSlurm, parseScontrolExit, parseSqueue, pendingReasonWords, toRunStatus, type SlurmJobRow } from "./slurm-job-state.js";

const now = new Date("2026-01-02T03:04:05Z");
const row = (state: string, reason = "None", over: Partial<SlurmJobRow> = {}): SlurmJobRow => ({
  slurmId: "42", name: "skyrun-abcdefgh", state, reason, startTime: new Date(1_700_000_000_000), endTime: new Date(1_700_000_060_000), ...over,
});
const record: ExitRecord = { exitCode: 3, oomKilled: false, startedAt: new Date(1_700_000_001_000), finishedAt: new Date(1_700_000_050_000) };

describe("reading squeue and scontrol", () => {
  it("parses squeue rows with epoch times, skipping noise and N/A times", () => {
    const rows = parseSqueue("42|skyrun-abcdefgh|PENDING|Resources|N/A|N/A\nsqueue: warning\n43|skyrun-x|RUNNING|None|1700000000|NONE\n");
    expect(rows).toEqual([
      { slurmId: "42", name: "skyrun-abcdefgh", state: "PENDING", reason: "Resources", startTime: null, endTime: null },
      { slurmId: "43", name: "skyrun-x", state: "RUNNING", reason: "None", startTime: new Date(1_700_000_000_000), endTime: null },
    ]);
  });

  it("reads ExitCode=code:signal from scontrol show job", () => {
    expect(parseScontrolExit("JobId=42 JobName=x JobState=FAILED Reason=NonZeroExitCode Dependency=(null) ExitCode=3:0 RunTime=00:00:01")).toEqual({ exitCode: 3, signal: 0 });
    expect(parseScontrolExit("no exit code here")).toBeUndefined();
  });

  it("turns Slurm's exit status into one number: 128+signal, the code, or -1 for a run that never ran", () => {
    expect(exitCodeFromSlurm({ exitCode: 0, signal: 9 })).toBe(137);
    expect(exitCodeFromSlurm({ exitCode: 2, signal: 0 })).toBe(2);
    expect(exitCodeFromSlurm({ exitCode: 0, signal: 0 })).toBe(-1);
    expect(exitCodeFromSlurm(undefined)).toBe(-1);
  });
});

describe("pending reasons", () => {
  it("keeps Slurm's word and says what it means", () => {
    expect(pendingReasonWords("PENDING", "Resources")).toBe("Slurm: Resources — waiting for resources");
    expect(pendingReasonWords("PENDING", "(Priority)")).toBe("Slurm: Priority — jobs with higher priority are ahead in the queue");
    expect(pendingReasonWords("PENDING", "ReqNodeNotAvail, UnavailableNodes:n1")).toBe("Slurm: ReqNodeNotAvail, UnavailableNodes:n1 — a node it needs is down, drained or reserved");
    expect(pendingReasonWords("PENDING", "QOSMaxCpuPerUserLimit")).toBe("Slurm: QOSMaxCpuPerUserLimit — a QOS limit is reached");
    expect(pendingReasonWords("PENDING", "SomethingNew")).toBe("Slurm: SomethingNew");
  });

  it("reports nothing while Slurm has not looked at the job (None)", () => {
    expect(pendingReasonWords("PENDING", "None")).toBeUndefined();
  });
});

describe("Slurm states as run statuses", () => {
  const status = (r: SlurmJobRow | undefined, o: { record?: ExitRecord; slurmExit?: { exitCode: number; signal: number }; seenRunning?: boolean } = {}) =>
    toRunStatus({ row: r, record: o.record, slurmExit: o.slurmExit, seenRunning: o.seenRunning ?? false }, now);

  it("PENDING is pending with the reason; RUNNING and COMPLETING are running since Slurm's start time", () => {
    expect(status(row("PENDING", "Resources"))).toEqual({ phase: "pending", reason: "Slurm: Resources — waiting for resources" });
    expect(status(row("PENDING", "None"))).toEqual({ phase: "pending" });
    expect(status(row("RUNNING"))).toEqual({ phase: "running", startedAt: new Date(1_700_000_000_000) });
    expect(status(row("COMPLETING"), { record })).toEqual({ phase: "running", startedAt: new Date(1_700_000_000_000) });
  });

  it("COMPLETED is exit 0; FAILED is the recorded exit code, else Slurm's", () => {
    expect(status(row("COMPLETED"))).toMatchObject({ phase: "exited", exitCode: 0, oomKilled: false });
    expect(status(row("FAILED"), { record })).toEqual({ phase: "exited", exitCode: 3, oomKilled: false, startedAt: record.startedAt, finishedAt: record.finishedAt });
    expect(status(row("FAILED"), { slurmExit: { exitCode: 5, signal: 0 } })).toMatchObject({ phase: "exited", exitCode: 5 });
  });

  it("TIMEOUT, OUT_OF_MEMORY, NODE_FAIL and CANCELLED end non-zero with the reason", () => {
    expect(status(row("TIMEOUT"), { record: { ...record, exitCode: 143 } })).toMatchObject({ exitCode: 143, reason: expect.stringMatching(/^DeadlineExceeded: Slurm stopped job 42 at its time limit/) });
    expect(status(row("OUT_OF_MEMORY"), { slurmExit: { exitCode: 0, signal: 9 } })).toMatchObject({ exitCode: 137, oomKilled: true, reason: expect.stringMatching(/^OOMKilled:/) });
    expect(status(row("NODE_FAIL"))).toMatchObject({ exitCode: -1, reason: expect.stringMatching(/^NodeFail: the node running Slurm job 42 failed/) });
    expect(status(row("CANCELLED"))).toMatchObject({ exitCode: -1, startedAt: null, reason: expect.stringMatching(/^Cancelled:/) });
    expect(status(row("CANCELLED"), { seenRunning: true })).toMatchObject({ startedAt: new Date(1_700_000_000_000) });
  });

  it("a job Slurm forgot ends as its exit record says, or has vanished", () => {
    expect(status(undefined, { record })).toMatchObject({ phase: "exited", exitCode: 3, startedAt: record.startedAt });
    expect(status(undefined)).toMatchObject({ phase: "vanished" });
  });

  it("a wrapper's own reason (the image could not be pulled) wins over Slurm's FAILED", () => {
    expect(status(row("FAILED"), { record: { ...record, exitCode: 125, reason: "ImagePullFailed: image pull failed: denied" } })).toMatchObject({ exitCode: 125, reason: "ImagePullFailed: image pull failed: denied" });
  });
});
