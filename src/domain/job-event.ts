/** Something that happened to a job, shown by `?view=events` as kubectl shows pod events. */
export interface JobEvent {
  readonly type: "Normal" | "Warning";
  /** One CamelCase word: Queued, Waiting, Pulling, Pulled, Failed, Started, Completed, OOMKilled, DeadlineExceeded, Killing, Deleted… */
  readonly reason: string;
  readonly message: string;
  readonly firstAt: Date;
  readonly lastAt: Date;
  readonly count: number;
}

/** An event as it happens, before the store folds repeats into a count. */
export type NewJobEvent = Omit<JobEvent, "firstAt" | "lastAt" | "count"> & { readonly at: Date };
