import { describe, expect, it } from "vitest";
import type { Job } from "./job.js";
import { classifyRunExit, type RunExit, type RunInterventions } from "./run-outcome.js";

const started = new Date("2026-01-01T00:00:00Z");
const at = (seconds: number) => new Date(started.getTime() + seconds * 1000);
const job = (state: Job["state"] = "running"): Pick<Job, "state" | "startedAt" | "deadlineSeconds" | "resources"> => ({
  state,
  startedAt: started,
  deadlineSeconds: 3600,
  resources: { coresRequest: 1, coresLimit: 1, ramRequestGB: 2, ramLimitGB: 2, gpus: 0, fixed: true },
});
const exit = (exitCode: number, more: Partial<RunExit> = {}): RunExit => ({ exitCode, oomKilled: false, startedAt: started, at: at(60), ...more });
const none: RunInterventions = { stoppedBySkyrun: false, deadlineKill: false, logLimitKill: false };

describe("classifyRunExit", () => {
  const cases: [string, ReturnType<typeof job>, RunExit, RunInterventions, { to: string; cause: string; reason: RegExp | null; event: string }][] = [
    ["exit 0 succeeds", job(), exit(0), none, { to: "succeeded", cause: "completed", reason: null, event: "Completed" }],
    ["a non-zero exit fails with its code", job(), exit(3), none, { to: "failed", cause: "exit", reason: /^Error: container exited with code 3$/, event: "Failed" }],
    ["a job being deleted ends cancelled whatever its code", job("terminating"), exit(143), { stoppedBySkyrun: true, deadlineKill: false, logLimitKill: false }, { to: "cancelled", cause: "deleted", reason: /^Deleted by user$/, event: "Deleted" }],
    ["a job deleted before it ran (negative code) says so", job("terminating"), exit(-1), none, { to: "cancelled", cause: "deleted", reason: /^Deleted by user$/, event: "Deleted" }],
    ["a deleted job that exited 0 is still cancelled", job("terminating"), exit(0), none, { to: "cancelled", cause: "deleted", reason: /^Deleted by user$/, event: "Deleted" }],
    ["the engine's OOM flag fails it as OOMKilled", job(), exit(137, { oomKilled: true }), none, { to: "failed", cause: "oom", reason: /^OOMKilled: .*memory limit of 2 GiB/, event: "OOMKilled" }],
    ["137 not sent by skyrun reads as out of memory", job(), exit(137), none, { to: "failed", cause: "oom", reason: /^OOMKilled: .*SIGKILL \(exit code 137\)/, event: "OOMKilled" }],
    ["137 after skyrun stopped it is a plain failure", job(), exit(137), { stoppedBySkyrun: true, deadlineKill: false, logLimitKill: false }, { to: "failed", cause: "exit", reason: /code 137$/, event: "Failed" }],
    ["stopped for its deadline fails as DeadlineExceeded", job(), exit(143), { stoppedBySkyrun: true, deadlineKill: true, logLimitKill: false }, { to: "failed", cause: "deadline", reason: /^DeadlineExceeded: active longer than 3600s$/, event: "DeadlineExceeded" }],
    ["an exit after the deadline instant is DeadlineExceeded", job(), exit(1, { at: at(3601) }), none, { to: "failed", cause: "deadline", reason: /^DeadlineExceeded/, event: "DeadlineExceeded" }],
    ["the engine's own deadline reason is DeadlineExceeded", job(), exit(1, { reason: "DeadlineExceeded: Slurm stopped job 7 at its time limit (TIMEOUT)" }), none, { to: "failed", cause: "deadline", reason: /^DeadlineExceeded/, event: "DeadlineExceeded" }],
    ["deadline wins over OOM", job(), exit(137, { oomKilled: true, at: at(4000) }), none, { to: "failed", cause: "deadline", reason: /^DeadlineExceeded/, event: "DeadlineExceeded" }],
    ["another engine reason is kept with its first word as the event", job(), exit(1, { reason: "NodeFail: the node running Slurm job 7 failed (NODE_FAIL)" }), none, { to: "failed", cause: "engine", reason: /^NodeFail: /, event: "NodeFail" }],
    ["stopped for its log size fails as LogLimitExceeded", job(), exit(143), { stoppedBySkyrun: true, deadlineKill: false, logLimitKill: true }, { to: "failed", cause: "log-limit", reason: /^LogLimitExceeded: /, event: "LogLimitExceeded" }],
    ["a trivial job seen only as starting uses the engine's start for its deadline", { ...job("starting"), startedAt: null }, exit(2, { at: at(10) }), none, { to: "failed", cause: "exit", reason: /code 2$/, event: "Failed" }],
  ];
  for (const [name, j, e, done, want] of cases) {
    it(name, () => {
      const o = classifyRunExit(j, e, done);
      expect(o.to).toBe(want.to);
      expect(o.cause).toBe(want.cause);
      if (want.reason === null) expect(o.reason).toBeNull();
      else expect(o.reason).toMatch(want.reason);
      expect(o.event.reason).toBe(want.event);
      expect(o.event.at).toEqual(e.at);
    });
  }
});
