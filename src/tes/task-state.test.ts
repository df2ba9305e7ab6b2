import { describe, expect, it } from "vitest";
import type { Job, JobState } from "../domain/job.js";
import { parseRunnerLog } from "./log-markers.js";
import { SYSTEM_EXIT_CODE } from "./runner-script.js";
import { taskLog, taskState, type ExecutorRun } from "./task-state.js";

const at = new Date("2026-01-01T00:00:00Z");
const job = (state: JobState, o: Partial<Job> = {}): Job => ({ id: `job${Math.random().toString(36).slice(2, 7)}`, state, exitCode: null, startedAt: null, finishedAt: null, reason: null, ...o } as Job);
const run = (state: JobState, o: Partial<Job> = {}, log?: string): ExecutorRun => ({ job: job(state, o), report: log === undefined ? undefined : parseRunnerLog(log) });

describe("taskState", () => {
  it.each<[JobState[], string]>([
    [["queued", "queued"], "QUEUED"],
    [["starting", "queued"], "INITIALIZING"],
    [["running", "queued"], "RUNNING"],
    [["succeeded", "queued"], "RUNNING"],
    [["succeeded", "succeeded"], "COMPLETE"],
    [["terminating", "queued"], "CANCELING"],
    [["cancelled", "queued"], "CANCELING"],
    [["cancelled", "cancelled"], "CANCELED"],
  ])("%j is %s", (states, expected) => {
    expect(taskState(states.map((s) => run(s)))).toBe(expected);
  });

  it("tells a command's failure from skyrun's own", () => {
    expect(taskState([run("failed", { exitCode: 2 }), run("failed")])).toBe("EXECUTOR_ERROR");
    expect(taskState([run("failed", { exitCode: SYSTEM_EXIT_CODE }, "##skyrun-tes system cannot copy\n"), run("failed")])).toBe("SYSTEM_ERROR");
    // The same code from the user's own command (no system report) is theirs.
    expect(taskState([run("failed", { exitCode: SYSTEM_EXIT_CODE }, "##skyrun-tes exit 97\n")])).toBe("EXECUTOR_ERROR");
    expect(taskState([run("failed", { reason: "image pull failed" })])).toBe("SYSTEM_ERROR");
    expect(taskState([{ job: undefined }])).toBe("UNKNOWN");
  });
});

describe("taskLog", () => {
  it("has an executor log per started executor, the outputs, and system logs only in FULL", () => {
    const runs = [
      run("succeeded", { exitCode: 0, startedAt: at, finishedAt: at }, "##skyrun-tes start\nhello\n##skyrun-tes exit 0\n"),
      run("failed", { exitCode: SYSTEM_EXIT_CODE, startedAt: at, finishedAt: at }, "##skyrun-tes start\n##skyrun-tes exit 0\n##skyrun-tes system cannot copy /x\n"),
    ];
    const full = taskLog(runs, "SYSTEM_ERROR", true)!;
    expect(full.logs).toEqual([
      { exit_code: 0, start_time: at.toISOString(), end_time: at.toISOString(), stdout: "hello\n", stderr: "" },
      { exit_code: 0, start_time: at.toISOString(), end_time: at.toISOString(), stdout: "", stderr: "" },
    ]);
    expect(full.system_logs).toEqual(["cannot copy /x"]);
    const basic = taskLog(runs, "SYSTEM_ERROR", false)!;
    expect(basic.system_logs).toBeUndefined();
    expect(basic.logs[0]!.stdout).toBeUndefined();
    expect(taskLog([run("queued")], "QUEUED", true)).toBeUndefined();
  });

  it("explains an engine failure with the session's reason", () => {
    expect(taskLog([run("failed", { reason: "image pull failed: not found" })], "SYSTEM_ERROR", true)!.system_logs).toEqual(["image pull failed: not found"]);
  });
});
