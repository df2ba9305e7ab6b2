import type { JobId } from "../domain/ids.js";
import { compareEntryKeys, compareUserKeys, type EntryKey, type QueueEntry, type UserKey } from "./queue-order.js";
import { SortedTree } from "./sorted-tree.js";

interface UserQueue {
  readonly name: string;
  readonly jobs: SortedTree<EntryKey, QueueEntry>;
  /** The user's key in the index, or undefined while they have no queued job. */
  key: UserKey | undefined;
}

interface Slot {
  readonly entry: QueueEntry;
  readonly owner: UserQueue;
  key: EntryKey;
}

export interface ReadyQueueOptions {
  /** The size of a request, for "smaller first" (its dominant share). */
  readonly sizeOf: (entry: QueueEntry) => number;
  /** A user's fair-share rank: lower goes first. */
  readonly usageOf: (user: string) => number;
}

/**
 * Jobs ready to start (their dependencies met), in the order of `queue-order.ts`:
 * a B+ tree per user, and an index of users by their best job. Adding, removing and
 * re-ranking a user cost O(log n); walking the queue in order is a k-way merge over
 * the users, O(log u) per job visited, so a pass looks at the jobs it needs and no more.
 */
export class ReadyQueue {
  private readonly users = new Map<string, UserQueue>();
  private readonly index = new SortedTree<UserKey, UserQueue>(undefined, compareUserKeys);
  private readonly slots = new Map<JobId, Slot>();
  /** Not-yet-aged jobs in arrival order: the front is the oldest, so ageing pops from it. */
  private readonly unaged = new Map<JobId, Slot>();

  constructor(private readonly o: ReadyQueueOptions) {}

  get size(): number {
    return this.slots.size;
  }

  has(id: JobId): boolean {
    return this.slots.has(id);
  }

  get(id: JobId): QueueEntry | undefined {
    return this.slots.get(id)?.entry;
  }

  /** Where a queued job stands in its owner's queue, for comparing it with others. */
  keyOf(id: JobId): EntryKey | undefined {
    return this.slots.get(id)?.key;
  }

  add(entry: QueueEntry, aged = false): void {
    if (this.slots.has(entry.id)) return;
    let owner = this.users.get(entry.owner);
    if (!owner) this.users.set(entry.owner, (owner = { name: entry.owner, jobs: new SortedTree<EntryKey, QueueEntry>(undefined, compareEntryKeys), key: undefined }));
    const key: EntryKey = { priority: entry.priority, aged, size: this.o.sizeOf(entry), seq: entry.submitSeq };
    const slot: Slot = { entry, owner, key };
    this.slots.set(entry.id, slot);
    if (!aged) this.unaged.set(entry.id, slot);
    owner.jobs.set(key, entry);
    this.reindex(owner);
  }

  remove(id: JobId): QueueEntry | undefined {
    const slot = this.slots.get(id);
    if (!slot) return undefined;
    this.slots.delete(id);
    this.unaged.delete(id);
    slot.owner.jobs.delete(slot.key);
    this.reindex(slot.owner);
    return slot.entry;
  }

  /** Moves jobs that waited longer than `agingMs` ahead of newer ones. Returns how many moved. */
  age(nowMs: number, agingMs: number): number {
    let moved = 0;
    for (const [id, slot] of this.unaged) {
      if (nowMs - slot.entry.createdAtMs < agingMs) break; // arrival order: the rest are younger
      this.unaged.delete(id);
      slot.owner.jobs.delete(slot.key);
      slot.key = { ...slot.key, aged: true };
      slot.owner.jobs.set(slot.key, slot.entry);
      this.reindex(slot.owner);
      moved++;
    }
    return moved;
  }

  /** Re-ranks a user whose fair-share usage changed. */
  usageChanged(user: string): void {
    const owner = this.users.get(user);
    if (owner) this.reindex(owner);
  }

  private reindex(owner: UserQueue): void {
    if (owner.key) this.index.delete(owner.key);
    const head = owner.jobs.minKey();
    if (head === undefined) {
      owner.key = undefined;
      this.users.delete(owner.name);
      return;
    }
    owner.key = { head, usage: this.o.usageOf(owner.name), user: owner.name };
    this.index.set(owner.key, owner);
  }

  /**
   * The queue in order. `skipUser` is asked before each job; a user it names is left
   * out for the rest of the walk (a user at their limit). Safe to remove visited jobs
   * while walking.
   */
  *inOrder(skipUser: (user: string) => boolean = () => false): Generator<QueueEntry> {
    // Cursors ordered by the key of the job each points at, with that user's usage.
    const cursors = new SortedTree<UserKey, UserQueue>(undefined, compareUserKeys);
    for (const [key, owner] of this.index.entries()) cursors.set(key, owner);
    for (;;) {
      const top = cursors.minKey();
      if (top === undefined) return;
      const owner = cursors.get(top)!;
      cursors.delete(top);
      if (skipUser(owner.name)) continue;
      const entry = owner.jobs.get(top.head);
      const next = owner.jobs.nextHigherKey(top.head);
      if (next !== undefined) cursors.set({ head: next, usage: top.usage, user: owner.name }, owner);
      if (entry) yield entry;
    }
  }
}
