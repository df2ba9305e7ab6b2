import { AppError, invalid, isAppError } from "../domain/errors.js";
import type { PosixGroup, Store, TokenInfo, User } from "../store/store.js";
import { generateToken } from "./api-tokens.js";
import { canonicalDnOf } from "./distinguished-name.js";
import { GROUPNAME_PATTERN, USERNAME_PATTERN } from "./principal.js";

/** Where automatically assigned uids start, clear of system accounts. */
export const FIRST_AUTO_UID = 10_000;
const MAX_ID = 2 ** 31 - 2;

/** Parses `NAME:GID` as given to `--group`. */
export function parseGroupSpec(spec: string): PosixGroup {
  const match = /^([^:]+):(\d+)$/.exec(spec.trim());
  if (!match?.[1] || !match[2]) throw invalid(`--group ${JSON.stringify(spec)}: expected NAME:GID, e.g. --group astro:30001`);
  const gid = Number(match[2]);
  if (!GROUPNAME_PATTERN.test(match[1])) throw invalid(`--group ${match[1]}: a group name has letters, digits, '_', '.', '-' and starts with a letter or '_'`);
  if (gid < 1 || gid > MAX_ID) throw invalid(`--group ${spec}: the gid must be between 1 and ${MAX_ID} (0 is root's group)`);
  return { name: match[1], gid };
}

export interface AddUserInput {
  readonly name: string;
  readonly uid?: number | undefined;
  readonly groups: readonly PosixGroup[];
  /** X.509 subject in OpenSSL's slash form or RFC 4514; stored canonical, so either form matches certificates. */
  readonly dn?: string | undefined;
}

/**
 * Adds a user; jobs will run with this uid (and gid = uid) and these group gids. The
 * store keeps uids and gids one id space, so the uid is refused when it is any group's
 * gid, and a group when its gid is a user's uid. Without `uid`, the next free number
 * from FIRST_AUTO_UID is taken, skipping groups' gids (those given here included).
 */
export async function addUser(store: Store, input: AddUserInput): Promise<User> {
  if (!USERNAME_PATTERN.test(input.name)) throw invalid(`user name ${JSON.stringify(input.name)}: use letters, digits, '_', '.', '-', starting with a letter or '_' (at most 63)`);
  if (input.uid !== undefined && (!Number.isInteger(input.uid) || input.uid < 1 || input.uid > MAX_ID)) {
    throw invalid(`--uid ${input.uid}: must be a whole number between 1 and ${MAX_ID}; jobs never run as root (uid 0)`);
  }
  const dn = input.dn === undefined || input.dn.trim() === "" ? null : canonicalDnOf(input.dn);
  for (let attempt = 0; ; attempt++) {
    const uid = input.uid ?? (await store.users.nextUid(FIRST_AUTO_UID, input.groups.map((g) => g.gid)));
    try {
      return await store.users.add({ name: input.name, uid, groups: input.groups, dn });
    } catch (e) {
      // Another operator took the number we picked between our look and our insert: pick again.
      const raced = input.uid === undefined && isAppError(e) && e.code === "CONFLICT" && e.details.id === uid;
      if (!raced || attempt >= 2) throw e;
    }
  }
}

export async function removeUser(store: Store, name: string): Promise<void> {
  if (!(await store.users.remove(name))) throw new AppError("NOT_FOUND", `no user named ${name}`);
}

/** Removes a group and its memberships; its gid stays retired so no one else inherits its files. */
export async function removeGroup(store: Store, name: string): Promise<void> {
  if (!(await store.users.removeGroup(name))) throw new AppError("NOT_FOUND", `no group named ${name}`);
}

/** Creates an API token for a user. The token is returned once; only its hash is kept. */
export async function createToken(store: Store, userName: string, label: string | null): Promise<{ token: string; info: TokenInfo }> {
  if (!(await store.users.get(userName))) throw new AppError("NOT_FOUND", `no user named ${userName}; add it first with 'skyrun users add ${userName}'`);
  const { id, token, hash } = generateToken();
  const info = await store.tokens.create(id, userName, hash, label);
  return { token, info };
}

/** Revokes a token by its id (the 8 hex characters after `skyrun_`, or the whole token). */
export async function revokeToken(store: Store, idOrToken: string): Promise<void> {
  const id = /^skyrun_([0-9a-f]{8})_/.exec(idOrToken)?.[1] ?? idOrToken;
  if (!(await store.tokens.revoke(id))) throw new AppError("NOT_FOUND", `no active token with id ${id}`);
}
