import {
  BULK_ACTION_PARAMETER, BULK_PARAMETERS, CREATE_PARAMETERS, EVENT_PARAMETERS, FORMAT_PARAMETER, IMAGE_PARAMETERS, LIST_PARAMETERS, LOG_PARAMETERS,
  MODIFY_PARAMETERS, REGISTRY_AUTH_HEADER, SELECTOR_PARAMETERS, SESSION_PARAMETERS, STATS_PARAMETERS, STREAM_PARAMETERS, type SkahaHeader, type SkahaParameter,
} from "../../contracts/skaha-parameters.js";
import { z } from "zod";
import type { ResponseSchemaName } from "../../contracts/response-schemas.js";
import type { ErrorCode } from "../../domain/errors.js";

/**
 * Every operation skyrun serves under /skaha (and /healthz, /metrics), for the OpenAPI
 * document: its parameters come from the catalogue the routes read them with, its JSON
 * answers from contracts/response-schemas.ts. A test checks this list against the
 * routes Fastify registered, both ways.
 */

/** A JSON answer's shape: a named response schema, an array of one, or a small schema of its own. */
export type JsonShape = { readonly ref: ResponseSchemaName } | { readonly arrayOf: ResponseSchemaName } | { readonly zod: z.ZodType };

/** What an answer's body is: JSON of one of these shapes, or text (described, with an example). */
export type BodySpec = { readonly json: readonly JsonShape[] } | { readonly text: string; readonly example?: string };

/** `GET /healthz`. */
const HEALTH = z.strictObject({ status: z.enum(["ok", "degraded"]), engine: z.enum(["available", "unavailable"]) });

