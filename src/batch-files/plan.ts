import type { SessionSetRequest } from "../contracts/session-request.js";

/**
 * What a legacy batch file asks for, translated: the sets of sessions to create (an
 * HTCondor cluster, a DAG node, a Slurm job or array), in an order where every set
 * comes after the sets it depends on, plus what the translation could only approximate.
 */
export interface BatchPlan {
  readonly kind: "htcondor" | "dagman" | "slurm";
  /**
   * The number the legacy tool would print and the jobs see: HTCondor's first
   * `$(Cluster)` (the DAG's own cluster for a DAG), Slurm's job id (`%j`, `%A`).
   */
  readonly jobNumber: number;
  readonly sets: readonly PlannedSet[];
  /** Constructs accepted with a difference from the legacy system, one note per file line. */
  readonly warnings: readonly TranslationNote[];
}

/** One set of the plan: one create request. */
export interface PlannedSet extends SessionSetRequest {
  /** For people: `cluster 1234`, `node A`, `job 1234`. */
  readonly title: string;
  /** HTCondor's job event log (`log = …`), as a path on /arc; skyrun does not write it yet. */
  readonly eventLog?: string;
  /**
   * Jobs submitted earlier that this set waits for (Slurm `--dependency=afterok:…`), as
   * the user wrote them: a job number skyrun printed (`1234`, `1234_7`) or a session id.
   * The caller turns them into ids.
   */
  readonly afterJobs?: readonly string[];
}

/** Something about one line of a batch file: where, and what. */
export interface TranslationNote {
  readonly file: string;
  /** 1-based; 0 when the note is about the file as a whole. */
  readonly line: number;
  readonly message: string;
}

/** Collects notes, once per file, line and message. */
export class NoteList {
  private readonly seen = new Set<string>();
  readonly notes: TranslationNote[] = [];

  add(file: string, line: number, message: string): void {
    const key = `${file}\0${line}\0${message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.notes.push({ file, line, message });
  }
}

/** `file:line: message`, as compilers write it. */
export const formatNote = (n: TranslationNote): string => `${n.file}${n.line > 0 ? `:${n.line}` : ""}: ${n.message}`;
