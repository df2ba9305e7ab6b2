import { SKYRUN_JSON_MEDIA_TYPE, type ImageJson, type PlatformStatsJson, type ResourceContextJson, type SessionStatsJson } from "../contracts/platform.js";
import type { AccountingReportJson, JobHistoryJson, JobHistoryPageJson, QuotaReportJson } from "../contracts/accounting.js";
import type { BatchJson } from "../contracts/batch.js";
import type { AccountingQuery, JobHistoryQuery } from "./accounting-queries.js";
import type { NotificationDeliveryJson, NotificationKeyJson } from "../contracts/notification.js";
import { parseEventTable, type SessionEventJson } from "../contracts/session-event.js";
import type { CreatedSessionJson, PublicSessionJson, SessionJson } from "../contracts/session.js";
import { ApiError, ProtocolError, UnsupportedError, type ClientError } from "./client-error.js";
import { HttpTransport, type HttpCall } from "./http-transport.js";
import { decodeChunks, lastLines, pollLogs } from "./log-follow.js";
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from "./retry-policy.js";
import { runBulk, type BulkResult } from "./run-bulk.js";
import { resolveServiceUrl, type ApiVersion } from "./service-url.js";
import { waitForSessions, type WaitOptions, type WaitResult } from "./session-waiter.js";
import type { SessionRequest, SessionSetOptions, SessionSetRequest } from "../contracts/session-request.js";
import { createSetsInOrder, parseCreated, setShape, type CreatedSet, type CreateSetsResult } from "./session-sets.js";
import { checkSpec, PLATFORM_MAX_REPLICAS, registryAuthHeader, toPlatformForm, toSkyrunBody, toSkyrunSetBody, type CreateSessionSpec, type RegistryAuth } from "./session-spec.js";
import { loadTlsMaterial } from "./tls-credentials.js";

/** Which server the client talks to: skyrun (which names itself in `x-skyrun-version`) or the platform's skaha. */
export type ServerKind = "skyrun" | "platform";

export interface ClientOptions {
  /** The server: `http://127.0.0.1:8080`, `https://ws-uv.canfar.net/skaha`, or a versioned base `…/skaha/v0`. */
  readonly url: string;
  /** @defaultValue "v1", unless the URL names a version */
  readonly apiVersion?: ApiVersion | undefined;
  /** Sent as `Authorization: Bearer …`. */
  readonly token?: string | undefined;
  /** PEM file with client certificate and key (and chain), e.g. the proxy certificate `~/.ssl/cadcproxy.pem`. */
  readonly certificate?: string | undefined;
  /** PEM key file, when the key is not inside `certificate`. */
  readonly keyFile?: string | undefined;
  /** PEM file of CA certificates to trust besides the system's. */
  readonly caFile?: string | undefined;
  /** Per attempt: connect, headers and body (for streams, headers only), in ms. @defaultValue 30000 */
  readonly timeoutMs?: number | undefined;
  readonly retry?: Partial<RetryPolicy> | undefined;
  /** Calls in flight at once in bulk calls. @defaultValue 32 */
  readonly concurrency?: number | undefined;
  /** Skip detection and speak skyrun's or the platform's dialect. @defaultValue "auto" */
  readonly server?: ServerKind | "auto" | undefined;
  /** Sent with every session creation unless the spec has its own. */
  readonly registryAuth?: RegistryAuth | undefined;
  /** @defaultValue "skyrun-sdk" */
  readonly userAgent?: string | undefined;
}

/** Cancels a call: the SDK then throws AbortedError (a follow simply ends). */
export interface CallOptions {
  readonly signal?: AbortSignal | undefined;
}

export interface ListFilter {
  /** Session type, e.g. `headless`. */
  readonly kind?: string | undefined;
  /** A status word; `Completed` and `Succeeded` are translated for the API version in use. */
  readonly status?: string | undefined;
  /** skyrun: only sessions having every one of these labels (`key=value`). */
  readonly labels?: readonly string[] | undefined;
}

export interface CreateOptions extends CallOptions {
  /** Called as each replica is created or fails (replicas are separate requests on the platform). */
  readonly onProgress?: ((created: number, failed: number, total: number) => void) | undefined;
}

export interface CreateResult {
  /** Ids of the sessions created, in replica order. */
  readonly ids: readonly string[];
  /** The new sessions as skyrun describes them; empty on the platform, which answers only ids. */
  readonly sessions: readonly SessionJson[];
  /** Replicas that could not be created, and why (only on the platform, where each is its own request). */
  readonly failed: readonly { readonly replica: number; readonly name: string; readonly error: ClientError }[];
}

