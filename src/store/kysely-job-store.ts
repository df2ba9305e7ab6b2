import type { Kysely, Selectable, Transaction } from "kysely";
import { AppError } from "../domain/errors.js";
import type { JobId } from "../domain/ids.js";
import { ACTIVE_STATES, canTransition, HOLDS_CAPACITY, type Job, type JobState } from "../domain/job.js";
import type { JobEvent } from "../domain/job-event.js";
import { ChangeSequence } from "./change-sequence.js";
import { applyFilters, applyOrder, countMatching, encodeCursor, sortValueOf } from "./job-query.js";
import { jobToRow, patchToRow, rowToJob } from "./job-rows.js";
import { RecentJobs } from "./recent-jobs.js";
import type { Database, JobsTable } from "./schema.js";
import type { AttemptRecord, EventStore, JobPage, JobPatch, JobQuery, JobStore, NewJobEvent, QueuedSummary, UsageSample } from "./store.js";
import { isUniqueViolation } from "./unique-violation.js";

/** Shared by every job without dependencies, so 100,000 queued jobs do not hold 100,000 empty arrays. */
const NO_DEPENDENCIES: readonly JobId[] = Object.freeze([]);

/** Rows per INSERT: 49 columns × 400 rows stays under SQLite's 32,766 bound parameters. */
const INSERT_CHUNK = 400;
/** Label rows per INSERT (3 columns each). */
const LABEL_CHUNK = 5000;
/** Ids per `IN (…)` read: under SQLite's 32,766 and PostgreSQL's 65,535 bound parameters. */
const READ_CHUNK = 5000;

type Db = Kysely<Database> | Transaction<Database>;

/** Appends an event, folding it into the previous one when it repeats (kubectl's count). */
async function appendEvent(db: Db, jobId: JobId, e: NewJobEvent): Promise<void> {
  const last = await db.selectFrom("job_events").select(["id", "reason", "message", "count"])
    .where("job_id", "=", jobId).orderBy("id", "desc").limit(1).executeTakeFirst();
  if (last && last.reason === e.reason && last.message === e.message) {
    await db.updateTable("job_events").set({ count: last.count + 1, last_at: e.at.getTime() }).where("id", "=", last.id).execute();
    return;
  }
  const at = e.at.getTime();
  await db.insertInto("job_events").values({ job_id: jobId, type: e.type, reason: e.reason, message: e.message, first_at: at, last_at: at, count: 1 }).execute();
}

/** One page of a keyset-paged query, with the total before paging and the cursor of the next page. */
async function pageOf(db: Kysely<Database>, q: JobQuery & { readonly limit: number }): Promise<JobPage> {
  const field = q.sort?.field ?? "submitted";
  const [rows, total] = await Promise.all([
    applyOrder(applyFilters(db.selectFrom("jobs"), q), q).selectAll().limit(q.limit + 1).execute(),
    countMatching(db, { ...q, cursor: undefined }),
  ]);
  const more = rows.length > q.limit;
  const page = more ? rows.slice(0, q.limit) : rows;
  const last = page.at(-1);
  return { jobs: page.map(rowToJob), total, nextCursor: more && last ? encodeCursor({ v: sortValueOf(last, field), id: last.id }) : null };
}

type QueuedRow = Pick<Selectable<JobsTable>, "id" | "owner" | "cores_request" | "ram_request_gb" | "gpus" | "priority" | "submit_seq" | "created_at" | "deadline_seconds" | "depends_on_json" | "throttle_key" | "throttle_max" | "retry_at" | "attempt" | "retries">;

