import type { JobId } from "../domain/ids.js";
import { isTerminal, type JobState } from "../domain/job.js";
import type { JobStore } from "../store/store.js";
import type { QueueEntry } from "./queue-order.js";
import type { Scheduler } from "./scheduler.js";

/** How a dependency that is not live here ended, in the words a dependent's failure gives. */
const endedHow = (state: JobState | undefined): string => (state === "cancelled" ? "was deleted" : "ended Failed");

/** Rows read per page when the queue is reloaded after a restart. */
const RELOAD_PAGE = 5000;

export interface QueueIntakeDeps {
  readonly jobs: JobStore;
  readonly scheduler: Scheduler;
  /** A queued job can never run: a dependency failed or was deleted. */
  readonly failQueued: (id: JobId, message: string) => Promise<void>;
}

/**
 * Brings jobs into the scheduler's queue, parking those whose dependencies have not
 * succeeded yet. A dependency that is live here will report its end; one that is not
 * has ended, and its state in the store (terminal, so stable) decides. One re-read
 * covers a dependency that ended between the read and now.
 */
export async function enqueueJobs(d: QueueIntakeDeps, jobs: readonly QueueEntry[]): Promise<void> {
  const deps = [...new Set(jobs.flatMap((j) => j.dependsOn))];
  let states = new Map<JobId, JobState>();
  for (let attempt = 0; attempt < 3; attempt++) {
    const stale = deps.filter((id) => !d.scheduler.isLive(id) && !isTerminal(states.get(id) ?? "queued"));
    if (stale.length === 0) break;
    for (const j of await d.jobs.getMany(stale)) states.set(j.id, j.state);
    // A dependency still not terminal and not live anywhere after three reads is gone: treat it as failed.
    if (attempt === 2) states = new Map([...states].map(([id, st]) => [id, isTerminal(st) ? st : "failed"]));
  }
  const toQueue: { entry: QueueEntry; unmet: JobId[] }[] = [];
  const doomed: { id: JobId; message: string }[] = [];
  for (const job of jobs) {
    const unmet: JobId[] = [];
    let failedDep: string | undefined;
    for (const dep of job.dependsOn) {
      if (d.scheduler.isLive(dep)) unmet.push(dep);
      else if (states.get(dep) !== "succeeded") failedDep = `session ${dep} ${endedHow(states.get(dep))}`;
    }
    if (failedDep) doomed.push({ id: job.id, message: failedDep });
    else toQueue.push({ entry: job, unmet });
  }
  d.scheduler.enqueue(toQueue);
  for (const { id, message } of doomed) await d.failQueued(id, message);
}

/** Reloads the queue after a restart, page by page, in submission order (dependencies come first). */
export async function reloadQueue(d: QueueIntakeDeps): Promise<void> {
  let afterSeq = 0;
  for (;;) {
    const page = await d.jobs.listQueuedSummaries(afterSeq, RELOAD_PAGE);
    if (page.length === 0) return;
    await enqueueJobs(d, page.map((q) => ({
      id: q.id, owner: q.owner, demand: { cores: q.coresRequest, ramGB: q.ramRequestGB, gpus: q.gpus }, priority: q.priority,
      submitSeq: q.submitSeq, createdAtMs: q.createdAtMs, deadlineSeconds: q.deadlineSeconds, dependsOn: q.dependsOn,
      throttle: q.throttle, notBeforeMs: q.retryAtMs, attempt: q.attempt, attempts: q.retries + 1,
    })));
    afterSeq = page.at(-1)!.submitSeq;
  }
}

/** The dependents of a job that ended without success must fail; this says how. */
export const dependencyFailure = (depId: JobId, state: JobState): string => `session ${depId} ${endedHow(state)}`;
