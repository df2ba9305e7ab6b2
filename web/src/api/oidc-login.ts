/**
 * OIDC login in the browser: the authorization-code flow with PKCE (RFC 7636) against
 * the issuer the server accepts tokens from. The browser goes to the issuer, comes back
 * to `/?code=…&state=…`, and trades the code for tokens; the one whose audience is
 * skyrun's client id becomes the bearer token for the session.
 */
import { storeToken } from "./credentials.js";

const PENDING_KEY = "skyrun.oidc.pending";

interface Pending {
  readonly state: string;
  readonly verifier: string;
  readonly tokenEndpoint: string;
  readonly clientId: string;
  readonly redirectUri: string;
  /** Where the user was when they logged in. */
  readonly returnTo: string;
}

interface Discovery {
  readonly authorization_endpoint: string;
  readonly token_endpoint: string;
}

const base64url = (bytes: Uint8Array): string =>
  btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

const randomString = (): string => base64url(crypto.getRandomValues(new Uint8Array(32)));

async function discover(issuer: string): Promise<Discovery> {
  const r = await fetch(`${issuer.replace(/\/$/, "")}/.well-known/openid-configuration`);
  if (!r.ok) throw new Error(`The identity provider ${issuer} did not answer its discovery document (${r.status}).`);
  return (await r.json()) as Discovery;
}

/** Sends the browser to the issuer's login page. */
export async function startOidcLogin(issuer: string, clientId: string): Promise<void> {
  const d = await discover(issuer);
  const verifier = randomString();
  const challenge = base64url(new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier))));
  const state = randomString();
  const redirectUri = `${location.origin}/`;
  const pending: Pending = { state, verifier, tokenEndpoint: d.token_endpoint, clientId, redirectUri, returnTo: location.pathname + location.search };
  sessionStorage.setItem(PENDING_KEY, JSON.stringify(pending));
  const url = new URL(d.authorization_endpoint);
  url.search = new URLSearchParams({
    response_type: "code", client_id: clientId, redirect_uri: redirectUri, scope: "openid profile",
    state, code_challenge: challenge, code_challenge_method: "S256",
  }).toString();
  location.assign(url.toString());
}

/** The payload of a JWT, unverified: only to choose which token to send (the server verifies). */
function audienceOf(jwt: string): string[] {
  try {
    const part = jwt.split(".")[1] ?? "";
    const payload = JSON.parse(atob(part.replace(/-/g, "+").replace(/_/g, "/"))) as { aud?: string | string[] };
    return Array.isArray(payload.aud) ? payload.aud : payload.aud ? [payload.aud] : [];
  } catch {
    return [];
  }
}

/**
 * On return from the issuer (`?code=&state=`): trades the code for tokens, keeps the
 * bearer token and answers where to go back to. Undefined when this is no such return.
 * @throws Error with the issuer's reason when the exchange fails.
 */
export async function completeOidcLogin(): Promise<string | undefined> {
  const params = new URLSearchParams(location.search);
  const code = params.get("code");
  const raw = sessionStorage.getItem(PENDING_KEY);
  if (!code || !raw) return undefined;
  sessionStorage.removeItem(PENDING_KEY);
  const pending = JSON.parse(raw) as Pending;
  if (params.get("state") !== pending.state) throw new Error("The login came back with a state this browser did not send; log in again.");
  const r = await fetch(pending.tokenEndpoint, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "authorization_code", code, redirect_uri: pending.redirectUri, client_id: pending.clientId, code_verifier: pending.verifier }),
  });
  const body = (await r.json().catch(() => ({}))) as { id_token?: string; access_token?: string; error?: string; error_description?: string };
  if (!r.ok) throw new Error(`The identity provider refused the login: ${body.error_description ?? body.error ?? r.status}.`);
  const candidates = [body.access_token, body.id_token].filter((t): t is string => typeof t === "string");
  const token = candidates.find((t) => audienceOf(t).includes(pending.clientId)) ?? body.id_token ?? body.access_token;
  if (!token) throw new Error("The identity provider answered no token.");
  storeToken(token);
  return pending.returnTo;
}
