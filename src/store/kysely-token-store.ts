import type { Kysely } from "kysely";
import type { Database } from "./schema.js";
import type { TokenInfo, TokenStore } from "./store.js";

const toInfo = (r: { id: string; user_name: string; label: string | null; created_at: number; revoked_at: number | null }): TokenInfo => ({
  id: r.id,
  userName: r.user_name,
  label: r.label,
  createdAt: new Date(Number(r.created_at)),
  revokedAt: r.revoked_at === null ? null : new Date(Number(r.revoked_at)),
});

export function createKyselyTokenStore(db: Kysely<Database>): TokenStore {
  return {
    async create(id, userName, tokenHash, label) {
      const row = { id, user_name: userName, token_hash: tokenHash, label, created_at: Date.now(), revoked_at: null };
      await db.insertInto("tokens").values(row).execute();
      return toInfo(row);
    },
    async findUserByHash(tokenHash) {
      const row = await db.selectFrom("tokens").select("user_name").where("token_hash", "=", tokenHash).where("revoked_at", "is", null).executeTakeFirst();
      return row?.user_name;
    },
    async revoke(id) {
      const r = await db.updateTable("tokens").set({ revoked_at: Date.now() }).where("id", "=", id).where("revoked_at", "is", null).executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
    async list(userName) {
      let q = db.selectFrom("tokens").select(["id", "user_name", "label", "created_at", "revoked_at"]);
      if (userName !== undefined) q = q.where("user_name", "=", userName);
      return (await q.orderBy("created_at").execute()).map(toInfo);
    },
  };
}
