/**
 * The two small endpoints the web dashboard needs beyond the skaha API (docs/dashboard.md).
 */

/** `GET /skaha/v1/dashboard/config`, unauthenticated: how users log in. */
export interface DashboardConfigJson {
  /** Set when the server accepts OIDC tokens: the issuer to log in with and the client id (the tokens' audience). */
  readonly oidc: { readonly issuer: string; readonly clientId: string } | null;
}

/** `GET /skaha/v1/dashboard/me`: who the request's credentials belong to. */
export interface DashboardMeJson {
  readonly user: string;
  readonly groups: readonly string[];
  /** Members of the admin group see and act on every user's sessions. */
  readonly isAdmin: boolean;
  /** How the caller was recognised: an API token, a client certificate, an OIDC token. */
  readonly via: "token" | "x509" | "oidc";
}
