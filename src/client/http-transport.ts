import { Agent, fetch, type Response } from "undici";
import { SKYRUN_VERSION_HEADER } from "../contracts/platform.js";
import { abortablePause } from "./abortable-pause.js";
import { AbortedError, ApiError, ClientError, ConnectionError, TlsError } from "./client-error.js";
import { mayRetry, retryDelayMs, type RetryPolicy } from "./retry-policy.js";
import type { TlsMaterial } from "./tls-credentials.js";

export interface TransportOptions {
  /** Versioned base, e.g. `https://host/skaha/v1`, without a trailing slash. */
  readonly baseUrl: string;
  readonly token?: string | undefined;
  readonly tls?: TlsMaterial | undefined;
  /** Longest wait for one attempt: connect, headers and (unless streaming) the body, in ms. */
  readonly timeoutMs: number;
  readonly retry: RetryPolicy;
  readonly userAgent: string;
  /** Called with each response's `x-skyrun-version` header, or null when absent (the platform). */
  readonly onServerVersion?: (version: string | null) => void;
}

/** One call to the API, relative to the versioned base. */
export interface HttpCall {
  readonly method: "GET" | "POST" | "DELETE";
  /** e.g. `session`, `session/abc123de/logs` */
  readonly path: string;
  /** Query parameters; an array repeats the name (`label=a=1&label=b=2`). */
  readonly query?: Readonly<Record<string, string | number | boolean | readonly string[] | undefined>>;
  /** An x-www-form-urlencoded body; repeated names allowed. */
  readonly form?: readonly (readonly [string, string])[];
  readonly json?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  /** Sending it twice does no harm (GET, DELETE, renew): retried on any transient failure. */
  readonly idempotent: boolean;
  readonly signal?: AbortSignal | undefined;
}

/** Response headers, read by name (case-insensitive). */
export interface HeaderBag {
  get(name: string): string | null;
}

export interface HttpReply {
  readonly status: number;
  readonly headers: HeaderBag;
  readonly text: string;
}

export interface HttpStream {
  readonly status: number;
  readonly headers: HeaderBag;
  /** The body as it arrives. Ends when the server ends it; throws ClientError if the connection breaks. */
  readonly chunks: AsyncIterable<Uint8Array>;
}

const TRUST = new Set(["UNABLE_TO_VERIFY_LEAF_SIGNATURE", "UNABLE_TO_GET_ISSUER_CERT", "UNABLE_TO_GET_ISSUER_CERT_LOCALLY", "SELF_SIGNED_CERT_IN_CHAIN", "DEPTH_ZERO_SELF_SIGNED_CERT", "CERT_UNTRUSTED", "CERT_SIGNATURE_FAILURE"]);
const NOT_SENT = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "UND_ERR_CONNECT_TIMEOUT"]);

/** The innermost error with a string `code`, looking through `cause` chains and AggregateError lists. */
function rootCause(e: unknown): { code: string; message: string; error: unknown } {
  let best: { code: string; message: string; error: unknown } | undefined;
  let deepest = { message: e instanceof Error ? e.message : String(e), error: e };
  let current: unknown = e;
  for (let depth = 0; depth < 8 && typeof current === "object" && current !== null; depth++) {
    const c = current as { code?: unknown; cause?: unknown; errors?: unknown; message?: unknown };
    const message = typeof c.message === "string" ? c.message : "";
    if (typeof c.code === "string") best = { code: c.code, message, error: current };
    if (message !== "") deepest = { message, error: current };
    current = c.cause ?? (Array.isArray(c.errors) ? (c.errors as unknown[])[0] : undefined);
  }
  return best ?? { code: "UNKNOWN", ...deepest };
}

/**
 * Turns what fetch threw into a ClientError that says what happened and to which URL.
 * `presentedCertificate`: whether we offered a client certificate; TLS 1.3 servers that
 * want one close the connection after the handshake, which looks like a plain close.
 */