export interface LogOptions extends CallOptions {
  /** Only the last N lines. */
  readonly tail?: number | undefined;
}

export interface FollowOptions extends LogOptions {
  /** Platform only (no follow mode there): pause between two log reads, in ms. @defaultValue 2000 */
  readonly pollIntervalMs?: number | undefined;
}

const parseJson = <T>(text: string, url: string): T => {
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new ProtocolError(`The server at ${new URL(url).origin} did not answer JSON (${JSON.stringify(text.slice(0, 60))}…); is the URL a skaha service?`, url);
  }
};

/**
 * The skaha session API, typed: skyrun's `/skaha/v0` and `/skaha/v1`, and the platform's.
 * Where the two differ (replicas, following logs, events as JSON) the client detects a
 * skyrun server by its `x-skyrun-version` header and otherwise does what the platform's
 * own client does. Every failure is a {@link ClientError}.
 */
export class SkyrunClient {
  readonly baseUrl: string;
  readonly apiVersion: ApiVersion;
  private readonly http: HttpTransport;
  private detected: { kind: ServerKind; version?: string } | undefined;
  private readonly concurrency: number;

  constructor(private readonly options: ClientOptions) {
    const { baseUrl, apiVersion } = resolveServiceUrl(options.url, options.apiVersion);
    this.baseUrl = baseUrl;
    this.apiVersion = apiVersion;
    this.concurrency = options.concurrency ?? 32;
    if (options.server === "skyrun" || options.server === "platform") this.detected = { kind: options.server };
    const tls = options.certificate !== undefined || options.caFile !== undefined
      ? loadTlsMaterial({ certificate: options.certificate, keyFile: options.keyFile, caFile: options.caFile })
      : undefined;
    this.http = new HttpTransport({
      baseUrl,
      token: options.token,
      tls,
      timeoutMs: options.timeoutMs ?? 30_000,
      retry: { ...DEFAULT_RETRY_POLICY, ...options.retry },
      userAgent: options.userAgent ?? "skyrun-sdk",
      onServerVersion: (v) => {
        if (options.server === undefined || options.server === "auto") this.detected = v === null ? { kind: "platform" } : { kind: "skyrun", version: v };
      },
    });
  }

  /** Which server this is, asking it once if no call has told yet. */
  async server(o: CallOptions = {}): Promise<{ kind: ServerKind; version?: string }> {
    if (!this.detected) {
      // Any answer carries the header, an error status included.
      await this.http.request({ method: "GET", path: "context", idempotent: true, signal: o.signal }).catch((e: unknown) => {
        if (!(e instanceof ApiError)) throw e;
      });
    }
    return this.detected ?? { kind: "platform" };
  }

  /**
   * Creates sessions: one request with `replicas` on skyrun; one request per replica on
   * the platform (bounded concurrency), named `name-1` … `name-N` with REPLICA_ID and
   * REPLICA_COUNT. Throws when nothing was created; partial failures are in `failed`.
   */
  async create(spec: CreateSessionSpec, o: CreateOptions = {}): Promise<CreateResult> {
    checkSpec(spec);
    const auth = spec.registryAuth ?? this.options.registryAuth;
    const headers = auth ? { "x-skaha-registry-auth": registryAuthHeader(auth) } : undefined;
    const count = spec.replicas ?? 1;
    if ((await this.server(o)).kind === "skyrun") {
      // skyrun answers text ids, as the platform does, unless asked for its JSON by this media type.
      const call: HttpCall = { method: "POST", path: "session", json: toSkyrunBody(spec), headers: { accept: SKYRUN_JSON_MEDIA_TYPE, ...headers }, idempotent: false, signal: o.signal };
      const reply = await this.http.request(call);
      const parsed = parseJson<CreatedSessionJson | CreatedSessionJson[]>(reply.text, this.http.url(call));
      const sessions = Array.isArray(parsed) ? parsed : [parsed];
      o.onProgress?.(sessions.length, 0, count);
      return { ids: sessions.map((s) => s.sessionId), sessions, failed: [] };
    }
    if (count > PLATFORM_MAX_REPLICAS) throw new UnsupportedError(`replicas=${count}: the platform's clients create at most ${PLATFORM_MAX_REPLICAS} replicas at once.`);
    const forms = Array.from({ length: count }, (_, i) => toPlatformForm(spec, i + 1, count));
    let created = 0;
    let failedCount = 0;
    const result = await runBulk(forms.map((_, i) => i + 1), async (replica) => {
      const reply = await this.http.request({ method: "POST", path: "session", form: forms[replica - 1]!, headers, idempotent: false, signal: o.signal });
      const id = reply.text.trim();
      if (!/^[A-Za-z0-9-]+$/.test(id)) throw new ProtocolError(`The server answered ${JSON.stringify(reply.text.slice(0, 60))} instead of a session id.`, this.http.url({ path: "session" }));
      return id;
    }, { concurrency: this.concurrency, onSettled: (r) => { if (r.ok) created++; else failedCount++; o.onProgress?.(created, failedCount, count); } });
    const failed = result.failed.map((f) => ({ replica: f.key, name: forms[f.key - 1]![0]![1], error: f.error }));
    if (result.succeeded.length === 0 && failed[0]) throw failed[0].error;
    return { ids: result.succeeded.map((s) => s.value), sessions: [], failed };
  }

