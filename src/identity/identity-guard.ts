import { AppError } from "../domain/errors.js";
import type { Owner } from "../domain/job.js";
import type { IdCollision, UserStore } from "../store/store.js";

/**
 * Decides whether a job may run with an identity (issue 11). A job runs as its owner's
 * uid, gid = uid, and its groups' gids: if one of those numbers is also held by another
 * principal, the job reaches that principal's files. The store refuses new collisions;
 * this refuses sessions whose numbers collide anyway (a database from before the rule)
 * or no longer match the directory (a user re-added with another uid, a group left).
 */
export interface IdentityGuard {
  /**
   * @throws AppError FORBIDDEN naming the number, who else holds it and what the
   *   operator does about it. Never throws anything else for a well-formed owner.
   */
  check(owner: Owner): Promise<void>;
}

/** One line for the operator's log, e.g. `10000: user alice's uid and group evil's gid (members: eve)`. */
export function describeCollision(c: IdCollision): string {
  return `${c.id}: user ${c.user}'s uid and group ${c.group}'s gid (members: ${c.members.length > 0 ? c.members.join(", ") : "none"})`;
}

const HOW_TO_FIX = "An operator gives one of them another number (skyrun users remove / groups remove, then add again).";

export function createIdentityGuard(users: UserStore): IdentityGuard {
  return {
    async check(owner) {
      const user = await users.get(owner.username);
      if (!user || user.uid !== owner.uid) {
        throw new AppError("FORBIDDEN", `Refusing to run as uid ${owner.uid}: it is no longer the uid of user ${owner.username}. Submit the session again.`);
      }
      const current = new Set(user.groups.map((g) => g.gid));
      const left = owner.groups.filter((gid) => !current.has(gid));
      if (left.length > 0) {
        throw new AppError("FORBIDDEN", `Refusing to run with gid ${left.join(", ")}: ${owner.username} is no longer a member of ${left.length > 1 ? "those groups" : "that group"}. Submit the session again.`);
      }
      const claims = await users.idClaims([owner.uid, ...owner.groups]);
      const others = claims.filter((c) => c.id === owner.uid ? !(c.kind === "user" && c.name === owner.username) : c.kind === "user");
      const first = others[0];
      if (!first) return;
      const held = first.id === owner.uid ? `uid ${first.id} of ${owner.username}` : `gid ${first.id} of one of ${owner.username}'s groups`;
      throw new AppError("FORBIDDEN", `Refusing to run: ${held} is also ${first.kind} ${first.name}'s ${first.kind === "user" ? "uid" : "gid"}, so the session could reach their files. ${HOW_TO_FIX}`);
    },
  };
}
