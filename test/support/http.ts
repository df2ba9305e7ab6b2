/** A response read whole: status, headers and body text. */
export interface TestResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  json<T = unknown>(): T;
}

export interface RequestOptions {
  readonly token?: string;
  readonly form?: Record<string, string | string[]>;
  readonly json?: unknown;
  readonly headers?: Record<string, string>;
}

/** Headers and body of a request: a bearer token, a form (repeated keys kept) or JSON. */
export function encodeRequest(o: RequestOptions): { headers: Record<string, string>; body: string | undefined } {
  const headers: Record<string, string> = { ...(o.token ? { authorization: `Bearer ${o.token}` } : {}), ...o.headers };
  if (o.form) {
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries(o.form)) for (const item of Array.isArray(v) ? v : [v]) p.append(k, item);
    return { headers: { ...headers, "content-type": "application/x-www-form-urlencoded" }, body: p.toString() };
  }
  if (o.json !== undefined) return { headers: { ...headers, "content-type": "application/json" }, body: JSON.stringify(o.json) };
  return { headers, body: undefined };
}

/** One HTTP request with fetch; forms are x-www-form-urlencoded with repeated keys kept. */
export async function request(method: string, url: string, o: RequestOptions = {}): Promise<TestResponse> {
  const { headers, body } = encodeRequest(o);
  const res = await fetch(url, { method, headers, body });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: <T>() => JSON.parse(text) as T };
}

/** Polls `probe` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function waitUntil<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 90_000, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last instanceof Error ? `: ${last.message}` : ""}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

export interface SessionJson {
  id: string;
  status: string;
  phase: string;
  exitCode?: number;
  statusMessage?: string;
  name: string;
  [key: string]: unknown;
}

/** Waits until the session's status is one of `statuses`, and returns its JSON. */
export function waitForStatus(base: string, token: string, id: string, statuses: readonly string[], timeoutMs = 120_000): Promise<SessionJson> {
  return waitUntil(`session ${id} to be ${statuses.join("/")}`, async () => {
    const r = await request("GET", `${base}/session/${id}`, { token });
    if (r.status !== 200) throw new Error(`GET session ${id}: ${r.status} ${r.text}`);
    const s = r.json<SessionJson>();
    if (statuses.includes(s.status)) return s;
    // Thrown rather than returned, so that a timeout names where the session was stuck.
    throw new Error(`last seen ${s.status}${s.statusMessage ? ` (${s.statusMessage})` : ""}`);
  }, timeoutMs);
}
