import { sql, type Kysely, type Transaction } from "kysely";
import { invalid } from "../domain/errors.js";
import type { JobHistoryEntry } from "../domain/job-history.js";
import type { JobId } from "../domain/ids.js";
import type { Clock } from "../domain/clock.js";
import type { AccountingStore, HistoryPage, HistoryQuery, OutboxMessage, SetProgress, UnrecordedEnding, UsageBucket, UsageQuery } from "./accounting-store.js";
import { addSums, entryToRow, rowToEntry, SUM_COLUMNS, sumsOf, toFigures } from "./history-rows.js";
import { rowToJob } from "./job-rows.js";
import type { Database, UsageSums } from "./schema.js";
import type { AttemptRecord } from "./store.js";
import { dayOf } from "../domain/accounting-days.js";

const ENDED_STATES = ["succeeded", "failed", "cancelled"] as const;
/** History rows per INSERT: 29 columns × 1000 rows stays under SQLite's 32,766 bound parameters. */
const HISTORY_CHUNK = 1000;
/** Rollup rows per INSERT (13 columns each). */
const SUMS_CHUNK = 2000;
/** Ids per IN (…) list. */
const ID_CHUNK = 1000;

type Db = Kysely<Database> | Transaction<Database>;

const chunks = <T>(items: readonly T[], size: number): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
};

const zeroSums = (): UsageSums => ({ jobs: 0, failures: 0, wall_seconds: 0, core_seconds: 0, gpu_seconds: 0, ram_gb_seconds: 0, cpu_seconds: 0, sampled_core_seconds: 0 });

/** Sums the new entries by rollup key, so each upsert statement touches a key once (PostgreSQL refuses twice). */
function rollups(entries: readonly JobHistoryEntry[]) {
  const daily = new Map<string, { day: number; owner: string; groups_text: string; project: string; image: string; sums: UsageSums }>();
  const labels = new Map<string, { label_key: string; day: number; owner: string; label_value: string; sums: UsageSums }>();
  for (const e of entries) {
    const day = dayOf(e.finishedAt);
    const s = sumsOf(e);
    const groups_text = e.groups.join(",");
    const project = e.project ?? "";
    const k = JSON.stringify([day, e.owner, groups_text, project, e.image]);
    const d = daily.get(k) ?? { day, owner: e.owner, groups_text, project, image: e.image, sums: zeroSums() };
    addSums(d.sums, s);
    daily.set(k, d);
    for (const [label_key, label_value] of Object.entries(e.labels)) {
      const lk = JSON.stringify([label_key, day, e.owner, label_value]);
      const l = labels.get(lk) ?? { label_key, day, owner: e.owner, label_value, sums: zeroSums() };
      addSums(l.sums, s);
      labels.set(lk, l);
    }
  }
  return { daily: [...daily.values()].map(({ sums, ...key }) => ({ ...key, ...sums })), labels: [...labels.values()].map(({ sums, ...key }) => ({ ...key, ...sums })) };
}

/** `SET col = table.col + excluded.col` for every summed column. */
function addExcluded(table: "usage_daily" | "usage_label_daily") {
  return Object.fromEntries(SUM_COLUMNS.map((c) => [c, sql`${sql.ref(`${table}.${c}`)} + ${sql.ref(`excluded.${c}`)}`]));
}

const sumSelections = SUM_COLUMNS.map((c) => sql<number>`sum(${sql.ref(c)})`.as(c));

interface HistoryCursor {
  readonly at: number;
  readonly id: string;
}
const encodeCursor = (c: HistoryCursor): string => Buffer.from(JSON.stringify([c.at, c.id])).toString("base64url");
function decodeCursor(text: string): HistoryCursor {
  try {
    const [at, id] = JSON.parse(Buffer.from(text, "base64url").toString("utf8")) as [unknown, unknown];
    if (typeof at === "number" && typeof id === "string") return { at, id };
  } catch {
    // fall through
  }
  throw invalid("Invalid value for 'cursor': it is not one this server gave; start again without it.", { parameter: "cursor" });
}

