import type { JobId } from "../domain/ids.js";
import type { QueueEntry } from "./queue-order.js";

/**
 * Queued jobs that wait for other jobs to succeed. A job leaves when its last
 * dependency succeeds (ready) or as soon as one fails or is deleted (failed).
 */
export class DependencyGraph {
  private readonly waiting = new Map<JobId, { entry: QueueEntry; pending: Set<JobId> }>();
  private readonly dependents = new Map<JobId, Set<JobId>>();

  get size(): number {
    return this.waiting.size;
  }

  has(id: JobId): boolean {
    return this.waiting.has(id);
  }

  /** Parks a job until every id in `pending` has succeeded. */
  block(entry: QueueEntry, pending: readonly JobId[]): void {
    this.waiting.set(entry.id, { entry, pending: new Set(pending) });
    for (const dep of pending) {
      let set = this.dependents.get(dep);
      if (!set) this.dependents.set(dep, (set = new Set()));
      set.add(entry.id);
    }
  }

  /** The dependencies a job still waits for, or undefined when it is not waiting here. */
  waitingOn(id: JobId): JobId[] | undefined {
    const w = this.waiting.get(id);
    return w ? [...w.pending] : undefined;
  }

  /** A job ended: its dependents that are now free to run, and those that must fail. */
  resolved(id: JobId, succeeded: boolean): { ready: QueueEntry[]; failed: QueueEntry[] } {
    const ready: QueueEntry[] = [];
    const failed: QueueEntry[] = [];
    for (const dependent of this.dependents.get(id) ?? []) {
      const w = this.waiting.get(dependent);
      if (!w) continue;
      if (!succeeded) {
        this.remove(dependent);
        failed.push(w.entry);
        continue;
      }
      w.pending.delete(id);
      if (w.pending.size === 0) {
        this.remove(dependent);
        ready.push(w.entry);
      }
    }
    this.dependents.delete(id);
    return { ready, failed };
  }

  remove(id: JobId): QueueEntry | undefined {
    const w = this.waiting.get(id);
    if (!w) return undefined;
    this.waiting.delete(id);
    for (const dep of w.pending) {
      const set = this.dependents.get(dep);
      set?.delete(id);
      if (set?.size === 0) this.dependents.delete(dep);
    }
    return w.entry;
  }
}
