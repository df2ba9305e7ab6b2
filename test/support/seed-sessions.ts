import type { JobId } from "../../src/domain/ids.js";
import { FIRST_ATTEMPT, NEVER, NO_BATCH_OPTIONS, type Job, type JobState } from "../../src/domain/job.js";
import type { Store } from "../../src/store/store.js";
import { DEMO_IMAGE } from "./paths.js";

export interface SeedOwner {
  readonly username: string;
  readonly uid: number;
}

const STATES: readonly JobState[] = ["succeeded", "succeeded", "succeeded", "failed", "succeeded", "succeeded", "succeeded", "succeeded", "succeeded", "queued"];

/**
 * Fills a store with `count` sessions of one owner straight through the store's
 * `insertMany`, in batches: mostly finished ones still in the listing window (so a
 * listing sees them all), some failed, one in ten queued asking for more cores than any
 * server here offers (so none ever starts). For the dashboard's 100,000-session checks;
 * no real job runs.
 */
export async function seedSessions(store: Store, owner: SeedOwner, count: number, o: { nowMs?: number; firstSeq?: number; idPrefix?: string } = {}): Promise<void> {
  const now = o.nowMs ?? Date.now();
  const prefix = o.idPrefix ?? "s";
  const batch: Job[] = [];
  for (let n = 0; n < count; n++) {
    const state = STATES[n % STATES.length]!;
    const done = state !== "queued";
    const created = new Date(now - (count - n) * 1000);
    const started = done ? new Date(created.getTime() + 500) : null;
    const finished = done ? new Date(created.getTime() + 500 + (n % 50) * 1000) : null;
    batch.push({
      id: `${prefix}${n.toString(36).padStart(7, "0")}` as JobId,
      owner: { username: owner.username, uid: owner.uid, gid: owner.uid, groups: [] },
      name: `seed-${Math.floor(n / 100)}-${n % 100}`, image: DEMO_IMAGE, type: "headless", command: ["sh"], args: ["-c", `echo ${n}`], env: [],
      resources: done ? { coresRequest: 1, coresLimit: 1, ramRequestGB: 1, ramLimitGB: 1, gpus: 0, fixed: true } : { coresRequest: 512, coresLimit: 512, ramRequestGB: 1, ramLimitGB: 1, gpus: 0, fixed: true },
      dependsOn: [], priority: 0, state, reason: state === "failed" ? "exited with code 1" : null, exitCode: state === "succeeded" ? 0 : state === "failed" ? 1 : null,
      createdAt: created, startedAt: started, finishedAt: finished, deadlineSeconds: 1_209_600,
      visibleUntil: NEVER, executor: "local", runHandle: null, arrayId: null, replicaIndex: null, replicaCount: null, sealedRegistryAuth: null,
      submitSeq: (o.firstSeq ?? 1_000_000) + n, ...NO_BATCH_OPTIONS, ...FIRST_ATTEMPT,
      // Some sessions carry a label, so the table's label column and grouping have something to show.
      labels: n % 3 === 0 ? { sweep: `s${Math.floor(n / 1000)}` } : {},
      updatedAt: finished ?? created, updatedSeq: n + 1,
    });
    if (batch.length === 5000) await store.jobs.insertMany(batch.splice(0));
  }
  if (batch.length > 0) await store.jobs.insertMany(batch);
}
