import type { Clock } from "../domain/clock.js";
import { AppError } from "../domain/errors.js";
import type { Store, User } from "../store/store.js";
import { hashToken, isApiToken } from "./api-tokens.js";
import type { ClientCertificateVerifier } from "./client-certificate-verifier.js";
import { looksLikeJwt, type OidcVerifier } from "./oidc-verifier.js";
import { ownerOf, USERNAME_PATTERN, type Principal } from "./principal.js";

/** What a request offers to prove who it is. */
export interface Credentials {
  /** The Authorization header, if any. */
  readonly authorization?: string | undefined;
  /** DER certificates the client presented over TLS, its own first; undefined or empty when none. */
  readonly clientCertificates?: readonly Buffer[] | undefined;
}

export interface Authenticator {
  /**
   * Who is calling, and may they use skyrun at all.
   * @throws AppError UNAUTHENTICATED with a reason the caller can act on;
   *   FORBIDDEN when a users group is configured and the caller is not in it.
   */
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
  /** Only members of this group may use the system. Empty: every known user may. */
  readonly usersGroup?: string;
  /** Checks client certificate chains; absent when no client CA is configured. */
  readonly certificates?: ClientCertificateVerifier | undefined;
  /** Checks OIDC JWTs; absent when no issuer is configured. */
  readonly oidc?: OidcVerifier | undefined;
  readonly clock: Clock;
}

const unauthenticated = (message: string) => new AppError("UNAUTHENTICATED", message);

/**
 * Three ways in, tried in this order:
 *   1. `Authorization: Bearer skyrun_…`: an API token, looked up by its hash;
 *   2. `Authorization: Bearer <JWT>`: an OIDC token from the configured issuer;
 *   3. no Authorization header: the TLS client certificate (incl. proxy certificates),
 *      whose end-entity subject DN maps to a user.
 * An Authorization header, when sent, decides alone: a bad token is never rescued by
 * a certificate, so a client always learns why its token failed.
 */
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
  const viaBearer = async (token: string): Promise<{ user: User; via: Principal["via"] }> => {
    if (isApiToken(token)) {
      const userName = await store.tokens.findUserByHash(hashToken(token));
      if (!userName) throw unauthenticated("Invalid token: unknown or revoked.");
      const user = await userNamed(userName);
      if (!user) throw unauthenticated("Invalid token: its user no longer exists.");
      return { user, via: "token" };
    }
    if (!o.oidc || !looksLikeJwt(token)) {
      throw unauthenticated(o.oidc ? "Invalid token: neither a skyrun API token nor a JWT." : "Invalid token: not a skyrun API token.");
    }
    const name = await o.oidc.verify(token, o.clock.now());
    // The claim becomes a path component (/arc/home/<name>); never look up anything odd.
    const user = USERNAME_PATTERN.test(name) ? await userNamed(name) : undefined;
    if (!user) throw unauthenticated(`The OIDC token is valid, but ${JSON.stringify(name)} is not a skyrun user; an operator adds it with 'skyrun users add ${USERNAME_PATTERN.test(name) ? name : "NAME"}'.`);
    return { user, via: "oidc" };
  };

  const viaCertificate = async (chain: readonly Buffer[]): Promise<{ user: User; via: Principal["via"] }> => {
    if (!o.certificates) throw unauthenticated("Client certificates are not accepted by this server; send 'Authorization: Bearer <token>'.");
    const identity = o.certificates.verify(chain, o.clock.now());
    const user = await store.users.getByDn(identity.dn);
    if (!user) throw unauthenticated(`Certificate subject ${identity.displayDn} is not mapped to a skyrun user; an operator maps it with 'skyrun users add NAME --dn "${identity.displayDn}"'.`);
    return { user, via: "x509" };
  };

  return {
    async authenticate(c: Credentials): Promise<Principal> {
      const header = c.authorization?.trim();
      let found: { user: User; via: Principal["via"] };
      if (header) {
        const match = /^Bearer\s+(\S+)$/i.exec(header);
        if (!match?.[1]) throw unauthenticated("Unsupported Authorization header: expected 'Bearer <token>'.");
        found = await viaBearer(match[1]);
      } else if (c.clientCertificates && c.clientCertificates.length > 0) {
        found = await viaCertificate(c.clientCertificates);
      } else {
        throw unauthenticated(o.certificates
          ? "Authentication required: send 'Authorization: Bearer <token>' or a client certificate (curl -E ~/.ssl/cadcproxy.pem)."
          : "Authentication required: send 'Authorization: Bearer <token>' (an operator creates tokens with 'skyrun tokens create <user>').");
      }
      const { user, via } = found;
      const inGroup = (group: string | undefined) => group !== undefined && group !== "" && user.groups.some((g) => g.name === group);
      if (o.usersGroup && !inGroup(o.usersGroup)) throw new AppError("FORBIDDEN", `Not authorized to use the system: ${user.name} is not a member of group ${o.usersGroup}.`);
      return { user, owner: ownerOf(user), via, isAdmin: inGroup(o.adminGroup) };
    },
  };
}
