/**
 * Shown only after the API answered 401: a token field (kept for this browser session)
 * and, when the server accepts OIDC tokens, a button to log in with the issuer.
 */
import { useState } from "preact/hooks";
import type { DashboardConfigJson } from "../../../src/contracts/dashboard.js";
import { storeToken } from "../api/credentials.js";
import { startOidcLogin } from "../api/oidc-login.js";

export function LoginForm({ reason, config, onLoggedIn }: { readonly reason: string; readonly config: DashboardConfigJson | undefined; onLoggedIn: () => void }) {
  const [token, setToken] = useState("");
  const [error, setError] = useState<string | undefined>();
  const oidc = config?.oidc;
  return (
    <main id="main" class="login">
      <h1>Log in to skyrun</h1>
      <p class="muted" id="login-reason">{reason}</p>
      <form onSubmit={(e) => { e.preventDefault(); if (token.trim() !== "") { storeToken(token); onLoggedIn(); } }} aria-describedby="login-reason">
        <div class="field">
          <label for="token">API token</label>
          <input id="token" type="password" autoComplete="off" value={token} onInput={(e) => setToken(e.currentTarget.value)} autoFocus required aria-describedby="token-hint" />
          <small id="token-hint" class="muted">An operator creates one with <code>skyrun tokens create USER</code>. It is kept until this tab closes.</small>
        </div>
        <button type="submit" class="primary">Log in</button>
      </form>
      {oidc && (
        <p>
          <button type="button" onClick={() => { startOidcLogin(oidc.issuer, oidc.clientId).catch((e: unknown) => setError(e instanceof Error ? e.message : String(e))); }}>
            Log in with {new URL(oidc.issuer).host}
          </button>
        </p>
      )}
      {error && <p role="alert" class="error">{error}</p>}
      <p class="muted">With a client certificate in this browser, or behind a proxy that logs you in, this page does not appear.</p>
    </main>
  );
}
