import { LRUCache } from "lru-cache";
import type { JobId } from "../domain/ids.js";
import type { Job } from "../domain/job.js";

/** What a listing reads of each row first: enough to tell whether a kept copy is still the row. */
export interface JobStamp {
  readonly id: string;
  readonly updated_seq: number | string;
  readonly cpu_seconds: number;
}

/** Copies kept by default: a few busy users' listings (about 2 KB each). */
const DEFAULT_SIZE = 20_000;

/**
 * Jobs as last read from the store, so that a listing decodes only the rows that changed.
 * Building a job from its 49 columns cost 12 µs a row in SQLite, most of a 300-session
 * listing; reading a row's id and change number costs under 1 µs. A copy is current while
 * its `updatedSeq` is the row's: every change of a job takes a new change number, except
 * the CPU time the usage sampler adds (not a change of the session), which is laid over
 * the copy. Jobs are immutable values, so one copy serves every caller.
 */
export class RecentJobs {
  private readonly copies: LRUCache<string, Job>;

  constructor(size = DEFAULT_SIZE) {
    this.copies = new LRUCache({ max: size });
  }

  /** The jobs the stamps name, in their order: kept copies where current, the rest read by `fetch`. */
  async resolve(stamps: readonly JobStamp[], fetch: (ids: readonly JobId[]) => Promise<Job[]>): Promise<Job[]> {
    const out = new Array<Job | undefined>(stamps.length);
    const missing: JobId[] = [];
    for (let i = 0; i < stamps.length; i++) {
      const s = stamps[i]!;
      const copy = this.copies.get(s.id);
      if (copy && copy.updatedSeq === Number(s.updated_seq)) out[i] = copy.cpuSeconds === s.cpu_seconds ? copy : this.keep({ ...copy, cpuSeconds: s.cpu_seconds });
      else missing.push(s.id as JobId);
    }
    if (missing.length > 0) {
      const read = new Map((await fetch(missing)).map((j) => [j.id as string, this.keep(j)]));
      for (let i = 0; i < stamps.length; i++) out[i] ??= read.get(stamps[i]!.id);
    }
    // A row deleted between the two reads (a purge) is left out, as if read a moment later.
    return out.filter((j): j is Job => j !== undefined);
  }

  /** Keeps a job just read or written, and returns it. */
  private keep(job: Job): Job {
    this.copies.set(job.id, job);
    return job;
  }
}
