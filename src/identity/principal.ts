import type { Owner } from "../domain/job.js";
import type { User } from "../store/store.js";

/** Who is calling, once authenticated. */
export interface Principal {
  readonly user: User;
  /** The POSIX identity their jobs run with: uid, gid = uid (the platform's convention), group gids. */
  readonly owner: Owner;
  readonly via: "token" | "x509" | "oidc";
  /** Members of the admin group may list and delete every user's sessions. */
  readonly isAdmin: boolean;
}

export const ownerOf = (user: User): Owner => ({
  username: user.name,
  uid: user.uid,
  gid: user.uid,
  groups: user.groups.map((g) => g.gid),
});

/** User names become path components (/arc/home/<name>) and labels: letters, digits, '_', '.', '-'. */
export const USERNAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_.-]{0,62}$/;
export const GROUPNAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_.-]{0,62}$/;
