import type { Kysely } from "kysely";
import type { Database } from "./schema.js";
import type { UsageStore } from "./store.js";

export function createKyselyUsageStore(db: Kysely<Database>): UsageStore {
  return {
    async load() {
      const rows = await db.selectFrom("user_usage").selectAll().execute();
      return rows.map((r) => ({ user: r.user_name, coreSeconds: r.core_seconds, asOf: new Date(Number(r.as_of)) }));
    },
    async save(records) {
      if (records.length === 0) return;
      await db.transaction().execute(async (tx) => {
        for (const r of records) {
          const row = { user_name: r.user, core_seconds: r.coreSeconds, as_of: r.asOf.getTime() };
          await tx.insertInto("user_usage").values(row)
            .onConflict((oc) => oc.column("user_name").doUpdateSet({ core_seconds: row.core_seconds, as_of: row.as_of })).execute();
        }
      });
    },
  };
}
