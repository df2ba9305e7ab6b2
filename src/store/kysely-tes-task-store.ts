import { sql, type Kysely } from "kysely";
import type { JobId } from "../domain/ids.js";
import type { Database, TesTasksTable } from "./schema.js";
import type { TesTaskRecord, TesTaskStore } from "./store.js";

const toRecord = (r: TesTasksTable): TesTaskRecord => ({
  id: r.id,
  owner: r.owner,
  name: r.name,
  createdAt: new Date(Number(r.created_at)),
  document: r.document,
  jobIds: r.job_ids.split(",") as JobId[],
});

export function createKyselyTesTaskStore(db: Kysely<Database>): TesTaskStore {
  return {
    async insert(t) {
      await db.insertInto("tes_tasks").values({ id: t.id, owner: t.owner, name: t.name, created_at: t.createdAt.getTime(), document: t.document, job_ids: t.jobIds.join(",") }).execute();
    },
    async get(id) {
      const row = await db.selectFrom("tes_tasks").selectAll().where("id", "=", id).executeTakeFirst();
      return row ? toRecord(row) : undefined;
    },
    async list(query) {
      let q = db.selectFrom("tes_tasks").selectAll().where("owner", "=", query.owner);
      // substr, not LIKE: exact and case-sensitive on both drivers, with no wildcard to escape.
      if (query.namePrefix) q = q.where(sql<string>`substr(name, 1, ${query.namePrefix.length})`, "=", query.namePrefix);
      const after = query.after;
      if (after) q = q.where((eb) => eb.or([eb("created_at", "<", after.createdAt.getTime()), eb.and([eb("created_at", "=", after.createdAt.getTime()), eb("id", "<", after.id)])]));
      const rows = await q.orderBy("created_at", "desc").orderBy("id", "desc").limit(query.limit).execute();
      return rows.map(toRecord);
    },
  };
}