const queuedSummaryOf = (r: QueuedRow): QueuedSummary => ({
  id: r.id as JobId,
  owner: r.owner,
  coresRequest: r.cores_request,
  ramRequestGB: r.ram_request_gb,
  gpus: r.gpus,
  priority: r.priority,
  submitSeq: Number(r.submit_seq),
  createdAtMs: Number(r.created_at),
  deadlineSeconds: r.deadline_seconds,
  dependsOn: r.depends_on_json ? (JSON.parse(r.depends_on_json) as JobId[]) : NO_DEPENDENCIES,
  throttle: r.throttle_key !== null && r.throttle_max !== null ? { key: r.throttle_key, max: r.throttle_max } : null,
  retryAtMs: Number(r.retry_at ?? 0),
  attempt: r.attempt,
  retries: r.retries,
});

/** Usage readings and the counts by owner: the store's figures for the usage plot, accounting and the queue view. */
function usageMethods(db: Kysely<Database>): Pick<JobStore, "recordUsage" | "addUsageSamples" | "listUsageSamples" | "activeByOwner"> {
  return {
    async recordUsage(jobId: JobId, sample: UsageSample, cpuSeconds: number): Promise<void> {
      // A reading is not a change of the session: no change number, so pollers and streams are not woken every 10 s.
      await db.transaction().execute(async (tx) => {
        await tx.insertInto("usage_samples").values({ job_id: jobId, at: sample.at.getTime(), cpu_cores: sample.cpuCores, ram_bytes: Math.round(sample.ramBytes) })
          .onConflict((oc) => oc.columns(["job_id", "at"]).doNothing()).execute();
        await tx.updateTable("jobs").set({ cpu_seconds: cpuSeconds }).where("id", "=", jobId).execute();
      });
    },

    async addUsageSamples(samples): Promise<void> {
      if (samples.length === 0) return;
      await db.insertInto("usage_samples").values(samples.map((s) => ({ job_id: s.jobId, at: s.at.getTime(), cpu_cores: s.cpuCores, ram_bytes: s.ramBytes })))
        .onConflict((oc) => oc.columns(["job_id", "at"]).doNothing()).execute();
    },

    async listUsageSamples(jobId: JobId): Promise<UsageSample[]> {
      const rows = await db.selectFrom("usage_samples").selectAll().where("job_id", "=", jobId).orderBy("at", "asc").execute();
      return rows.map((r) => ({ at: new Date(Number(r.at)), cpuCores: r.cpu_cores, ramBytes: Number(r.ram_bytes) }));
    },

    async activeByOwner() {
      const rows = await db.selectFrom("jobs").select(["owner", "state", (eb) => eb.fn.countAll<number>().as("n"), (eb) => eb.fn.sum<number>("cores_request").as("cores")])
        .where("state", "in", [...ACTIVE_STATES]).groupBy(["owner", "state"]).execute();
      return rows.map((r) => ({ owner: r.owner, state: r.state as JobState, jobs: Number(r.n), cores: Number(r.cores) }));
    },
  };
}

