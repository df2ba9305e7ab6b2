import { sql, type Expression, type Kysely, type SelectQueryBuilder, type SqlBool } from "kysely";
import { invalid } from "../domain/errors.js";
import type { Database } from "./schema.js";
import type { JobQuery, JobSortField } from "./store.js";

type JobsQuery = SelectQueryBuilder<Database, "jobs", object>;

/** Sort fields and the column (or expression) each sorts on; times that may be absent sort as 0. */
const SORT_COLUMNS: Record<JobSortField, Expression<unknown>> = {
  created: sql`created_at`,
  started: sql`coalesce(started_at, 0)`,
  ended: sql`coalesce(finished_at, 0)`,
  name: sql`name`,
  state: sql`state`,
  owner: sql`owner`,
  image: sql`image`,
  cores: sql`cores_request`,
  ram: sql`ram_request_gb`,
  submitted: sql`submit_seq`,
  changed: sql`updated_seq`,
};

/** Where a page ends: the sort value and id of its last row (opaque to clients). */
interface Cursor {
  readonly v: string | number;
  readonly id: string;
}

export const encodeCursor = (c: Cursor): string => Buffer.from(JSON.stringify([c.v, c.id])).toString("base64url");

function decodeCursor(text: string): Cursor {
  try {
    const [v, id] = JSON.parse(Buffer.from(text, "base64url").toString("utf8")) as [unknown, unknown];
    if ((typeof v === "string" || typeof v === "number") && typeof id === "string") return { v, id };
  } catch {
    // fall through
  }
  throw invalid("Invalid value for 'cursor': it is not one this server gave; start again without it.", { parameter: "cursor" });
}

const escapeLike = (s: string): string => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** The query's filters, as WHERE clauses on `jobs`. */
export function applyFilters(query: JobsQuery, q: JobQuery): JobsQuery {
  let out = query;
  if (q.owner !== undefined) out = out.where("owner", "=", q.owner);
  if (q.visibleAt !== undefined && q.changedAfter === undefined && q.changedAfterSeq === undefined && q.changedUpToSeq === undefined) out = out.where("visible_until", ">", q.visibleAt.getTime());
  if (q.states !== undefined) out = out.where("state", "in", [...q.states]);
  if (q.type !== undefined) out = out.where("type", "=", q.type);
  if (q.arrayId !== undefined) out = out.where("array_id", "=", q.arrayId);
  if (q.name !== undefined) out = "prefix" in q.name ? out.where(sql<SqlBool>`name like ${`${escapeLike(q.name.prefix)}%`} escape '\\'`) : out.where("name", "=", q.name.exact);
  if (q.image !== undefined) out = out.where(sql<SqlBool>`image like ${`%${escapeLike(q.image)}%`} escape '\\'`);
  if (q.changedAfter !== undefined) out = out.where("updated_at", ">", q.changedAfter.getTime());
  if (q.changedAfterSeq !== undefined) out = out.where("updated_seq", ">", q.changedAfterSeq);
  if (q.changedUpToSeq !== undefined) out = out.where("updated_seq", "<=", q.changedUpToSeq);
  if (q.createdFrom !== undefined) out = out.where("created_at", ">=", q.createdFrom.getTime());
  if (q.createdTo !== undefined) out = out.where("created_at", "<", q.createdTo.getTime());
  for (const [key, value] of Object.entries(q.labels ?? {})) {
    out = out.where((eb) => eb.exists(eb.selectFrom("job_labels").select("job_id").whereRef("job_labels.job_id", "=", "jobs.id").where("label_key", "=", key).where("label_value", "=", value)));
  }
  return out;
}

/** The query's order, and its keyset condition when it continues after a cursor; ties break on the id. */
export function applyOrder(query: JobsQuery, q: JobQuery): JobsQuery {
  const sort = q.sort ?? { field: "submitted", descending: false };
  const column = SORT_COLUMNS[sort.field];
  const dir = sort.descending ? sql`desc` : sql`asc`;
  let out = query;
  if (q.cursor !== undefined) {
    const c = decodeCursor(q.cursor);
    const op = sort.descending ? sql`<` : sql`>`;
    out = out.where(sql<SqlBool>`(${column} ${op} ${c.v} or (${column} = ${c.v} and id ${op} ${c.id}))`);
  }
  return out.orderBy(sql`${column} ${dir}`).orderBy(sql`id ${dir}`);
}

/** The sort value of a row, for the next page's cursor. */
export function sortValueOf(row: { created_at: number; started_at: number | null; finished_at: number | null; name: string; state: string; owner: string; image: string; cores_request: number; ram_request_gb: number; submit_seq: number; updated_seq: number }, field: JobSortField): string | number {
  switch (field) {
    case "created": return Number(row.created_at);
    case "started": return Number(row.started_at ?? 0);
    case "ended": return Number(row.finished_at ?? 0);
    case "name": return row.name;
    case "state": return row.state;
    case "owner": return row.owner;
    case "image": return row.image;
    case "cores": return row.cores_request;
    case "ram": return row.ram_request_gb;
    case "submitted": return Number(row.submit_seq);
    case "changed": return Number(row.updated_seq);
  }
}

/** How many jobs match the filters, paging aside. */
export async function countMatching(db: Kysely<Database>, q: JobQuery): Promise<number> {
  const row = await applyFilters(db.selectFrom("jobs"), q).select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirst();
  return Number(row?.n ?? 0);
}