  /**
   * Creates one set of sessions in one request (skyrun): a single session as itself,
   * identical ones (all but the name) as `replicas` named `baseName-1…N`, different ones
   * as a JSON array. On the platform, which has neither sets nor skyrun's extensions,
   * each session is its own request. Throws when the set was not created.
   */
  async createSet(sessions: readonly SessionRequest[], options: SessionSetOptions = {}, baseName?: string, o: CallOptions = {}): Promise<Omit<CreatedSet, "key">> {
    const shape = setShape(sessions, baseName ?? sessions[0]?.name ?? "set");
    const items = "single" in shape ? [shape.single] : shape.list;
    for (const item of items) checkSpec({ ...item, ...options });
    const auth = this.options.registryAuth;
    const headers = auth ? { "x-skaha-registry-auth": registryAuthHeader(auth) } : undefined;
    if ((await this.server(o)).kind !== "skyrun") {
      for (const item of items) toPlatformForm({ ...item, ...options }, 1, item.replicas ?? 1);
      const ids: string[] = [];
      for (const item of items) ids.push(...(await this.create({ ...item, ...options }, o)).ids);
      return { ids, sessions: [] };
    }
    const json = "single" in shape ? toSkyrunBody({ ...shape.single, ...options }) : toSkyrunSetBody(shape.list, options);
    const call: HttpCall = { method: "POST", path: "session", json, headers: { accept: "application/vnd.skyrun+json", ...headers }, idempotent: false, signal: o.signal };
    const reply = await this.http.request(call);
    return parseCreated(reply.text, this.http.url(call));
  }

  /**
   * Creates several sets in order (parents first), one request each, turning each set's
   * `after` into `dependsOn` ids of the earlier sets' sessions. Stops at the first set
   * that fails and reports it with the sets already created.
   */
  async createSets(sets: readonly SessionSetRequest[], o: CallOptions & { onSetCreated?: (set: CreatedSet) => void } = {}): Promise<CreateSetsResult> {
    return createSetsInOrder(sets, (sessions, options, baseName) => this.createSet(sessions, options, baseName, o), o.onSetCreated);
  }

  /** The caller's sessions, optionally filtered by kind and status. */
  async list(filter: ListFilter = {}, o: CallOptions = {}): Promise<SessionJson[]> {
    const labels = filter.labels && filter.labels.length > 0 ? filter.labels : undefined;
    if (labels && (await this.server(o)).kind !== "skyrun") throw new UnsupportedError("Listing by label is a skyrun extension; this server (the platform) has no labels.");
    return this.getJson<SessionJson[]>("session", { type: filter.kind, status: this.statusWord(filter.status), label: labels }, o);
  }

  /** `view=all`: every user's sessions, limited fields (a skyrun operator may keep it for administrators). */
  async listAll(filter: ListFilter = {}, o: CallOptions = {}): Promise<PublicSessionJson[]> {
    return this.getJson<PublicSessionJson[]>("session", { view: "all", type: filter.kind, status: this.statusWord(filter.status) }, o);
  }

  async info(id: string, o: CallOptions = {}): Promise<SessionJson> {
    return this.getJson<SessionJson>(`session/${encodeURIComponent(id)}`, {}, o);
  }

  /** `info` for many ids at once, with bounded concurrency and per-id results. */
  async infoMany(ids: readonly string[], o: CallOptions = {}): Promise<BulkResult<string, SessionJson>> {
    return runBulk(ids, (id) => this.info(id, o), { concurrency: this.concurrency });
  }

  /** The session's whole output (stdout and stderr), or its last `tail` lines. */
  async logs(id: string, o: LogOptions = {}): Promise<string> {
    const skyrun = (await this.server(o)).kind === "skyrun";
    const reply = await this.http.request({ method: "GET", path: `session/${encodeURIComponent(id)}`, query: { view: "logs", tail: skyrun ? o.tail : undefined }, idempotent: true, signal: o.signal });
    return !skyrun && o.tail !== undefined ? lastLines(reply.text, o.tail) : reply.text;
  }