async function existingHistory(tx: Db, ids: readonly string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (const part of chunks(ids, ID_CHUNK)) {
    const rows = await tx.selectFrom("job_history").select("job_id").where("job_id", "in", part).execute();
    for (const r of rows) found.add(r.job_id);
  }
  return found;
}

async function insertRollups(tx: Db, entries: readonly JobHistoryEntry[]): Promise<void> {
  const { daily, labels } = rollups(entries);
  for (const part of chunks(daily, SUMS_CHUNK)) {
    await tx.insertInto("usage_daily").values(part)
      .onConflict((oc) => oc.columns(["day", "owner", "groups_text", "project", "image"]).doUpdateSet(addExcluded("usage_daily"))).execute();
  }
  for (const part of chunks(labels, SUMS_CHUNK)) {
    await tx.insertInto("usage_label_daily").values(part)
      .onConflict((oc) => oc.columns(["label_key", "day", "owner", "label_value"]).doUpdateSet(addExcluded("usage_label_daily"))).execute();
  }
}

async function queueMessages(tx: Db, messages: readonly OutboxMessage[]): Promise<void> {
  for (const m of messages) {
    await tx.insertInto("notification_outbox").values({
      id: m.id, dedup_key: m.dedupKey, owner: m.owner, url: m.url, event: m.event, body: m.body, state: "pending",
      next_attempt_at: m.createdAt.getTime(), created_at: m.createdAt.getTime(),
      last_attempt_at: null, last_status: null, last_error: null, delivered_at: null,
    }).onConflict((oc) => oc.column("dedup_key").doNothing()).execute();
  }
}

/** Figures per key and day for a plain dimension (a column of usage_daily). */
async function usageByColumn(db: Kysely<Database>, q: UsageQuery, column: "owner" | "groups_text" | "project" | "image"): Promise<UsageBucket[]> {
  let query = db.selectFrom("usage_daily").select([sql.ref<string>(column).as("key"), "day", ...sumSelections])
    .where("day", ">=", q.fromDay).where("day", "<=", q.toDay);
  if (q.owner !== undefined) query = query.where("owner", "=", q.owner);
  const rows = await query.groupBy([column, "day"]).execute();
  return rows.map((r) => ({ key: r.key, day: Number(r.day), ...toFigures(r) }));
}

/** A job of an owner in several groups counts once under each of them. */
function splitGroups(buckets: readonly UsageBucket[]): UsageBucket[] {
  const out = new Map<string, UsageBucket>();
  for (const b of buckets) {
    for (const key of b.key === "" ? [""] : b.key.split(",")) {
      const k = `${key}\u0000${b.day}`;
      const prev = out.get(k);
      out.set(k, prev ? addFigures(prev, b, key) : { ...b, key });
    }
  }
  return [...out.values()];
}

const FIGURES = ["jobs", "failures", "wallSeconds", "coreSeconds", "gpuSeconds", "ramGBSeconds", "cpuSeconds", "sampledCoreSeconds"] as const;

function addFigures(a: UsageBucket, b: UsageBucket, key: string, sign = 1): UsageBucket {
  const out: Record<string, number | string> = { key, day: a.day };
  for (const f of FIGURES) out[f] = a[f] + sign * b[f];
  return out as unknown as UsageBucket;
}

/** Figures per value of one label, plus key "" for the jobs without it (the day's total less the labelled ones). */
async function usageByLabel(db: Kysely<Database>, q: UsageQuery, labelKey: string): Promise<UsageBucket[]> {
  let query = db.selectFrom("usage_label_daily").select(["label_value as key", "day", ...sumSelections])
    .where("label_key", "=", labelKey).where("day", ">=", q.fromDay).where("day", "<=", q.toDay);
  if (q.owner !== undefined) query = query.where("owner", "=", q.owner);
  const labelled = (await query.groupBy(["label_value", "day"]).execute()).map((r) => ({ key: r.key, day: Number(r.day), ...toFigures(r) }));
  let totals = db.selectFrom("usage_daily").select([sql<string>`''`.as("key"), "day", ...sumSelections]).where("day", ">=", q.fromDay).where("day", "<=", q.toDay);
  if (q.owner !== undefined) totals = totals.where("owner", "=", q.owner);
  const unlabelled = new Map((await totals.groupBy("day").execute()).map((r) => [Number(r.day), { key: "", day: Number(r.day), ...toFigures(r) }]));
  for (const b of labelled) {
    const rest = unlabelled.get(b.day);
    if (rest) unlabelled.set(b.day, addFigures(rest, b, "", -1));
  }
  // Subtracting sums of floating-point figures leaves dust: a day whose jobs all carry the label has no "" row.
  return [...labelled, ...[...unlabelled.values()].filter((b) => b.jobs > 0).map(clampDust)];
}

