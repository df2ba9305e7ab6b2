import type { Kysely, Transaction } from "kysely";
import { AppError } from "../domain/errors.js";
import { claimId, claimsOn, findCollisions, nextFreeUid, retireId } from "./posix-id-space.js";
import type { Database } from "./schema.js";
import type { NewUser, PosixGroup, User, UserStore } from "./store.js";

type Db = Kysely<Database> | Transaction<Database>;

/** Creates the groups that do not exist yet, each claiming its gid, and makes the user a member. */
async function ensureGroups(tx: Db, userName: string, groups: readonly PosixGroup[]): Promise<void> {
  for (const g of groups) {
    const existing = await tx.selectFrom("posix_groups").selectAll().where((eb) => eb.or([eb("name", "=", g.name), eb("gid", "=", g.gid)])).execute();
    const clash = existing.find((e) => e.name !== g.name || e.gid !== g.gid);
    if (clash) throw new AppError("CONFLICT", `group ${g.name}:${g.gid} clashes with existing group ${clash.name}:${clash.gid}`);
    // An existing group claims again: a gid it shares with a user from before the rule stops new members.
    await claimId(tx, g.gid, { kind: "group", name: g.name });
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
        const taken = await tx.selectFrom("users").select(["name", "dn"])
          .where((eb) => eb.or([eb("name", "=", user.name), ...(user.dn ? [eb("dn", "=", user.dn)] : [])])).execute();
        const clash = taken[0];
        if (clash) throw new AppError("CONFLICT", clash.name === user.name ? `user ${user.name} already exists` : `DN ${user.dn ?? ""} belongs to user ${clash.name}`);
        // The user's own uid is also their private group's gid: no group of theirs may share it.
        const own = user.groups.find((g) => g.gid === user.uid);
        if (own) throw new AppError("CONFLICT", `group ${own.name}:${own.gid} would share its gid with ${user.name}'s uid ${user.uid} (their private group's gid); give the group another gid`);
        await claimId(tx, user.uid, { kind: "user", name: user.name });
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
        const user = await tx.selectFrom("users").select("uid").where("name", "=", name).executeTakeFirst();
        if (!user) return false;
        await tx.deleteFrom("tokens").where("user_name", "=", name).execute();
        await tx.deleteFrom("group_members").where("user_name", "=", name).execute();
        await tx.deleteFrom("users").where("name", "=", name).execute();
        await retireId(tx, user.uid, { kind: "user", name });
        return true;
      });
    },
    nextUid: (floor: number, reserved: readonly number[] = []) => nextFreeUid(db, floor, reserved),
    async addGroups(name: string, groups: readonly PosixGroup[]): Promise<User | undefined> {
      if (!(await get(name))) return undefined;
      await db.transaction().execute((tx) => ensureGroups(tx, name, groups));
      return get(name);
    },
    async removeGroup(name: string): Promise<boolean> {
      return db.transaction().execute(async (tx) => {
        const group = await tx.selectFrom("posix_groups").select("gid").where("name", "=", name).executeTakeFirst();
        if (!group) return false;
        await tx.deleteFrom("group_members").where("group_name", "=", name).execute();
        await tx.deleteFrom("posix_groups").where("name", "=", name).execute();
        await retireId(tx, group.gid, { kind: "group", name });
        return true;
      });
    },
    idClaims: (ids: readonly number[]) => claimsOn(db, ids),
    idCollisions: () => findCollisions(db),
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
