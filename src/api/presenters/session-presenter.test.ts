import { describe, expect, it } from "vitest";
import type { JobId } from "../../domain/ids.js";
import { FIRST_ATTEMPT, NEVER, NO_BATCH_OPTIONS, type Job } from "../../domain/job.js";
import { toPublicSessionJson, toSessionJson } from "./session-presenter.js";
import { statesForStatus, statusOf } from "./session-status.js";

const job = (over: Partial<Job> = {}): Job => ({
  id: "abcd1234" as JobId,
  owner: { username: "alice", uid: 10001, gid: 10001, groups: [30001] },
  name: "nightly",
  image: "images.example.org/skaha/astroml:latest",
  type: "headless",
  command: ["python"],
  args: ["x.py"],
  env: [],
  resources: { coresRequest: 1.5, coresLimit: 1.5, ramRequestGB: 4, ramLimitGB: 4, gpus: 0, fixed: true },
  dependsOn: [],
  priority: 0,
  state: "succeeded",
  reason: null,
  exitCode: 0,
  createdAt: new Date("2026-07-01T12:00:00.000Z"),
  startedAt: new Date("2026-07-01T12:34:00.000Z"),
  finishedAt: new Date("2026-07-01T12:40:00.000Z"),
  deadlineSeconds: 1_209_600,
  visibleUntil: NEVER,
  executor: "local",
  runHandle: null,
  arrayId: null,
  replicaIndex: null,
  replicaCount: null,
  sealedRegistryAuth: null,
  ...NO_BATCH_OPTIONS,
  ...FIRST_ATTEMPT,
  updatedAt: new Date(1_700_000_000_000),
  updatedSeq: 0,
  submitSeq: 1,
  ...over,
});

describe("session JSON", () => {
  it("reports Succeeded on v0 and Completed on v1 for exit code 0", () => {
    expect(statusOf("succeeded", "v0")).toBe("Succeeded");
    expect(statusOf("succeeded", "v1")).toBe("Completed");
    expect(toSessionJson(job(), "v1").phase).toBe("Completed");
  });

  it("keeps the platform's field order, then our extensions", () => {
    expect(Object.keys(toSessionJson(job(), "v1"))).toEqual([
      "id", "userid", "runAsUID", "runAsGID", "supplementalGroups", "image", "type", "status", "name",
      "startTime", "expiryTime", "connectURL", "requestedRAM", "requestedCPUCores", "requestedGPUCores", "isFixedResources",
      "phase", "exitCode", "endTime", "createdTime", "walltime", "updatedTime", "stateSince", "request",
    ]);
  });

  it("shows the request as stored with environment names, never their values or registry credentials", () => {
    const out = toSessionJson(job({ env: [["TOKEN", "s3cret-value"], ["MODE", "fast"]], command: ["python"], args: ["run.py", "--n", "3"], sealedRegistryAuth: "sealed:abc" }), "v1");
    expect(out.request).toMatchObject({ cmd: ["python"], args: ["run.py", "--n", "3"], env: ["TOKEN", "MODE"], cores: 1.5, registryAuth: true, replicas: 1 });
    expect(JSON.stringify(out)).not.toContain("s3cret-value");
    expect(JSON.stringify(out)).not.toContain("sealed:abc");
  });

  it("dates the current status: pending from submission, running from start, ended from the end", () => {
    expect(toSessionJson(job({ state: "queued", startedAt: null, finishedAt: null }), "v1").stateSince).toBe("2026-07-01T12:00:00Z");
    expect(toSessionJson(job({ state: "running", finishedAt: null }), "v1").stateSince).toBe("2026-07-01T12:34:00Z");
    expect(toSessionJson(job(), "v1").stateSince).toBe("2026-07-01T12:40:00Z");
  });

  it("omits what is null: a pending flexible job has no startTime, expiry, exit code or requests", () => {
    const out = toSessionJson(job({ state: "queued", startedAt: null, finishedAt: null, exitCode: null, resources: { coresRequest: 1, coresLimit: 8, ramRequestGB: 4, ramLimitGB: 32, gpus: 0, fixed: false } }), "v0", { waiting: { reason: { kind: "engine-queue", detail: "waiting for 1 cores" }, position: null, positionLimit: 0, decidedAt: new Date() } });
    expect(out).not.toHaveProperty("startTime");
    expect(out).not.toHaveProperty("expiryTime");
    expect(out).not.toHaveProperty("exitCode");
    expect(out).not.toHaveProperty("requestedRAM");
    expect(out.status).toBe("Pending");
    expect(out.statusMessage).toBe("waiting for 1 cores");
  });

  it("formats requests as the platform does: decimal GB from GiB, millicore precision", () => {
    const out = toSessionJson(job(), "v1");
    expect(out.requestedRAM).toBe("4.29");
    expect(out.requestedCPUCores).toBe("1.500");
    expect(out.expiryTime).toBe("2026-07-15T12:34:00Z");
  });

  it("shows usage only for running jobs", () => {
    const usage = { cpuCores: 0.25, ramBytes: 350_000_000 };
    expect(toSessionJson(job({ state: "running" }), "v1", { usage })).toMatchObject({ ramInUse: "0.35", cpuCoresInUse: "0.250" });
    expect(toSessionJson(job(), "v1", { usage })).not.toHaveProperty("ramInUse");
  });

  it("shows a deleted job as Failed with the reason", () => {
    expect(toSessionJson(job({ state: "cancelled", reason: "Deleted by user", exitCode: null }), "v0")).toMatchObject({ status: "Failed", statusMessage: "Deleted by user" });
  });

  it("has the public shape for view=all", () => {
    expect(toPublicSessionJson(job(), "v0")).toEqual({ userid: "alice", type: "headless", status: "Succeeded", startTime: "2026-07-01T12:34:00Z" });
  });

  it("maps status filters case-insensitively, with Succeeded and Completed as synonyms", () => {
    expect(statesForStatus("completed")).toEqual(["succeeded"]);
    expect(statesForStatus("Succeeded")).toEqual(["succeeded"]);
    expect(statesForStatus("PENDING")).toEqual(["queued", "starting"]);
    expect(statesForStatus("nonsense")).toBeUndefined();
  });
});