const clampDust = (b: UsageBucket): UsageBucket => {
  const out: Record<string, number | string> = { ...b };
  for (const f of FIGURES) out[f] = Math.abs(b[f]) < 1e-6 ? 0 : b[f];
  return out as unknown as UsageBucket;
};

/** The accounting store on either driver. */
export function createKyselyAccountingStore(db: Kysely<Database>, clock: Clock): AccountingStore {
  return {
    async listUnrecorded(afterSeq: number, limit: number): Promise<UnrecordedEnding[]> {
      const rows = await db.selectFrom("jobs").selectAll("jobs")
        .where("state", "in", [...ENDED_STATES]).where("updated_seq", ">", afterSeq)
        .where((eb) => eb.not(eb.exists(eb.selectFrom("job_history").select("job_history.job_id").whereRef("job_history.job_id", "=", "jobs.id"))))
        .orderBy("updated_seq", "asc").limit(limit).execute();
      if (rows.length === 0) return [];
      const ids = rows.map((r) => r.id);
      const attempts = new Map<string, AttemptRecord[]>();
      const peaks = new Map<string, number>();
      for (const part of chunks(ids, ID_CHUNK)) {
        const a = await db.selectFrom("job_attempts").selectAll().where("job_id", "in", part).orderBy("job_id").orderBy("attempt").execute();
        for (const r of a) {
          const list = attempts.get(r.job_id) ?? [];
          list.push({ attempt: r.attempt, startedAt: r.started_at === null ? null : new Date(Number(r.started_at)), finishedAt: new Date(Number(r.finished_at)), exitCode: r.exit_code, reason: r.reason });
          attempts.set(r.job_id, list);
        }
        const u = await db.selectFrom("usage_samples").select(["job_id", (eb) => eb.fn.max("ram_bytes").as("peak")]).where("job_id", "in", part).groupBy("job_id").execute();
        for (const r of u) peaks.set(r.job_id, Number(r.peak));
      }
      return rows.map((r) => ({
        job: rowToJob(r),
        earlierAttempts: attempts.get(r.id) ?? [],
        sampled: peaks.has(r.id) || r.cpu_seconds > 0,
        peakRamBytes: peaks.get(r.id) ?? null,
      }));
    },

    async firstSubmitSeqs(setIds: readonly string[]): Promise<Map<string, number>> {
      const out = new Map<string, number>();
      const keep = (id: string | null, seq: unknown) => {
        if (id === null || seq === null) return;
        const n = Number(seq);
        out.set(id, Math.min(out.get(id) ?? n, n));
      };
      for (const part of chunks([...new Set(setIds)], ID_CHUNK)) {
        const kept = await db.selectFrom("jobs").select(["array_id", (eb) => eb.fn.min("submit_seq").as("seq")]).where("array_id", "in", part).groupBy("array_id").execute();
        for (const r of kept) keep(r.array_id, r.seq);
        const past = await db.selectFrom("job_history").select(["set_id", (eb) => eb.fn.min("submit_seq").as("seq")]).where("set_id", "in", part).groupBy("set_id").execute();
        for (const r of past) keep(r.set_id, r.seq);
      }
      return out;
    },

    async setProgress(setId: string): Promise<SetProgress> {
      const kept = await db.selectFrom("jobs")
        .select(["state", (eb) => eb.fn.countAll().as("n"), (eb) => eb.fn.min("created_at").as("first"), (eb) => eb.fn.max("finished_at").as("last")])
        .where("array_id", "=", setId).groupBy("state").execute();
      const past = await db.selectFrom("job_history")
        .select(["outcome as state", (eb) => eb.fn.countAll().as("n"), (eb) => eb.fn.min("queued_at").as("first"), (eb) => eb.fn.max("finished_at").as("last")])
        .where("set_id", "=", setId)
        .where((eb) => eb.not(eb.exists(eb.selectFrom("jobs").select("jobs.id").whereRef("jobs.id", "=", "job_history.job_id"))))
        .groupBy("outcome").execute();
      const counts = { total: 0, active: 0, succeeded: 0, failed: 0, cancelled: 0 };
      let first: number | null = null;
      let last: number | null = null;
      for (const r of [...kept, ...past]) {
        const n = Number(r.n);
        counts.total += n;
        if (r.state === "succeeded" || r.state === "failed" || r.state === "cancelled") counts[r.state] += n;
        else counts.active += n;
        first = Math.min(first ?? Number(r.first), Number(r.first));
        if (r.last !== null) last = Math.max(last ?? Number(r.last), Number(r.last));
      }
      const name = (await db.selectFrom("jobs").select("name").where("array_id", "=", setId).orderBy("submit_seq").limit(1).executeTakeFirst())?.name
        ?? (await db.selectFrom("job_history").select("name").where("set_id", "=", setId).orderBy("submit_seq").limit(1).executeTakeFirst())?.name
        ?? null;
      return { ...counts, firstCreatedAt: first === null ? null : new Date(first), lastFinishedAt: last === null ? null : new Date(last), firstName: name };
    },

    async record(entries: readonly JobHistoryEntry[], messages: readonly OutboxMessage[]): Promise<number> {
      if (entries.length === 0 && messages.length === 0) return 0;
      const recordedAt = clock.now().getTime();
      return db.transaction().execute(async (tx) => {
        const existing = await existingHistory(tx, entries.map((e) => e.jobId));
        const seen = new Set<JobId>();
        const fresh: JobHistoryEntry[] = [];
        for (const e of entries) {
          if (existing.has(e.jobId) || seen.has(e.jobId)) continue;
          seen.add(e.jobId);
          fresh.push(e);
        }
        for (const part of chunks(fresh, HISTORY_CHUNK)) await tx.insertInto("job_history").values(part.map((e) => entryToRow(e, recordedAt))).execute();
        await insertRollups(tx, fresh);
        await queueMessages(tx, messages);
        return fresh.length;
      });
    },

    async usage(q: UsageQuery): Promise<UsageBucket[]> {
      if (typeof q.by === "object") return usageByLabel(db, q, q.by.label);
      if (q.by === "group") return splitGroups(await usageByColumn(db, q, "groups_text"));
      return usageByColumn(db, q, q.by === "user" ? "owner" : q.by);
    },

    async usageTotals(q) {
      let query = db.selectFrom("usage_daily").select(sumSelections).where("day", ">=", q.fromDay).where("day", "<=", q.toDay);
      if (q.owner !== undefined) query = query.where("owner", "=", q.owner);
      // SQL's sum over no rows is NULL, which toFigures reads as 0.
      return toFigures((await query.executeTakeFirst()) ?? zeroSums());
    },

    async history(q: HistoryQuery): Promise<HistoryPage> {
      let query = db.selectFrom("job_history").selectAll().where("end_day", ">=", q.fromDay).where("end_day", "<=", q.toDay);
      if (q.owner !== undefined) query = query.where("owner", "=", q.owner);
      if (q.cursor !== undefined) {
        const c = decodeCursor(q.cursor);
        query = query.where((eb) => eb.or([eb("finished_at", ">", c.at), eb.and([eb("finished_at", "=", c.at), eb("job_id", ">", c.id)])]));
      }
      // end_day follows finished_at, so this order is the indexes' order.
      const rows = await query.orderBy("end_day").orderBy("finished_at").orderBy("job_id").limit(q.limit + 1).execute();
      const more = rows.length > q.limit;
      const page = more ? rows.slice(0, q.limit) : rows;
      const last = page.at(-1);
      return { entries: page.map(rowToEntry), nextCursor: more && last ? encodeCursor({ at: Number(last.finished_at), id: last.job_id }) : null };
    },
  };
}