export function toTransportError(e: unknown, url: string, presentedCertificate = false): ClientError {
  if (e instanceof ClientError) return e;
  const { code, message, error } = rootCause(e);
  const origin = new URL(url).origin;
  const opts = { cause: error };
  if (TRUST.has(code)) return new TlsError(`The server's certificate at ${origin} is not trusted (${code}).`, code, url, "ca", opts);
  if (code === "CERT_HAS_EXPIRED") return new TlsError(`The server's certificate at ${origin} has expired.`, code, url, "other", opts);
  if (code === "ERR_TLS_CERT_ALTNAME_INVALID") return new TlsError(`The server's certificate is not for ${new URL(url).hostname} (${message}).`, code, url, "hostname", opts);
  if (/^ERR_SSL_.*ALERT_(CERTIFICATE_REQUIRED|BAD_CERTIFICATE|UNKNOWN_CA|CERTIFICATE_EXPIRED|CERTIFICATE_REVOKED|HANDSHAKE_FAILURE|ACCESS_DENIED|CERTIFICATE_UNKNOWN)/.test(code)) {
    return new TlsError(`The server at ${origin} refused the TLS connection: it wants a client certificate it trusts (${code}).`, code, url, "client-certificate", opts);
  }
  if (code === "ERR_SSL_WRONG_VERSION_NUMBER" || code === "EPROTO") {
    return new TlsError(`TLS with ${origin} failed (${code}): the server may not speak HTTPS on this port; try http://.`, code, url, "other", opts);
  }
  const what: Record<string, string> = {
    ECONNREFUSED: "connection refused",
    ENOTFOUND: "host name not found",
    EAI_AGAIN: "host name lookup failed",
    ECONNRESET: "connection reset by the server",
    EPIPE: "connection closed by the server",
    UND_ERR_SOCKET: "connection closed by the server",
    UND_ERR_CONNECT_TIMEOUT: "connect timed out",
    EHOSTUNREACH: "host unreachable",
    ENETUNREACH: "network unreachable",
  };
  const why = what[code] ?? (code === "UNKNOWN" ? message : `${code} ${message}`.trim());
  const maybeCertificate = url.startsWith("https:") && !presentedCertificate && (code === "UND_ERR_SOCKET" || code === "ECONNRESET")
    ? " The server may want a client certificate, and none was given."
    : "";
  return new ConnectionError(`Cannot reach ${origin}: ${why}.${maybeCertificate}`, code, url, NOT_SENT.has(code), opts);
}

function retryAfterSeconds(headers: HeaderBag): number | undefined {
  const v = headers.get("retry-after");
  if (v === null) return undefined;
  if (/^\d+$/.test(v.trim())) return Number(v);
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, (at - Date.now()) / 1000);
}

const isAborted = (signal: AbortSignal | undefined): boolean => signal?.aborted === true;

/**
 * HTTP for the SDK: base URL, credentials (Bearer token and/or client certificate),
 * per-attempt timeout, retries with backoff ({@link mayRetry}), and one error type per
 * kind of failure. Responses of 400 and above become {@link ApiError}.
 */
export class HttpTransport {
  private readonly agent: Agent;

  constructor(private readonly o: TransportOptions) {
    const tls = o.tls ?? {};
    // Bodies may be quiet for long (a followed log): timeouts are ours, per attempt, not undici's.
    this.agent = new Agent({ connect: { ...(tls.cert ? { cert: tls.cert } : {}), ...(tls.key ? { key: tls.key } : {}), ...(tls.ca ? { ca: tls.ca } : {}) }, bodyTimeout: 0 });
  }

  /** The full URL of a call. */
  url(call: Pick<HttpCall, "path" | "query">): string {
    const u = new URL(`${this.o.baseUrl}/${call.path}`);
    for (const [k, v] of Object.entries(call.query ?? {})) {
      if (Array.isArray(v)) for (const item of v as readonly string[]) u.searchParams.append(k, item);
      else if (v !== undefined) u.searchParams.append(k, String(v));
    }
    return u.toString();
  }

