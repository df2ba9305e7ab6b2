import type { Kysely } from "kysely";
import type { JobId } from "../domain/ids.js";
import type { JobState } from "../domain/job.js";
import type { BatchMember, BatchStore } from "./batch-store.js";
import type { Database } from "./schema.js";

const NO_LABELS: Readonly<Record<string, string>> = Object.freeze({});

/** Batch members on either driver: a narrow read of the jobs table. */
export function createKyselyBatchStore(db: Kysely<Database>): BatchStore {
  return {
    async members(owner: string): Promise<BatchMember[]> {
      const rows = await db.selectFrom("jobs")
        .select(["id", "name", "array_id", "replica_index", "labels_json", "state", "created_at", "submit_seq", "visible_until", "depends_on_json"])
        .where("owner", "=", owner).orderBy("submit_seq").execute();
      return rows.map((r) => ({
        id: r.id as JobId,
        name: r.name,
        setId: r.array_id,
        replicaIndex: r.replica_index,
        labels: r.labels_json ? (JSON.parse(r.labels_json) as Record<string, string>) : NO_LABELS,
        state: r.state as JobState,
        createdAt: new Date(Number(r.created_at)),
        submitSeq: Number(r.submit_seq),
        visibleUntil: new Date(Number(r.visible_until)),
        ...(r.depends_on_json ? { dependsOn: JSON.parse(r.depends_on_json) as JobId[] } : {}),
      }));
    },
  };
}
