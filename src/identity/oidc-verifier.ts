import { createRemoteJWKSet, errors, jwtVerify, type JWTVerifyGetKey } from "jose";
import { AppError } from "../domain/errors.js";

/** The OIDC settings (config section `oidc`). */
export interface OidcSettings {
  readonly issuer: string;
  readonly audience: string;
  readonly usernameClaim: string;
  /** Empty: read `jwks_uri` from the issuer's discovery document. */
  readonly jwksUri: string;
  readonly clockToleranceSeconds: number;
}

export interface OidcVerifier {
  /**
   * Checks a JWT's signature against the issuer's published keys, its issuer,
   * audience and times, and returns the user name from the configured claim.
   * @throws AppError UNAUTHENTICATED (bad token, with the reason) or
   *   IDENTITY_PROVIDER_UNAVAILABLE (the issuer's keys cannot be fetched right now).
   */
  verify(token: string, now: Date): Promise<string>;
}

/** A compact JWS: three base64url parts. API tokens never look like this. */
export const looksLikeJwt = (token: string): boolean => /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token);

const FETCH_TIMEOUT_MS = 5000;
const rejected = (why: string) => new AppError("UNAUTHENTICATED", `Invalid OIDC token: ${why}.`);
const unavailable = (why: string, cause: unknown) => new AppError("IDENTITY_PROVIDER_UNAVAILABLE", `Cannot check the OIDC token right now: ${why}; try again shortly.`, {}, { cause });

/** Finds the JWKS URL in the issuer's discovery document, checking that it speaks for this issuer. */
async function discoverJwksUri(issuer: string): Promise<URL> {
  const url = `${issuer.replace(/\/$/, "")}/.well-known/openid-configuration`;
  let doc: { issuer?: unknown; jwks_uri?: unknown };
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS), headers: { accept: "application/json" } });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    doc = (await res.json()) as typeof doc;
  } catch (e) {
    throw unavailable(`the issuer's discovery document ${url} could not be read (${e instanceof Error ? e.message : String(e)})`, e);
  }
  if (doc.issuer !== issuer) throw unavailable(`the discovery document at ${url} names issuer ${JSON.stringify(doc.issuer)}, not ${issuer}`, undefined);
  if (typeof doc.jwks_uri !== "string") throw unavailable(`the discovery document at ${url} has no jwks_uri`, undefined);
  return new URL(doc.jwks_uri);
}

function explain(e: unknown, s: OidcSettings): AppError {
  if (e instanceof AppError) return e;
  if (e instanceof errors.JWTExpired) return rejected("it has expired; get a new one from the issuer");
  if (e instanceof errors.JWTClaimValidationFailed) {
    if (e.claim === "iss") return rejected(`it was issued by ${JSON.stringify(e.payload.iss)}, not ${s.issuer}`);
    if (e.claim === "aud") return rejected(`it is meant for ${JSON.stringify(e.payload.aud)}, not ${s.audience}`);
    if (e.claim === "nbf") return rejected("it is not valid yet");
    return rejected(`claim '${e.claim}' ${e.reason}`);
  }
  if (e instanceof errors.JWKSNoMatchingKey) return rejected("it is signed with a key the issuer does not publish");
  if (e instanceof errors.JWSSignatureVerificationFailed) return rejected("its signature does not verify");
  if (e instanceof errors.JOSEAlgNotAllowed || e instanceof errors.JOSENotSupported) return rejected("its signing algorithm is not accepted");
  if (e instanceof errors.JWKSTimeout) return unavailable("the issuer's key set did not answer in time", e);
  if (e instanceof errors.JWTInvalid || e instanceof errors.JWSInvalid) return rejected("it is not a well-formed JWT");
  if (e instanceof errors.JOSEError) return rejected(e.message);
  return unavailable(`the issuer's key set could not be fetched (${e instanceof Error ? e.message : String(e)})`, e);
}

/**
 * An OIDC verifier for one issuer. Keys are fetched when first needed and cached by
 * jose (refetched when a token names an unknown key, at most every 30 s); a failed
 * discovery is retried on the next token.
 */
export function createOidcVerifier(s: OidcSettings): OidcVerifier {
  let keys: Promise<JWTVerifyGetKey> | undefined;
  const keySet = (): Promise<JWTVerifyGetKey> => {
    if (!keys) {
      keys = (s.jwksUri ? Promise.resolve(new URL(s.jwksUri)) : discoverJwksUri(s.issuer))
        .then((url) => createRemoteJWKSet(url, { timeoutDuration: FETCH_TIMEOUT_MS, cooldownDuration: 30_000, cacheMaxAge: 600_000 }));
      keys.catch(() => { keys = undefined; });
    }
    return keys;
  };
  return {
    async verify(token, now) {
      try {
        const { payload } = await jwtVerify(token, await keySet(), {
          issuer: s.issuer,
          audience: s.audience,
          clockTolerance: s.clockToleranceSeconds,
          currentDate: now,
          // Only asymmetric algorithms: a JWKS never holds shared secrets, and "none" is never accepted.
          algorithms: ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA", "Ed25519"],
        });
        const name = payload[s.usernameClaim];
        if (typeof name !== "string" || name === "") throw rejected(`it has no '${s.usernameClaim}' claim naming the user`);
        return name;
      } catch (e) {
        throw explain(e, s);
      }
    },
  };
}
