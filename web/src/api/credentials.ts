/**
 * The bearer token the browser sends, kept for the browser session only (sessionStorage:
 * gone when the tab closes). Absent when the browser's requests carry credentials of their
 * own: a client certificate, or an Authorization header added by the site's proxy.
 */
const TOKEN_KEY = "skyrun.token";

export function storedToken(): string | undefined {
  try {
    return sessionStorage.getItem(TOKEN_KEY) ?? undefined;
  } catch {
    return undefined;
  }
}

export function storeToken(token: string): void {
  sessionStorage.setItem(TOKEN_KEY, token.trim());
}

export function forgetToken(): void {
  sessionStorage.removeItem(TOKEN_KEY);
}