export function createKyselyJobStore(db: Kysely<Database>, changes: ChangeSequence): JobStore {
  /** Every state or field change gets the next change number and time, settled once the write has ended. */
  const changing = <T>(write: (stamp: { updated_seq: number; updated_at: number }) => Promise<T>): Promise<T> =>
    changes.around(1, ({ first, at }) => write({ updated_seq: first, updated_at: at }));
  const recent = new RecentJobs();
  /** By id, in chunks that stay under every driver's limit on bound values. */
  const readMany = async (ids: readonly JobId[]): Promise<Job[]> => {
    const out: Job[] = [];
    for (let i = 0; i < ids.length; i += READ_CHUNK) {
      const rows = await db.selectFrom("jobs").selectAll().where("id", "in", ids.slice(i, i + READ_CHUNK)).execute();
      for (const r of rows) out.push(rowToJob(r));
    }
    return out;
  };
  return {
    ...usageMethods(db),

    async insertMany(jobs: readonly Job[]): Promise<Job[]> {
      if (jobs.length === 0) return [];
      return changes.around(jobs.length, async ({ first }) => {
        const stored = jobs.map((j, i) => ({ ...j, updatedSeq: first + i }));
        const rows = stored.map(jobToRow);
        const labels = stored.flatMap((j) => Object.entries(j.labels).map(([label_key, label_value]) => ({ job_id: j.id, label_key, label_value })));
        try {
          if (rows.length <= INSERT_CHUNK && labels.length === 0) {
            await db.insertInto("jobs").values(rows).execute(); // one statement is atomic by itself
          } else {
            await db.transaction().execute(async (tx) => {
              for (let i = 0; i < rows.length; i += INSERT_CHUNK) await tx.insertInto("jobs").values(rows.slice(i, i + INSERT_CHUNK)).execute();
              for (let i = 0; i < labels.length; i += LABEL_CHUNK) await tx.insertInto("job_labels").values(labels.slice(i, i + LABEL_CHUNK)).execute();
            });
          }
        } catch (e) {
          if (isUniqueViolation(e)) throw new AppError("CONFLICT", "a job id is already taken", {}, { cause: e });
          throw e;
        }
        return stored;
      });
    },

    async get(id: JobId): Promise<Job | undefined> {
      const row = await db.selectFrom("jobs").selectAll().where("id", "=", id).executeTakeFirst();
      return row ? rowToJob(row) : undefined;
    },

    getMany: readMany,

    async list(q: JobQuery): Promise<Job[]> {
      let query = applyOrder(applyFilters(db.selectFrom("jobs"), q), q).select(["id", "updated_seq", "cpu_seconds"]);
      if (q.limit !== undefined) query = query.limit(q.limit);
      return recent.resolve(await query.execute(), readMany);
    },

    page: (q) => pageOf(db, q),

    lastChangeSeq: async () => changes.current(),
    settledChangeSeq: async () => changes.settled(),
    onChange: (listener) => changes.onSettled(listener),

    async recordAttempt(jobId: JobId, a: AttemptRecord): Promise<void> {
      await db.insertInto("job_attempts").values({ job_id: jobId, attempt: a.attempt, started_at: a.startedAt?.getTime() ?? null, finished_at: a.finishedAt.getTime(), exit_code: a.exitCode, reason: a.reason })
        .onConflict((oc) => oc.columns(["job_id", "attempt"]).doNothing()).execute();
    },

    async listAttempts(jobId: JobId): Promise<AttemptRecord[]> {
      const rows = await db.selectFrom("job_attempts").selectAll().where("job_id", "=", jobId).orderBy("attempt", "asc").execute();
      return rows.map((r) => ({ attempt: r.attempt, startedAt: r.started_at === null ? null : new Date(Number(r.started_at)), finishedAt: new Date(Number(r.finished_at)), exitCode: r.exit_code, reason: r.reason }));
    },

    async listLive(): Promise<Job[]> {
      const rows = await db.selectFrom("jobs").selectAll().where("state", "in", [...HOLDS_CAPACITY]).orderBy("submit_seq", "asc").execute();
      return rows.map(rowToJob);
    },

    async listQueuedSummaries(afterSeq: number, limit: number): Promise<QueuedSummary[]> {
      const rows = await db.selectFrom("jobs")
        .select(["id", "owner", "cores_request", "ram_request_gb", "gpus", "priority", "submit_seq", "created_at", "deadline_seconds", "depends_on_json", "throttle_key", "throttle_max", "retry_at", "attempt", "retries"])
        .where("state", "=", "queued").where("submit_seq", ">", afterSeq).orderBy("submit_seq", "asc").limit(limit).execute();
      return rows.map(queuedSummaryOf);
    },

    async listActive(): Promise<Job[]> {
      const rows = await db.selectFrom("jobs").selectAll().where("state", "in", [...ACTIVE_STATES]).orderBy("submit_seq", "asc").execute();
      return rows.map(rowToJob);
    },

    async transition(id: JobId, from: readonly JobState[], to: JobState, patch: JobPatch = {}, event?: NewJobEvent): Promise<Job | undefined> {
      // The state machine is enforced here, for every caller: a move it does not allow is a bug or a race, never applied.
      const illegal = from.filter((f) => !canTransition(f, to));
      if (illegal.length > 0) {
        throw new AppError("JOB_ILLEGAL_TRANSITION", `session ${id} cannot move from ${illegal.join(", ")} to ${to}`, { jobId: id, from: illegal, to });
      }
      return changing(async (stamp) => {
        const apply = async (tx: Db): Promise<Job | undefined> => {
          const row = await tx.updateTable("jobs").set({ ...patchToRow(patch), state: to, ...stamp })
            .where("id", "=", id).where("state", "in", [...from]).returningAll().executeTakeFirst();
          if (!row) return undefined;
          if (event) await appendEvent(tx, id, event);
          return rowToJob(row);
        };
        return event ? db.transaction().execute(apply) : apply(db);
      });
    },

    async update(id: JobId, patch: JobPatch, event?: NewJobEvent): Promise<Job | undefined> {
      const set = patchToRow(patch);
      const write = async (stamp: { updated_seq: number; updated_at: number } | undefined): Promise<Job | undefined> => {
        const apply = async (tx: Db): Promise<Job | undefined> => {
          const row = stamp
            ? await tx.updateTable("jobs").set({ ...set, ...stamp }).where("id", "=", id).returningAll().executeTakeFirst()
            : await tx.selectFrom("jobs").selectAll().where("id", "=", id).executeTakeFirst();
          if (!row) return undefined;
          if (event) await appendEvent(tx, id, event);
          return rowToJob(row);
        };
        return event ? db.transaction().execute(apply) : apply(db);
      };
      return Object.keys(set).length > 0 ? changing(write) : write(undefined);
    },

    async purgeFinishedBefore(before: Date, limit: number) {
      return db.transaction().execute(async (tx) => {
        const rows = await tx.selectFrom("jobs").select(["id", "attempt"]).where("finished_at", "<", before.getTime()).limit(limit).execute();
        const ids = rows.map((r) => r.id);
        if (ids.length === 0) return [];
        await tx.deleteFrom("job_events").where("job_id", "in", ids).execute();
        await tx.deleteFrom("job_labels").where("job_id", "in", ids).execute();
        await tx.deleteFrom("job_attempts").where("job_id", "in", ids).execute();
        await tx.deleteFrom("usage_samples").where("job_id", "in", ids).execute();
        await tx.deleteFrom("jobs").where("id", "in", ids).execute();
        return rows.map((r) => ({ id: r.id as JobId, attempts: r.attempt }));
      });
    },

    async maxSubmitSeq(): Promise<number> {
      const row = await db.selectFrom("jobs").select((eb) => eb.fn.max("submit_seq").as("seq")).executeTakeFirst();
      return Number(row?.seq ?? 0);
    },

    async countByState(): Promise<Partial<Record<JobState, number>>> {
      const rows = await db.selectFrom("jobs").select(["state", (eb) => eb.fn.countAll<number>().as("n")])
        .where("state", "in", [...ACTIVE_STATES]).groupBy("state").execute();
      return Object.fromEntries(rows.map((r) => [r.state, Number(r.n)]));
    },
  };
}

export function createKyselyEventStore(db: Kysely<Database>): EventStore {
  return {
    append: (jobId, event) => appendEvent(db, jobId, event),
    async list(jobId: JobId): Promise<JobEvent[]> {
      const rows = await db.selectFrom("job_events").selectAll().where("job_id", "=", jobId).orderBy("id", "asc").execute();
      return rows.map((r) => ({
        type: r.type === "Warning" ? "Warning" : "Normal",
        reason: r.reason,
        message: r.message,
        firstAt: new Date(Number(r.first_at)),
        lastAt: new Date(Number(r.last_at)),
        count: r.count,
      }));
    },
  };
}
