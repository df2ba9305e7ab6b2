import { isUnderAllowedPrefix } from "../domain/url-prefix.js";

/** One POST of a notification. */
export interface WebhookRequest {
  readonly url: string;
  readonly body: string;
  readonly headers: Readonly<Record<string, string>>;
  /** Redirects are followed only to URLs under these prefixes. */
  readonly allowedPrefixes: readonly string[];
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
}

/**
 * What one attempt came to. `permanent`: trying again cannot help (the URL is no
 * longer allowed), so the notification is given up at once.
 */
export type WebhookResult =
  | { readonly delivered: true; readonly status: number }
  | { readonly delivered: false; readonly status: number | null; readonly error: string; readonly permanent: boolean };

/** Sends one notification; never throws (an abort by `signal` does, so shutdown leaves it pending). */
export type WebhookSender = (request: WebhookRequest) => Promise<WebhookResult>;

/** Redirects followed at most per attempt. */
const MAX_REDIRECTS = 3;

/**
 * POSTs with Node's fetch. A redirect is followed only when it keeps the method and
 * body (307, 308) and leads under an allowed prefix: a receiver cannot send skyrun's
 * signed messages, or skyrun itself, anywhere the operator did not allow. Other 3xx
 * answers count as failed attempts. The answer's body is never read.
 */
export const sendWebhook: WebhookSender = async (r) => {
  if (!isUnderAllowedPrefix(r.url, r.allowedPrefixes)) {
    return { delivered: false, status: null, error: `${r.url} is not under notifications.allowedUrls (any more)`, permanent: true };
  }
  let url = r.url;
  for (let hop = 0; ; hop++) {
    let res: Response;
    try {
      const timeout = AbortSignal.timeout(r.timeoutMs);
      res = await fetch(url, { method: "POST", body: r.body, headers: r.headers, redirect: "manual", signal: r.signal ? AbortSignal.any([r.signal, timeout]) : timeout });
    } catch (e) {
      if (r.signal?.aborted) throw e;
      return { delivered: false, status: null, error: describeFailure(e, r.timeoutMs), permanent: false };
    }
    await res.body?.cancel().catch(() => undefined);
    if (res.status >= 200 && res.status < 300) return { delivered: true, status: res.status };
    const location = res.headers.get("location");
    if ((res.status === 307 || res.status === 308) && location !== null && hop < MAX_REDIRECTS) {
      const next = new URL(location, url).href;
      if (!isUnderAllowedPrefix(next, r.allowedPrefixes)) {
        return { delivered: false, status: res.status, error: `redirected to ${next}, which is not under notifications.allowedUrls: not followed`, permanent: false };
      }
      url = next;
      continue;
    }
    return { delivered: false, status: res.status, error: `HTTP ${res.status}${location !== null ? ` (redirect to ${location} not followed)` : ""}`, permanent: false };
  }
};

/** fetch's errors hide the cause (ECONNREFUSED…) one or two levels down. */
function describeFailure(e: unknown, timeoutMs: number): string {
  if (e instanceof Error && (e.name === "TimeoutError" || e.name === "AbortError")) return `no answer within ${timeoutMs / 1000} s`;
  let current: unknown = e;
  for (let depth = 0; depth < 4 && current instanceof Error; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string") return `${code}: ${current.message}`;
    current = current.cause;
  }
  return e instanceof Error ? e.message : String(e);
}
