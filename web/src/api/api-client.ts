/**
 * The dashboard's only way to the server: the public skaha API at /skaha/v1, the same
 * routes the SDK and CLI use, plus the dashboard's two small endpoints. Components never
 * call fetch themselves.
 *
 * Credentials: the token from sessionStorage when there is one; otherwise nothing, and
 * the browser's own (a client certificate, a header its proxy adds) go along. A 401
 * raises {@link AuthRequiredError} and tells {@link onAuthRequired}'s listener, which
 * shows the login form.
 */
import type { DashboardConfigJson, DashboardMeJson } from "../../../src/contracts/dashboard.js";
import type { ImageJson, ResourceContextJson } from "../../../src/contracts/platform.js";
import type { SessionEventJson } from "../../../src/contracts/session-event.js";
import { storedToken } from "./credentials.js";
import type { AccountingJson, BulkOutcomeJson, PlatformStatsJson, QueueJson, Session, SessionStatsWithHistory } from "./extension-types.js";

export const API_BASE = "/skaha/v1";
/** skyrun's JSON opt-in (the notes), and the older form today's server reads. */
const ACCEPT_JSON = "application/vnd.skyrun+json, application/json;q=0.9";

export class ApiError extends Error {
  override name = "ApiError";
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

/** The server answered 401: the browser has no credentials it accepts. */
export class AuthRequiredError extends ApiError {
  override name = "AuthRequiredError";
}

type Query = Readonly<Record<string, string | number | boolean | readonly string[] | undefined>>;

let authListener: ((reason: string) => void) | undefined;
/** The app's handler for a 401 anywhere: it shows the login form with the server's reason. */
export function onAuthRequired(listener: (reason: string) => void): void {
  authListener = listener;
}

export function buildQuery(query: Query | undefined): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v === undefined || v === "") continue;
    for (const item of Array.isArray(v) ? (v as readonly string[]) : [v as string | number | boolean]) params.append(k, String(item));
  }
  const s = params.toString();
  return s === "" ? "" : `?${s}`;
}

export function authHeaders(): Record<string, string> {
  const token = storedToken();
  return token ? { authorization: `Bearer ${token}` } : {};
}

export interface CallOptions {
  readonly method?: "GET" | "POST" | "DELETE";
  readonly query?: Query;
  readonly form?: readonly (readonly [string, string])[];
  readonly json?: unknown;
  readonly accept?: string;
  readonly signal?: AbortSignal;
  readonly headers?: Readonly<Record<string, string>>;
}

/** One request; throws ApiError (AuthRequiredError on 401) with the server's own sentence. */
export async function call(path: string, o: CallOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { accept: o.accept ?? ACCEPT_JSON, ...authHeaders(), ...o.headers };
  let body: BodyInit | undefined;
  if (o.form) {
    body = new URLSearchParams(o.form.map(([k, v]) => [k, v]));
  } else if (o.json !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(o.json);
  }
  const url = path.startsWith("/") ? `${path}${buildQuery(o.query)}` : `${API_BASE}/${path}${buildQuery(o.query)}`;
  const response = await fetch(url, { method: o.method ?? "GET", headers, body: body ?? null, signal: o.signal ?? null, credentials: "same-origin" });
  if (response.ok) return response;
  const text = (await response.text().catch(() => "")).trim() || `${response.status} ${response.statusText}`;
  if (response.status === 401) {
    authListener?.(text);
    throw new AuthRequiredError(401, text);
  }
  throw new ApiError(response.status, text);
}

export async function callJson<T>(path: string, o: CallOptions = {}): Promise<T> {
  return (await call(path, o)).json() as Promise<T>;
}

/** True when the server does not serve this route (an extension it does not have yet). */
export const isMissingEndpoint = (e: unknown): boolean => e instanceof ApiError && (e.status === 404 || e.status === 405 || e.status === 501);

export const getDashboardConfig = (): Promise<DashboardConfigJson> => callJson(`${API_BASE}/dashboard/config`);
export const getMe = (): Promise<DashboardMeJson> => callJson("dashboard/me");

export const getSession = (id: string, signal?: AbortSignal): Promise<Session> =>
  callJson(`session/${encodeURIComponent(id)}`, signal ? { signal } : {});
export const getEvents = (id: string): Promise<SessionEventJson[]> =>
  callJson(`session/${encodeURIComponent(id)}`, { query: { view: "events", format: "json" } });
export const getSessionStats = (id: string, history: boolean): Promise<SessionStatsWithHistory> =>
  callJson(`session/${encodeURIComponent(id)}/stats`, { query: { history: history ? "true" : undefined } });
export const getPlatformStats = (): Promise<PlatformStatsJson> => callJson("session", { query: { view: "stats" } });
export const getImages = (): Promise<ImageJson[]> => callJson("image");
export const getContext = (): Promise<ResourceContextJson> => callJson("context");
export const getQueue = (): Promise<QueueJson> => callJson("queue");
export const getAccounting = (q: { from: string; to: string; by: string; period: string }): Promise<AccountingJson> => callJson("accounting", { query: q });

/** The log text so far (`?view=logs`), optionally of an earlier attempt. */
export async function getLogs(id: string, o: { attempt?: number | undefined; tail?: number | undefined } = {}): Promise<string> {
  const r = await call(`session/${encodeURIComponent(id)}`, { query: { view: "logs", attempt: o.attempt, tail: o.tail }, accept: "text/plain" });
  return r.text();
}

/**
 * Follows a log (`?view=logs&follow=true`): calls `onText` with each piece as the server
 * writes it, until the session ends (the server ends the body) or `signal` aborts.
 */
export async function followLogs(id: string, onText: (text: string) => void, signal: AbortSignal, tail?: number): Promise<void> {
  const r = await call(`session/${encodeURIComponent(id)}`, { query: { view: "logs", follow: "true", tail }, accept: "text/plain", signal });
  if (!r.body) {
    onText(await r.text());
    return;
  }
  const reader = r.body.pipeThrough(new TextDecoderStream()).getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    onText(value);
  }
}

/** The session actions on one session. `retry` answers the new session's id. */
export async function actOnSession(id: string, action: "delete" | "renew" | "retry"): Promise<string> {
  const path = `session/${encodeURIComponent(id)}`;
  if (action === "delete") return (await call(path, { method: "DELETE", accept: "text/plain" })).text();
  return (await call(path, { method: "POST", form: [["action", action]], accept: "text/plain" })).text();
}

/**
 * A bulk action by selector (`label`, `name`, `set`): one request, answered per item
 * (`[{id, outcome, status, message?}]` with the JSON opt-in).
 */
export async function bulkAction(action: "delete" | "renew", selector: Query): Promise<BulkOutcomeJson[]> {
  if (action === "delete") return callJson("session", { method: "DELETE", query: { ...selector, format: "json" } });
  return callJson("session", { method: "POST", query: { ...selector, action: "renew", format: "json" } });
}

/** `POST /session`: the ids of the sessions created, one per line in the answer. */
export async function createSessions(params: readonly (readonly [string, string])[]): Promise<string[]> {
  const r = await call("session", { method: "POST", form: params, accept: "text/plain" });
  return (await r.text()).split("\n").map((l) => l.trim()).filter((l) => l !== "");
}
