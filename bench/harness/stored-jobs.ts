import type { JobId } from "../../src/domain/ids.js";
import { FIRST_ATTEMPT, NEVER, NO_BATCH_OPTIONS, type Job } from "../../src/domain/job.js";

const id = (n: number): JobId => `b${n.toString(36).padStart(7, "0")}` as JobId;

/**
 * Job number `n` of `owner`, as a scenario writes it straight into a store before the
 * server starts: a queued two-core Python run unless `over` says otherwise.
 */
export function storedJob(n: number, owner: string, over: Partial<Job>): Job {
  return {
    id: id(n), owner: { username: owner, uid: 20_000 + (n % 1000), gid: 20_000 + (n % 1000), groups: [] },
    name: `job-${n}`, image: "localhost/skyrun-demo:latest", type: "headless", command: ["python"], args: ["/arc/projects/x/run.py", `--id=${n}`],
    env: [["MODE", "batch"]], resources: { coresRequest: 2, coresLimit: 2, ramRequestGB: 4, ramLimitGB: 4, gpus: 0, fixed: true },
    dependsOn: [], priority: 0, state: "queued", reason: null, exitCode: null, createdAt: new Date(), startedAt: null, finishedAt: null,
    deadlineSeconds: 1_209_600, visibleUntil: NEVER, executor: "local", runHandle: null, arrayId: null, replicaIndex: null, replicaCount: null,
    sealedRegistryAuth: null, submitSeq: n, ...NO_BATCH_OPTIONS, ...FIRST_ATTEMPT, updatedAt: new Date(0), updatedSeq: 0, ...over,
  };
}
