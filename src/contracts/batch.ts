/**
 * `GET /batches` (skyrun, issue 12): the caller's sessions grouped as `condor_q`'s
 * batch view shows them, one row per set, DAG or label group, with counts by state.
 */

/** How sessions are grouped: a DAG's (else a set's, else each alone), a set's, or a label's values. */
export type BatchGrouping = "dag" | "set" | `label:${string}`;

export interface BatchJson {
  /** `dag:<name>#<dag.id>`, `set:<set id>`, `label:<key>=<value>` or `session:<id>`. */
  readonly key: string;
  readonly kind: "dag" | "set" | "label" | "session";
  /** The DAG's name, the set's name (replicas' `name-N` without `-N`), `key=value`, or the session's name. */
  readonly name: string;
  readonly owner: string;
  /** ISO 8601: when its first session was submitted. */
  readonly submitted: string;
  /** Ended, whatever the outcome. */
  readonly done: number;
  /** Of those, ended Failed (deleted ones included, as their status says). */
  readonly failed: number;
  /** Holding cores on the engine: starting, running or being stopped. */
  readonly run: number;
  /** Queued, free to start as soon as there is room. */
  readonly idle: number;
  /** Queued but not free to start: waiting on dependencies, on their set's or label's `maxRunning`, or on a retry's back-off. */
  readonly hold: number;
  readonly total: number;
  /** The set's id, when the batch is one set. */
  readonly setId?: string;
}
