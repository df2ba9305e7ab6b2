import { AppError } from "../domain/errors.js";
import type { Store, User } from "../store/store.js";
import { hashToken, isApiToken } from "./api-tokens.js";
import { ownerOf, type Principal } from "./principal.js";

/** What a request offers to prove who it is. */
export interface Credentials {
  /** The Authorization header, if any. */
  readonly authorization?: string | undefined;
}

export interface Authenticator {
  /** @throws AppError UNAUTHENTICATED with a reason the caller can act on. */
  authenticate(credentials: Credentials): Promise<Principal>;
}

export interface AuthenticatorOptions {
  /** Members of this group are administrators. Empty: nobody is. */
  readonly adminGroup: string;
  /**
   * How long a user's record (uid, groups, priority) is reused between requests.
   * Tokens are checked on every request, so a revoked token fails at once; a change
   * of groups applies within this time. @defaultValue 5000
   */
  readonly userCacheMs?: number;
}

const unauthenticated = (message: string) => new AppError("UNAUTHENTICATED", message);

/** Bearer API tokens, looked up by hash in the store. */
export function createAuthenticator(store: Store, o: AuthenticatorOptions): Authenticator {
  const users = new Map<string, { user: User; untilMs: number }>();
  const cacheMs = o.userCacheMs ?? 5000;
  const userNamed = async (name: string): Promise<User | undefined> => {
    const nowMs = Date.now();
    const hit = users.get(name);
    if (hit && hit.untilMs > nowMs) return hit.user;
    const user = await store.users.get(name);
    if (user) users.set(name, { user, untilMs: nowMs + cacheMs });
    else users.delete(name);
    if (users.size > 10_000) users.clear();
    return user;
  };
  return {
    async authenticate(c: Credentials): Promise<Principal> {
      const header = c.authorization?.trim();
      if (!header) throw unauthenticated("Authentication required: send 'Authorization: Bearer <token>' (an operator creates tokens with 'skyrun tokens create <user>').");
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      if (!match?.[1]) throw unauthenticated("Unsupported Authorization header: expected 'Bearer <token>'.");
      const token = match[1];
      if (!isApiToken(token)) throw unauthenticated("Invalid token: not a skyrun API token.");
      const userName = await store.tokens.findUserByHash(hashToken(token));
      if (!userName) throw unauthenticated("Invalid token: unknown or revoked.");
      const user = await userNamed(userName);
      if (!user) throw unauthenticated("Invalid token: its user no longer exists.");
      return { user, owner: ownerOf(user), via: "token", isAdmin: o.adminGroup !== "" && user.groups.some((g) => g.name === o.adminGroup) };
    },
  };
}
