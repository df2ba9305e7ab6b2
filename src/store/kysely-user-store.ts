import type { Kysely, Transaction } from "kysely";
import { AppError } from "../domain/errors.js";
import type { Database } from "./schema.js";
import type { NewUser, PosixGroup, User, UserStore } from "./store.js";

type Db = Kysely<Database> | Transaction<Database>;

async function ensureGroups(tx: Db, userName: string, groups: readonly PosixGroup[]): Promise<void> {
  for (const g of groups) {
    const existing = await tx.selectFrom("posix_groups").selectAll().where((eb) => eb.or([eb("name", "=", g.name), eb("gid", "=", g.gid)])).execute();
    const clash = existing.find((e) => e.name !== g.name || e.gid !== g.gid);
    if (clash) throw new AppError("CONFLICT", `group ${g.name}:${g.gid} clashes with existing group ${clash.name}:${clash.gid}`);
    if (existing.length === 0) await tx.insertInto("posix_groups").values({ name: g.name, gid: g.gid }).execute();
    await tx.insertInto("group_members").values({ user_name: userName, group_name: g.name }).onConflict((oc) => oc.doNothing()).execute();
  }
}

async function loadUsers(db: Db, where?: { name?: string; dn?: string }): Promise<User[]> {
  let q = db.selectFrom("users").selectAll();
  if (where?.name !== undefined) q = q.where("name", "=", where.name);
  if (where?.dn !== undefined) q = q.where("dn", "=", where.dn);
  const users = await q.orderBy("name").execute();
  if (users.length === 0) return [];
  const memberships = await db.selectFrom("group_members").innerJoin("posix_groups", "posix_groups.name", "group_members.group_name")
    .select(["group_members.user_name as user", "posix_groups.name as name", "posix_groups.gid as gid", "posix_groups.priority as priority"])
    .where("group_members.user_name", "in", users.map((u) => u.name)).orderBy("posix_groups.gid").execute();
  return users.map((u) => {
    const mine = memberships.filter((m) => m.user === u.name);
    return {
      name: u.name,
      uid: u.uid,
      dn: u.dn,
      priority: u.priority,
      effectivePriority: Math.max(u.priority, ...mine.map((m) => m.priority)),
      createdAt: new Date(Number(u.created_at)),
      groups: mine.map((m) => ({ name: m.name, gid: m.gid })),
    };
  });
}

export function createKyselyUserStore(db: Kysely<Database>): UserStore {
  const get = async (name: string) => (await loadUsers(db, { name }))[0];
  return {
    async add(user: NewUser): Promise<User> {
      await db.transaction().execute(async (tx) => {
        const taken = await tx.selectFrom("users").select(["name", "uid", "dn"])
          .where((eb) => eb.or([eb("name", "=", user.name), eb("uid", "=", user.uid), ...(user.dn ? [eb("dn", "=", user.dn)] : [])])).execute();
        const clash = taken[0];
        if (clash) {
          const what = clash.name === user.name ? `user ${user.name} already exists` : clash.uid === user.uid ? `uid ${user.uid} belongs to user ${clash.name}` : `DN ${user.dn ?? ""} belongs to user ${clash.name}`;
          throw new AppError("CONFLICT", what);
        }
        await tx.insertInto("users").values({ name: user.name, uid: user.uid, dn: user.dn ?? null, created_at: Date.now() }).execute();
        await ensureGroups(tx, user.name, user.groups);
      });
      const created = await get(user.name);
      if (!created) throw new AppError("INTERNAL", `user ${user.name} vanished after insert`);
      return created;
    },
    get,
    getByDn: async (dn: string) => (await loadUsers(db, { dn }))[0],
    list: () => loadUsers(db),
    async remove(name: string): Promise<boolean> {
      return db.transaction().execute(async (tx) => {
        await tx.deleteFrom("tokens").where("user_name", "=", name).execute();
        await tx.deleteFrom("group_members").where("user_name", "=", name).execute();
        const r = await tx.deleteFrom("users").where("name", "=", name).executeTakeFirst();
        return Number(r.numDeletedRows) > 0;
      });
    },
    async nextUid(floor: number): Promise<number> {
      const row = await db.selectFrom("users").select((eb) => eb.fn.max("uid").as("uid")).executeTakeFirst();
      return Math.max(floor, Number(row?.uid ?? 0) + 1);
    },
    async addGroups(name: string, groups: readonly PosixGroup[]): Promise<User | undefined> {
      if (!(await get(name))) return undefined;
      await db.transaction().execute((tx) => ensureGroups(tx, name, groups));
      return get(name);
    },
    async setPriority(kind: "user" | "group", name: string, priority: number): Promise<boolean> {
      const r = kind === "user"
        ? await db.updateTable("users").set({ priority }).where("name", "=", name).executeTakeFirst()
        : await db.updateTable("posix_groups").set({ priority }).where("name", "=", name).executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
    async listGroups() {
      return db.selectFrom("posix_groups").selectAll().orderBy("gid").execute();
    },
  };
}