  /** Sends a call and reads the whole body. Retries per the policy; throws ClientError. */
  async request(call: HttpCall): Promise<HttpReply> {
    return this.withRetries(call, false, async (signal, url) => {
      const res = await this.send(call, url, signal);
      const text = await res.text();
      return { status: res.status, headers: res.headers, text };
    });
  }

  /** Sends a call and returns once the headers arrive; the timeout covers only that part. */
  async stream(call: HttpCall): Promise<HttpStream> {
    return this.withRetries(call, true, async (signal, url, stopTimer) => {
      const res = await this.send(call, url, signal);
      stopTimer();
      const body = res.body;
      const presented = this.o.tls?.cert !== undefined;
      const chunks = async function* (): AsyncGenerator<Uint8Array> {
        if (!body) return;
        try {
          for await (const chunk of body) yield chunk as Uint8Array;
        } catch (e) {
          if (call.signal?.aborted) return;
          throw toTransportError(e, url, presented);
        }
      };
      return { status: res.status, headers: res.headers, chunks: chunks() };
    });
  }

  async close(): Promise<void> {
    await this.agent.close();
  }

  private async send(call: HttpCall, url: string, signal: AbortSignal): Promise<Response> {
    const headers: Record<string, string> = { "user-agent": this.o.userAgent, accept: "*/*", ...call.headers };
    if (this.o.token) headers.authorization = `Bearer ${this.o.token}`;
    let body: string | undefined;
    if (call.json !== undefined) {
      body = JSON.stringify(call.json);
      headers["content-type"] = "application/json";
    } else if (call.form) {
      body = new URLSearchParams(call.form.map(([k, v]): [string, string] => [k, v])).toString();
      // The platform reads parameters of a POST only from this exact media type.
      headers["content-type"] = "application/x-www-form-urlencoded";
    }
    const res = await fetch(url, { method: call.method, headers, body, signal, dispatcher: this.agent, redirect: "follow" });
    this.o.onServerVersion?.(res.headers.get(SKYRUN_VERSION_HEADER));
    if (res.status >= 400) {
      const text = (await res.text().catch(() => "")).trim();
      throw new ApiError(res.status, text, call.method, url, retryAfterSeconds(res.headers));
    }
    return res;
  }

  /** `linger`: keep the caller's abort signal linked after success, so aborting ends a stream. */
  private async withRetries<T>(call: HttpCall, linger: boolean, attemptOnce: (signal: AbortSignal, url: string, stopTimer: () => void) => Promise<T>): Promise<T> {
    const url = this.url(call);
    for (let attempt = 0; ; attempt++) {
      const controller = new AbortController();
      const attemptState = { timedOut: false };
      const timer = setTimeout(() => { attemptState.timedOut = true; controller.abort(); }, this.o.timeoutMs);
      const forward = () => controller.abort();
      call.signal?.addEventListener("abort", forward, { once: true });
      try {
        if (call.signal?.aborted) throw new AbortedError("Aborted.");
        const result = await attemptOnce(controller.signal, url, () => clearTimeout(timer));
        if (!linger) call.signal?.removeEventListener("abort", forward);
        return result;
      } catch (e) {
        call.signal?.removeEventListener("abort", forward);
        let error: ClientError;
        // Read again: the signal may have fired while we awaited (narrowing cannot know).
        if (isAborted(call.signal)) error = new AbortedError("Aborted.");
        else if (attemptState.timedOut) error = new ConnectionError(`No answer from ${new URL(url).origin} within ${Math.round(this.o.timeoutMs / 1000)} s.`, "TIMEOUT", url, false, { cause: e });
        else error = toTransportError(e, url, this.o.tls?.cert !== undefined);
        if (attempt >= this.o.retry.retries || !mayRetry(error, call.idempotent)) throw error;
        await abortablePause(retryDelayMs(this.o.retry, attempt, error), call.signal);
        if (isAborted(call.signal)) throw new AbortedError("Aborted.");
      } finally {
        clearTimeout(timer);
      }
    }
  }
}