/** One successful answer: its description, its body by media type (none: empty), and headers it may carry. */
export interface SuccessSpec {
  readonly description: string;
  readonly content?: Readonly<Record<string, BodySpec>>;
  /** Response headers by name, with what they say. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** Who may call an operation. */
export type Access = "user" | "public" | "metrics";

/** One operation of the API, as the document describes it. */
export interface ApiOperation {
  readonly method: "get" | "post" | "delete";
  /** The OpenAPI path; `{version}` is `v0` or `v1`. */
  readonly path: string;
  readonly operationId: string;
  readonly tag: string;
  readonly summary: string;
  readonly description: string;
  /** Parameters read from the query string only. */
  readonly query?: Readonly<Record<string, SkahaParameter>>;
  /** Parameters read from the query string and the body alike (form, multipart, JSON). */
  readonly params?: Readonly<Record<string, SkahaParameter>>;
  /** An unknown parameter is a 400 naming it (POST /session); elsewhere unknown parameters are ignored, as the platform ignores them. */
  readonly refusesUnknown?: boolean;
  /** A JSON body may also be an array of parameter objects (differently specified sessions of one set). */
  readonly acceptsJsonArray?: boolean;
  readonly headers?: readonly SkahaHeader[];
  readonly success: Readonly<Record<number, SuccessSpec>>;
  /** The AppError codes it may answer; the document gives each its status from error-status.ts. */
  readonly errors: readonly ErrorCode[];
  /** Errors raised by the HTTP framework before the route, by status. */
  readonly frameworkErrors?: Readonly<Record<number, string>>;
  readonly access: Access;
  /** True when the platform has no such operation. */
  readonly extension: boolean;
}

/** Tags, in the order the interactive page shows them. `Session Management` keeps the platform's anchor `#!/Session_Management/post_session` working. */
export const TAGS = [
  { name: "Session Management", description: "Headless sessions (batch jobs): create, list, inspect, follow, renew, delete." },
  { name: "Platform", description: "What sessions may ask for: resource options, images, registries." },
  { name: "Service", description: "Discovery and health: VOSI capabilities and availability, health, metrics." },
  { name: "Documentation", description: "This document and its interactive page." },
  { name: "Dashboard", description: "What the web dashboard at `/` asks beyond the skaha API (docs/dashboard.md)." },
] as const;

const USER_ERRORS: readonly ErrorCode[] = ["UNAUTHENTICATED", "FORBIDDEN", "IDENTITY_PROVIDER_UNAVAILABLE", "INTERNAL"];
const ONE_SESSION_ERRORS: readonly ErrorCode[] = ["VALIDATION_FAILED", "JOB_NOT_FOUND", ...USER_ERRORS];
const EVENT_TABLE_EXAMPLE = "TYPE     REASON    MESSAGE                         FIRST-TIME             LAST-TIME\nNormal   Queued    Session queued by alice         2026-07-01T12:00:00Z   2026-07-01T12:00:00Z\nNormal   Started   Started container               2026-07-01T12:00:01Z   2026-07-01T12:00:01Z\n";
const XML = (example: string): BodySpec => ({ text: "VOSI XML", example });
const BULK_TEXT: BodySpec = { text: "One line per matching session: `<id> <outcome>[: why]`.", example: "k3x9ab1z deleted\nq2w3e4r5 refused: session q2w3e4r5 has ended\n" };
/** The selectors a bulk renew reads from the query besides `label`, `name` and `image`, which `POST /session` documents among its parameters. */
const { label: _label, name: _name, image: _image, ...RENEW_ONLY_SELECTORS } = SELECTOR_PARAMETERS;

const SESSION_OPERATIONS: readonly ApiOperation[] = [
  {
    method: "get", path: "/skaha/{version}/session", operationId: "get_session", tag: "Session Management", access: "user", extension: false,
    summary: "List your sessions",
    description: "Your sessions, live or finished within the retention window, oldest first; running ones with their usage. `view=stats` answers the capacity figures instead, `view=all` every user's sessions with only the public fields. skyrun also filters (`label`, `name`, `set`, `image`, `changedSince`, `from`, `to`, several `status`) and pages (`limit`, `cursor`, `sort`), the body staying the platform's array.",
    query: LIST_PARAMETERS,
    success: {
      200: {
        description: "The sessions (an array), the public listing for `view=all`, or the figures for `view=stats`.",
        content: { "application/json": { json: [{ arrayOf: "Session" }, { arrayOf: "PublicSession" }, { ref: "PlatformStats" }] } },
        headers: {
          "x-skyrun-total": "skyrun extension: how many sessions match, before paging.",
          "x-skyrun-next-cursor": "skyrun extension: with `limit`, the `cursor` of the next page; absent on the last.",
        },
      },
    },
    errors: ["VALIDATION_FAILED", ...USER_ERRORS],
  },
  {
    method: "post", path: "/skaha/{version}/session", operationId: "post_session", tag: "Session Management", access: "user", extension: false,
    summary: "Create headless sessions",
    description: "Creates one session, or `replicas` of them, or (skyrun) one per element of a JSON array body: differently specified sessions of one set, whose set-wide parameters (`maxRunning`, `maxRunningLabel`, `notify`) agree. Parameters come from the query string, a form (`curl -d`), a multipart form (`curl -F`) or a JSON object body, in any mix; names are case-insensitive, an unknown parameter is a 400 naming it. The answer is `text/plain`, one id per line, whatever `Accept` says (as the platform); JSON only with `format=json` or `Accept: application/vnd.skyrun+json`.",
    params: { ...CREATE_PARAMETERS, format: FORMAT_PARAMETER },
    query: { action: BULK_ACTION_PARAMETER, ...RENEW_ONLY_SELECTORS },
    refusesUnknown: true,
    acceptsJsonArray: true,
    headers: [REGISTRY_AUTH_HEADER],
    success: {
      200: {
        description: "Created: one id per line (`<id>\\n`), or with the JSON opt-in the created session (an array for several). With `action=renew`: one line per matching session, or with the opt-in an array of outcomes.",
        content: {
          "text/plain": { text: "One session id per line (with `action=renew`: `<id> <outcome>` lines).", example: "k3x9ab1z\n" },
          "application/json": { json: [{ ref: "CreatedSession" }, { arrayOf: "CreatedSession" }, { arrayOf: "BulkOutcome" }] },
        },
      },
    },
    errors: ["VALIDATION_FAILED", "REQUEST_TOO_LARGE", "QUOTA_EXCEEDED", "EXECUTOR_REJECTED", "EXECUTOR_UNAVAILABLE", ...USER_ERRORS],
    frameworkErrors: { 415: "The Content-Type is none of application/x-www-form-urlencoded, multipart/form-data or application/json." },
  },
  {
    method: "delete", path: "/skaha/{version}/session", operationId: "delete_session", tag: "Session Management", access: "user", extension: false,
    summary: "Delete the sessions a selector matches",
    description: "skyrun: deletes every one of your sessions that the selectors match (`label`, `name`, `set`, `image`, `changedSince`, `from`, `to`) and answers per session: text lines, or with the JSON opt-in an array of outcomes. Without a selector it is a 400, as on the platform (`Cannot kill all sessions`).",
    query: BULK_PARAMETERS,
    success: { 200: { description: "What happened to each matching session.", content: { "text/plain": BULK_TEXT, "application/json": { json: [{ arrayOf: "BulkOutcome" }] } } } },
    errors: ["VALIDATION_FAILED", ...USER_ERRORS],
  },
  {
    method: "get", path: "/skaha/{version}/session/{id}", operationId: "get_session_id", tag: "Session Management", access: "user", extension: false,
    summary: "One session, its log or its events",
    description: "The session JSON (with its usage while it runs). `view=logs` answers its stdout and stderr as text (`follow`, `tail` as for `/logs`); `view=events` its events, a text table, or JSON with the opt-in.",
    query: SESSION_PARAMETERS,
    success: {
      200: {
        description: "The session; its log (`view=logs`); its events (`view=events`).",
        content: { "application/json": { json: [{ ref: "Session" }, { arrayOf: "SessionEvent" }] }, "text/plain": { text: "The log (`view=logs`) or the event table (`view=events`).", example: EVENT_TABLE_EXAMPLE } },
      },
    },
    errors: ONE_SESSION_ERRORS,
  },
  {
    method: "post", path: "/skaha/{version}/session/{id}", operationId: "post_session_id", tag: "Session Management", access: "user", extension: false,
    summary: "Renew a running session, or retry an ended one",
    description: "`action=renew` moves the deadline as the platform computes it: time used + the renewal period, when that is later. `action=retry` (skyrun) queues a new session with the same request as this ended one. No `action` is a 400 (`Cannot modify an existing session`), another one too (`unrecognized action`).",
    params: MODIFY_PARAMETERS,
    query: { format: FORMAT_PARAMETER },
    headers: [REGISTRY_AUTH_HEADER],
    success: {
      200: {
        description: "Renewed: an empty body. Retried: the new session's id (or with the JSON opt-in, the new session).",
        content: { "text/plain": { text: "Empty (renew), or the new session's id (retry).", example: "q2w3e4r5\n" }, "application/json": { json: [{ ref: "CreatedSession" }] } },
      },
    },
    errors: ["JOB_ILLEGAL_TRANSITION", ...ONE_SESSION_ERRORS],
  },
  {
    method: "delete", path: "/skaha/{version}/session/{id}", operationId: "delete_session_id", tag: "Session Management", access: "user", extension: false,
    summary: "Delete a session",
    description: "The session becomes `Terminating`, then its container is stopped (SIGTERM, then SIGKILL) and removed; it is kept, `Failed`, with the reason. Another user's session is a 404 (the platform answers 200 to anything).",
    success: { 200: { description: "Deleted; an empty body." } },
    errors: ["JOB_ILLEGAL_TRANSITION", ...ONE_SESSION_ERRORS],
  },
  {
    method: "get", path: "/skaha/{version}/session/{id}/logs", operationId: "get_session_id_logs", tag: "Session Management", access: "user", extension: true,
    summary: "A session's log",
    description: "stdout and stderr in the order written, kept after the session ends (as `?view=logs`).",
    query: LOG_PARAMETERS,
    success: { 200: { description: "The log, streamed.", content: { "text/plain": { text: "The session's output.", example: "hello from alice\n" } } } },
    errors: ONE_SESSION_ERRORS,
  },
  {
    method: "get", path: "/skaha/{version}/session/{id}/events", operationId: "get_session_id_events", tag: "Session Management", access: "user", extension: true,
    summary: "A session's events",
    description: "Queued and why it waits (in numbers), image pulled or refused, started, exited, OOM-killed, deadline, deleted (as `?view=events`): a kubectl-style table with a header row (`<none>` when empty), or JSON with the opt-in. Answers 200 before the session has started (the platform: 404).",
    query: EVENT_PARAMETERS,
    success: {
      200: {
        description: "The events.",
        content: { "text/plain": { text: "The table: TYPE, REASON, MESSAGE, FIRST-TIME, LAST-TIME, columns three blanks apart.", example: EVENT_TABLE_EXAMPLE }, "application/json": { json: [{ arrayOf: "SessionEvent" }] } },
      },
    },
    errors: ONE_SESSION_ERRORS,
  },
  {
    method: "get", path: "/skaha/{version}/session/{id}/stats", operationId: "get_session_id_stats", tag: "Session Management", access: "user", extension: true,
    summary: "A session's resources and usage",
    description: "What it asked for and, while it runs, the cores and RAM in use, from the engine. With `history=true`, also the readings taken about every 10 s while it ran (kept with the session).",
    query: STATS_PARAMETERS,
    success: { 200: { description: "The figures.", content: { "application/json": { json: [{ ref: "SessionStats" }] } } } },
    errors: ONE_SESSION_ERRORS,
  },
  {
    method: "get", path: "/skaha/{version}/stream", operationId: "get_stream", tag: "Session Management", access: "user", extension: true,
    summary: "Live changes of sessions (Server-Sent Events)",
    description: "Event `session` (data: the session JSON, as `GET /session/{id}`) whenever one of the caller's sessions changes, deletion and end included; administrators with `all=true` get everyone's. Each carries an increasing `id:`; reconnecting with `Last-Event-ID` replays every change after it, or sends event `reset` (reload) when that is unknown or more than 1000 changes back. Event `stats` every 5 s (the `view=stats` JSON); a comment line every 15 s keeps proxies from closing it.",
    query: STREAM_PARAMETERS,
    success: {
      200: {
        description: "The stream, open until the client or the server leaves.",
        content: { "text/event-stream": { text: "Server-Sent Events: `session`, `stats`, `reset`.", example: "event: session\nid: 42\ndata: {\"id\":\"k3x9ab1z\",\"status\":\"Running\",…}\n\n" } },
      },
    },
    errors: USER_ERRORS,
  },
  {
    method: "get", path: "/skaha/{version}/queue", operationId: "get_queue", tag: "Session Management", access: "user", extension: true,
    summary: "The queue and the cluster",
    description: "Capacity and what live sessions hold; every user with sessions queued or live (other users' groups, priority, fair-share usage and cores only for administrators, as `view=all` shows others only public fields); the longest-waiting and oldest-running sessions (non-administrators: their own); the engine and, on Slurm, its nodes.",
    success: { 200: { description: "The queue.", content: { "application/json": { json: [{ ref: "Queue" }] } } } },
    errors: USER_ERRORS,
  },
];

const PLATFORM_OPERATIONS: readonly ApiOperation[] = [
  {
    method: "get", path: "/skaha/{version}/context", operationId: "get_context", tag: "Platform", access: "user", extension: false,
    summary: "Resource options",
    description: "The cores, RAM (GB) and GPUs a session may ask for: only the values this server can run.",
    success: { 200: { description: "The options.", content: { "application/json": { json: [{ ref: "ResourceContext" }] } } } },
    errors: USER_ERRORS,
  },
  {
    method: "get", path: "/skaha/{version}/image", operationId: "get_image", tag: "Platform", access: "user", extension: false,
    summary: "Images",
    description: "Images with their session types: the allowed registries' public catalogs (types from the `ca.canfar.skyrun.types` label) and the engine's own images.",
    query: IMAGE_PARAMETERS,
    success: { 200: { description: "The images.", content: { "application/json": { json: [{ arrayOf: "Image" }] } } } },
    errors: ["VALIDATION_FAILED", ...USER_ERRORS],
  },
  {
    method: "get", path: "/skaha/{version}/repository", operationId: "get_repository", tag: "Platform", access: "user", extension: false,
    summary: "Allowed registries",
    description: "The registry hosts images may come from (matched exactly).",
    success: { 200: { description: "Registry hosts.", content: { "application/json": { json: [{ zod: z.array(z.string()) }] } } } },
    errors: USER_ERRORS,
  },
];

const SERVICE_OPERATIONS: readonly ApiOperation[] = [
  {
    method: "get", path: "/skaha/capabilities", operationId: "get_capabilities", tag: "Service", access: "public", extension: false,
    summary: "VOSI capabilities",
    description: "The standard ids by which the platform's clients find v0 (`vos://cadc.nrc.ca~vospace/CADC/std/Proc#sessions-1.0`) and v1's session, context, image and repository endpoints, with their security methods.",
    success: { 200: { description: "Capabilities.", content: { "text/xml": XML("<vosi:capabilities …>…</vosi:capabilities>") } } },
    errors: [],
  },
  {
    method: "get", path: "/skaha/availability", operationId: "get_availability", tag: "Service", access: "public", extension: false,
    summary: "VOSI availability",
    description: "Whether skyrun accepts sessions now (its container engine answers).",
    success: { 200: { description: "Availability.", content: { "text/xml": XML("<vosi:availability …><vosi:available>true</vosi:available>…</vosi:availability>") } } },
    errors: [],
  },
  {
    method: "get", path: "/healthz", operationId: "get_healthz", tag: "Service", access: "public", extension: true,
    summary: "Health",
    description: "200 while the engine answers, 503 while it does not; for load balancers and probes.",
    success: {
      200: { description: "Healthy: `{\"status\": \"ok\", \"engine\": \"available\"}`.", content: { "application/json": { json: [{ zod: HEALTH }] } } },
      503: { description: "Degraded: `{\"status\": \"degraded\", \"engine\": \"unavailable\"}`.", content: { "application/json": { json: [{ zod: HEALTH }] } } },
    },
    errors: [],
  },
  {
    method: "get", path: "/metrics", operationId: "get_metrics", tag: "Service", access: "metrics", extension: true,
    summary: "Prometheus metrics",
    description: "Requests, errors, sessions by state, scheduling and engine figures. For administrators, or a scraper with `metrics.bearerToken`; everyone where `metrics.public` is set.",
    success: { 200: { description: "The Prometheus text format.", content: { "text/plain": { text: "Prometheus exposition format.", example: "# HELP skyrun_sessions_created_total …\n" } } } },
    errors: ["UNAUTHENTICATED", "FORBIDDEN", "IDENTITY_PROVIDER_UNAVAILABLE"],
  },
];

const DOCUMENTATION_OPERATIONS: readonly ApiOperation[] = [
  {
    method: "get", path: "/skaha", operationId: "get_api_page", tag: "Documentation", access: "public", extension: true,
    summary: "This interactive page",
    description: "The API documentation, served by skyrun itself with everything it needs (no other host is contacted).",
    success: { 200: { description: "An HTML page.", content: { "text/html": { text: "HTML" } } } },
    errors: [],
  },
  ...(["json", "yaml"] as const).map((kind): ApiOperation => ({
    method: "get", path: `/skaha/openapi.${kind}`, operationId: `get_openapi_${kind}`, tag: "Documentation", access: "public", extension: true,
    summary: `This document, as ${kind.toUpperCase()}`,
    description: "The OpenAPI 3.1 document of `/skaha/v0` and `/skaha/v1`, generated when the server starts from the schemas the routes validate with.",
    success: { 200: { description: "The document.", content: { [kind === "json" ? "application/json" : "application/yaml"]: { text: "OpenAPI 3.1" } } } },
    errors: [],
  })),
];

/** The files the interactive page loads, each served at `/skaha/docs/<file>`. */
export const PAGE_ASSET_FILES = ["swagger-ui.css", "swagger-ui-bundle.js", "skyrun-api-page.js"] as const;

const PAGE_ASSET_OPERATIONS: readonly ApiOperation[] = PAGE_ASSET_FILES.map((file) => ({
  method: "get", path: `/skaha/docs/${file}`, operationId: `get_docs_${file.replace(/[^a-z0-9]+/g, "_")}`, tag: "Documentation", access: "public", extension: true,
  summary: `A file of the interactive page: ${file}`,
  description: file.startsWith("swagger-ui") ? "From the swagger-ui-dist package, served by skyrun." : "Starts Swagger UI on this document and maps the platform's `#!/Tag/operation` links.",
  success: { 200: { description: "The file.", content: { [file.endsWith(".css") ? "text/css" : "text/javascript"]: { text: file } } } },
  errors: [],
}));

const DASHBOARD_OPERATIONS: readonly ApiOperation[] = [
  {
    method: "get", path: "/skaha/{version}/dashboard/config", operationId: "get_dashboard_config", tag: "Dashboard", access: "public", extension: true,
    summary: "How to log in",
    description: "Whether the server accepts OIDC tokens, and from which issuer and client id, so the dashboard can offer that login. Needs no credentials.",
    success: { 200: { description: "The login settings.", content: { "application/json": { json: [{ ref: "DashboardConfig" }] } } } },
    errors: [],
  },
  {
    method: "get", path: "/skaha/{version}/dashboard/me", operationId: "get_dashboard_me", tag: "Dashboard", access: "user", extension: true,
    summary: "Who I am",
    description: "The user the request's credentials belong to, their groups, whether they administer, and how they were recognised.",
    success: { 200: { description: "The caller.", content: { "application/json": { json: [{ ref: "DashboardMe" }] } } } },
    errors: USER_ERRORS,
  },
];

/** Every operation, in the order the document lists them. */
export const API_OPERATIONS: readonly ApiOperation[] = [
  ...SESSION_OPERATIONS, ...PLATFORM_OPERATIONS, ...SERVICE_OPERATIONS, ...DASHBOARD_OPERATIONS, ...DOCUMENTATION_OPERATIONS, ...PAGE_ASSET_OPERATIONS,
];