  /**
   * The session's output as it is written, ending when the session ends (or when
   * `signal` fires). skyrun streams it; on the platform the log is polled and only new
   * bytes are yielded.
   */
  async *followLogs(id: string, o: FollowOptions = {}): AsyncGenerator<string> {
    const path = `session/${encodeURIComponent(id)}`;
    if ((await this.server(o)).kind === "skyrun") {
      const stream = await this.http.stream({ method: "GET", path: `${path}/logs`, query: { follow: true, tail: o.tail }, idempotent: true, signal: o.signal });
      yield* decodeChunks(stream.chunks);
      return;
    }
    yield* pollLogs({
      logs: async (signal) => (await this.http.request({ method: "GET", path, query: { view: "logs" }, idempotent: true, signal })).text,
      status: async (signal) => (await this.info(id, { signal })).status,
    }, o);
  }

  /**
   * What happened to the session, as objects. skyrun answers JSON; the platform's text
   * table is parsed, and its 404 for a session without a pod yet becomes no events.
   */
  async events(id: string, o: CallOptions = {}): Promise<SessionEventJson[]> {
    const path = `session/${encodeURIComponent(id)}`;
    if ((await this.server(o)).kind === "skyrun") return this.getJson<SessionEventJson[]>(path, { view: "events" }, o, SKYRUN_JSON_MEDIA_TYPE);
    try {
      const reply = await this.http.request({ method: "GET", path, query: { view: "events" }, idempotent: true, signal: o.signal });
      return parseEventTable(reply.text);
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 404)) throw e;
      await this.info(id, o); // still 404: the session itself is unknown
      return [];
    }
  }

  /** The platform's allocation and capacity (`view=stats`). */
  async stats(o: CallOptions = {}): Promise<PlatformStatsJson> {
    return this.getJson<PlatformStatsJson>("session", { view: "stats" }, o);
  }

  /** What one session asked for and uses (skyrun's `/session/{id}/stats`). */
  async sessionStats(id: string, o: CallOptions = {}): Promise<SessionStatsJson> {
    if ((await this.server(o)).kind !== "skyrun") throw new UnsupportedError("Per-session stats are a skyrun extension; the platform reports usage in the session itself (see info).");
    return this.getJson<SessionStatsJson>(`session/${encodeURIComponent(id)}/stats`, {}, o);
  }

  /** Deletes (stops) a session. Deleting again is harmless. */
  async delete(id: string, o: CallOptions = {}): Promise<void> {
    await this.http.request({ method: "DELETE", path: `session/${encodeURIComponent(id)}`, idempotent: true, signal: o.signal });
  }

  async deleteMany(ids: readonly string[], o: CallOptions = {}): Promise<BulkResult<string, undefined>> {
    return runBulk(ids, async (id) => { await this.delete(id, o); return undefined; }, { concurrency: this.concurrency });
  }

  /** Extends a running session's expiry by the server's renewal period (a no-op while plenty remains). */
  async renew(id: string, o: CallOptions = {}): Promise<void> {
    await this.http.request({ method: "POST", path: `session/${encodeURIComponent(id)}`, form: [["action", "renew"]], idempotent: true, signal: o.signal });
  }

  async renewMany(ids: readonly string[], o: CallOptions = {}): Promise<BulkResult<string, undefined>> {
    return runBulk(ids, async (id) => { await this.renew(id, o); return undefined; }, { concurrency: this.concurrency });
  }

  /** What a session may ask for: cores, RAM (GB) and GPU options and defaults. */
  async context(o: CallOptions = {}): Promise<ResourceContextJson> {
    return this.getJson<ResourceContextJson>("context", {}, o);
  }

  /** Images the server offers, optionally only those of one session type. */
  async images(kind?: string, o: CallOptions = {}): Promise<ImageJson[]> {
    return this.getJson<ImageJson[]>("image", { type: kind }, o);
  }

  /** Registry hosts images may come from. */
  async repositories(o: CallOptions = {}): Promise<string[]> {
    return this.getJson<string[]>("repository", {}, o);
  }

  /**
   * Usage of ended sessions summed by `by` per `period` (skyrun's `/accounting`): yours,
   * or for an administrator everyone's (or one `user`'s).
   */
  async accounting(q: AccountingQuery = {}, o: CallOptions = {}): Promise<AccountingReportJson> {
    await this.requireSkyrun("Accounting", o);
    return this.getJson<AccountingReportJson>("accounting", { from: q.from, to: q.to, by: q.by, period: q.period, user: q.user }, o);
  }

  /** The same report as CSV text (a header row, then one record per row). */
  async accountingCsv(q: AccountingQuery = {}, o: CallOptions = {}): Promise<string> {
    await this.requireSkyrun("Accounting", o);
    return (await this.http.request({ method: "GET", path: "accounting", query: { from: q.from, to: q.to, by: q.by, period: q.period, user: q.user, format: "csv" }, headers: { accept: "text/csv" }, idempotent: true, signal: o.signal })).text;
  }

  /** Every ended session of the range (the per-job history), all pages read. */
  async jobHistory(q: JobHistoryQuery = {}, o: CallOptions = {}): Promise<JobHistoryJson[]> {
    await this.requireSkyrun("Accounting", o);
    const jobs: JobHistoryJson[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.getJson<JobHistoryPageJson>("accounting/jobs", { from: q.from, to: q.to, user: q.user, limit: q.pageSize === undefined ? undefined : String(q.pageSize), cursor }, o);
      jobs.push(...page.jobs);
      cursor = page.nextCursor;
    } while (cursor !== undefined);
    return jobs;
  }

  /** The per-job history as CSV text, the legacy `condor_history` CSV's fields first. */
  async jobHistoryCsv(q: JobHistoryQuery = {}, o: CallOptions = {}): Promise<string> {
    await this.requireSkyrun("Accounting", o);
    return (await this.http.request({ method: "GET", path: "accounting/jobs", query: { from: q.from, to: q.to, user: q.user, format: "csv" }, headers: { accept: "text/csv" }, idempotent: true, signal: o.signal })).text;
  }

  /** The month's (`YYYY-MM`, default the current) usage against each configured group or project quota. */
  async quotas(month?: string, o: CallOptions = {}): Promise<QuotaReportJson> {
    await this.requireSkyrun("Quotas", o);
    return this.getJson<QuotaReportJson>("accounting/quotas", { month }, o);
  }

  /** Your sessions grouped as `condor_q`'s batch view: one row per DAG, set or label value (`groupBy`: `dag`, `set`, `label:<key>`). */
  async batches(groupBy?: string, o: CallOptions & { all?: boolean } = {}): Promise<BatchJson[]> {
    await this.requireSkyrun("Batches", o);
    return this.getJson<BatchJson[]>("batches", { groupBy, ...(o.all ? { all: "true" } : {}) }, o);
  }

  /** The key your completion notifications are signed with; check them with `verifyNotificationSignature`. */
  async notificationKey(o: CallOptions = {}): Promise<NotificationKeyJson> {
    await this.requireSkyrun("Notifications", o);
    return this.getJson<NotificationKeyJson>("notifications/key", {}, o);
  }

  /** Your completion notifications, newest first, with what became of each. */
  async notifications(o: CallOptions = {}): Promise<NotificationDeliveryJson[]> {
    await this.requireSkyrun("Notifications", o);
    return this.getJson<NotificationDeliveryJson[]>("notifications", {}, o);
  }

  /** Waits until every session is running or done; see {@link waitForSessions}. */
  async waitFor(ids: string | readonly string[], o: WaitOptions = {}): Promise<WaitResult> {
    return waitForSessions({ list: (signal) => this.list({}, { signal }), info: (id, signal) => this.info(id, { signal }) }, typeof ids === "string" ? [ids] : ids, o);
  }

  /** Closes pooled connections. */
  async close(): Promise<void> {
    await this.http.close();
  }

  /** v0 says Succeeded and v1 Completed: a filter in the other version's word would match nothing on the platform. */
  private statusWord(status: string | undefined): string | undefined {
    if (status === undefined) return undefined;
    if (/^(succeeded|completed)$/i.test(status)) return this.apiVersion === "v0" ? "Succeeded" : "Completed";
    return status;
  }

  private requireSkyrun = async (what: string, o: CallOptions): Promise<void> => { if ((await this.server(o)).kind !== "skyrun") throw new UnsupportedError(`${what} is a skyrun extension; this server is the platform's.`); };

  private async getJson<T>(path: string, query: HttpCall["query"], o: CallOptions, accept = "application/json"): Promise<T> {
    const call: HttpCall = { method: "GET", path, query, headers: { accept }, idempotent: true, signal: o.signal };
    return parseJson<T>((await this.http.request(call)).text, this.http.url(call));
  }
}

/** A client for one server; see {@link ClientOptions}. Throws CredentialsError when a certificate file cannot be used. */
export const createClient = (options: ClientOptions): SkyrunClient => new SkyrunClient(options);

