/**
 * The statements behind one id space for uids and gids (issue 11).
 *
 * A number is held by exactly one principal: a user, as their uid and their private
 * group's gid (the platform's convention), or a group, as its gid. `posix_ids` keeps
 * who holds what; its primary key holds the rule even when two operators' commands
 * race. When a user or group is removed its number stays, retired under its old name:
 * files on /arc keep that number, so only the same name may take it again.
 *
 * Databases from before this rule may hold a user's uid that is also a group's gid.
 * The migration gave those numbers to the user; `users` and `posix_groups` are checked
 * as well as `posix_ids`, so such a number is never handed out once more, and
 * `findCollisions` lists them for the server to report.
 */
import type { Kysely, Transaction } from "kysely";
import { AppError } from "../domain/errors.js";
import type { Database } from "./schema.js";
import type { IdClaim, IdCollision } from "./store.js";
import { isUniqueViolation } from "./unique-violation.js";

type Db = Kysely<Database> | Transaction<Database>;

export type PrincipalKind = "user" | "group";

const what = (c: { kind: string; name: string }, id: number): string => {
  switch (c.kind) {
    case "user": return `uid ${id} belongs to user ${c.name} (and is their private group's gid)`;
    case "group": return `${id} is the gid of group ${c.name}`;
    case "retired-user": return `${id} was the uid of removed user ${c.name}, whose files on /arc may still carry it`;
    default: return `${id} was the gid of removed group ${c.name}, whose files on /arc may still carry it`;
  }
};

const conflict = (id: number, holder: { kind: string; name: string }, wanted: { kind: PrincipalKind; name: string }): AppError =>
  new AppError(
    "CONFLICT",
    `cannot give ${id} to ${wanted.kind} ${wanted.name}: ${what(holder, id)}. A number is one user's uid or one group's gid, never both; choose another.`,
    { id },
  );

/** Every user and group currently holding one of these numbers (legacy collisions included). */
export async function claimsOn(db: Db, ids: readonly number[]): Promise<IdClaim[]> {
  if (ids.length === 0) return [];
  const unique = [...new Set(ids)];
  const users = await db.selectFrom("users").select(["uid", "name"]).where("uid", "in", unique).execute();
  const groups = await db.selectFrom("posix_groups").select(["gid", "name"]).where("gid", "in", unique).execute();
  return [
    ...users.map((u) => ({ id: u.uid, kind: "user" as const, name: u.name })),
    ...groups.map((g) => ({ id: g.gid, kind: "group" as const, name: g.name })),
  ].sort((a, b) => a.id - b.id || a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name));
}

/**
 * Gives `id` to a principal, or throws CONFLICT saying who has it. Taking one's own
 * number again (an existing group, a re-added user or group of the same name) is allowed.
 */
export async function claimId(db: Db, id: number, wanted: { kind: PrincipalKind; name: string }): Promise<void> {
  for (const holder of await claimsOn(db, [id])) {
    if (holder.kind !== wanted.kind || holder.name !== wanted.name) throw conflict(id, holder, wanted);
  }
  const row = await db.selectFrom("posix_ids").selectAll().where("id", "=", id).executeTakeFirst();
  if (row) {
    if (row.name !== wanted.name || (row.kind !== wanted.kind && row.kind !== `retired-${wanted.kind}`)) throw conflict(id, row, wanted);
    if (row.kind !== wanted.kind) await db.updateTable("posix_ids").set({ kind: wanted.kind }).where("id", "=", id).execute();
    return;
  }
  try {
    await db.insertInto("posix_ids").values({ id, kind: wanted.kind, name: wanted.name }).execute();
  } catch (e) {
    // Another operator's command took it between our look and our insert.
    if (isUniqueViolation(e)) throw new AppError("CONFLICT", `cannot give ${id} to ${wanted.kind} ${wanted.name}: it was taken a moment ago; choose another.`, { id }, { cause: e });
    throw e;
  }
}

/**
 * Retires the number of a principal that was removed (call after deleting its row).
 * When a legacy collision left the same number with the other kind of principal, the
 * number becomes theirs instead.
 */
export async function retireId(db: Db, id: number, former: { kind: PrincipalKind; name: string }): Promise<void> {
  const remaining = await claimsOn(db, [id]);
  const next = remaining[0];
  const values = next ? { kind: next.kind, name: next.name } : { kind: `retired-${former.kind}` as const, name: former.name };
  const updated = await db.updateTable("posix_ids").set(values).where("id", "=", id).executeTakeFirst();
  if (Number(updated.numUpdatedRows) === 0) await db.insertInto("posix_ids").values({ id, ...values }).execute();
}

/**
 * The lowest number at or above `floor` and above every uid ever given, that no user,
 * group or retired principal holds and that is not among `reserved`.
 */
export async function nextFreeUid(db: Db, floor: number, reserved: readonly number[]): Promise<number> {
  const highest = await db.selectFrom("posix_ids").select((eb) => eb.fn.max("id").as("id"))
    .where("kind", "in", ["user", "retired-user"]).executeTakeFirst();
  const highestUser = await db.selectFrom("users").select((eb) => eb.fn.max("uid").as("uid")).executeTakeFirst();
  let candidate = Math.max(floor, Number(highest?.id ?? 0) + 1, Number(highestUser?.uid ?? 0) + 1);
  const taken = [
    ...(await db.selectFrom("posix_ids").select("id").where("id", ">=", candidate).execute()).map((r) => r.id),
    ...(await db.selectFrom("posix_groups").select("gid").where("gid", ">=", candidate).execute()).map((r) => r.gid),
    ...reserved,
  ].sort((a, b) => a - b);
  for (const id of taken) {
    if (id === candidate) candidate++;
    else if (id > candidate) break;
  }
  return candidate;
}

/** Numbers a user holds as uid while a group holds them as gid, with the group's members. */
export async function findCollisions(db: Db): Promise<IdCollision[]> {
  const rows = await db.selectFrom("users").innerJoin("posix_groups", "posix_groups.gid", "users.uid")
    .select(["users.uid as id", "users.name as user", "posix_groups.name as grp"]).orderBy("users.uid").execute();
  if (rows.length === 0) return [];
  const members = await db.selectFrom("group_members").select(["group_name", "user_name"])
    .where("group_name", "in", rows.map((r) => r.grp)).orderBy("user_name").execute();
  return rows.map((r) => ({ id: r.id, user: r.user, group: r.grp, members: members.filter((m) => m.group_name === r.grp).map((m) => m.user_name) }));
}
