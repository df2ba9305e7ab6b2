import { z } from "zod";

/**
 * The parameters of every skaha route, in one catalogue: what the routes read, what
 * `POST /session` accepts (the create parser's list of known names comes from here),
 * how a raw value is checked before the domain's finer rules, and what the OpenAPI
 * document says about each. Names are case-insensitive on the wire, as on the platform.
 *
 * Adding a parameter: add it here (a `description`, `extension: true` when the platform
 * has no such parameter), read it in the route through its catalogue entry, and the
 * document, the create parser's unknown-parameter check and the tests follow.
 */

/** Where a parameter may come from: the query string, a form body (`application/x-www-form-urlencoded`), a `multipart/form-data` body, a JSON object body. */
export type ParameterSource = "query" | "form" | "multipart" | "json";

/** One parameter of one or more routes. */
export interface SkahaParameter {
  /** The documented name (camelCase where the platform or skyrun spells it so); matched case-insensitively. */
  readonly name: string;
  /** Where the route reads it from. */
  readonly sources: readonly ParameterSource[];
  /** One raw value in a query string or form body: always text; the domain's rules judge its content. */
  readonly text: z.ZodType<string>;
  /** Its raw value in a JSON body (a number, an argv array, an object of variables…), when `json` is a source. */
  readonly json?: z.ZodType | undefined;
  /** Other names it has in a JSON body (`labels` for `label`). */
  readonly jsonNames?: readonly string[] | undefined;
  /** May be given several times (query, form), or as an array in JSON; every value counts. */
  readonly repeatable: boolean;
  /** The route refuses a request without it (for `POST /session`: in the query string or the body). */
  readonly required: boolean;
  /** What it does, for the API documentation. */
  readonly description: string;
  /** The values it takes, when they are a fixed list (matched case-insensitively). */
  readonly allowed?: readonly string[] | undefined;
  /** True when the platform has no such parameter: a skyrun extension. */
  readonly extension: boolean;
  /** An example value for the documentation. */
  readonly example?: string | undefined;
}

/** A request header a route reads. */
export interface SkahaHeader {
  /** Lower-case, as Node gives header names. */
  readonly name: string;
  readonly description: string;
  /** True when the platform has no such header. */
  readonly extension: boolean;
}

/** Session types the platform knows; skyrun runs only headless ones. */
export const SESSION_TYPES = ["headless", "notebook", "desktop", "carta", "contributed", "firefly", "desktop-app"] as const;

/** The words a `status` filter takes. `Succeeded` and `Completed` select the same sessions on both versions; `Error` is `Failed`. */
export const STATUS_FILTER_VALUES = ["Pending", "Running", "Terminating", "Succeeded", "Completed", "Failed"] as const;

const EVERY_SOURCE: readonly ParameterSource[] = ["query", "form", "multipart", "json"];
const QUERY: readonly ParameterSource[] = ["query"];

/** JSON values: text, a number (or its text), words (a string the server splits, or an exact argv array), a list. */
const JSON_TEXT = z.string();
const JSON_NUMBER = z.union([z.number(), z.string()]);
const JSON_WORDS = z.union([z.string(), z.array(z.string())]);
const JSON_LIST = z.union([z.string(), z.array(z.string())]);
const JSON_MAP = z.union([z.string(), z.array(z.string()), z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]))]);

type ParameterInput = Pick<SkahaParameter, "name" | "description"> & Partial<Omit<SkahaParameter, "name" | "description">>;

/**
 * A parameter with the usual defaults: query string only, text, once, optional, the
 * platform's own. Its type keeps the literal `allowed` values, so a route reading it
 * knows the words it may get.
 */
function parameter<const P extends ParameterInput>(p: P): Omit<SkahaParameter, keyof P> & P {
  return { sources: QUERY, text: z.string(), repeatable: false, required: false, extension: false, ...p };
}

/** A parameter of `POST /session`: from the query string, a form, multipart or a JSON body. */
const createParameter = <const P extends ParameterInput & { readonly json: z.ZodType }>(p: P) => parameter({ sources: EVERY_SOURCE, ...p });

/** Parameters of `POST /session` that describe the sessions, in the order the documentation lists them. */
export const CREATE_PARAMETERS = {
  name: createParameter({
    name: "name", required: true, json: JSON_TEXT, example: "sweep",
    description: "The session's name: 1 to 63 letters, digits and '-', starting and ending with a letter or digit (it becomes the container's host name; lower-cased). With `replicas` > 1 the sessions are `name-1` … `name-N`.",
  }),
  image: createParameter({
    name: "image", required: true, json: JSON_TEXT, example: "images.canfar.net/skaha/terminal:1.1.2",
    description: "The container image, `registry/project/repository:tag`: from an allowed registry (exact host match) or the engine's own images.",
  }),
  cores: createParameter({
    name: "cores", json: JSON_NUMBER, example: "2",
    description: "Cores, both request and limit (\"fixed\"): a value of `/context`'s `cores.options`, or (skyrun) a fraction up to the largest such as `0.5`. Absent: the flexible default (`defaultRequest`, `defaultLimit`).",
  }),
  ram: createParameter({
    name: "ram", json: JSON_NUMBER, example: "4",
    description: "RAM in GB (GiB), both request and limit: a value of `/context`'s `memoryGB.options`, or (skyrun) a fraction up to the largest. Absent: the flexible default.",
  }),
  gpus: createParameter({
    name: "gpus", json: JSON_NUMBER,
    description: "GPUs: 0 (none), or a value of `/context`'s `gpus.options`.",
  }),
  type: createParameter({
    name: "type", json: JSON_TEXT, allowed: ["headless"],
    description: `The session type; absent means headless. skyrun runs headless sessions only: the platform's interactive types (${SESSION_TYPES.slice(1).join(", ")}) are refused with a 400.`,
  }),
  kind: createParameter({
    name: "kind", json: JSON_TEXT, allowed: ["headless"], extension: true,
    description: "Another name for `type`, as the platform's Python client and the seed pages send it; when both are given they must agree.",
  }),
  cmd: createParameter({
    name: "cmd", json: JSON_WORDS, example: "python",
    description: "The program instead of the image's entrypoint. Text is split into words as a shell splits them (quotes honoured, nothing expanded); with no `args`, `cmd=python /arc/x.py in out` runs `python` with three arguments. In a JSON body an array is the exact argv.",
  }),
  args: createParameter({
    name: "args", json: JSON_WORDS, example: "/arc/home/alice/run.py --night 2026-07-01",
    description: "Arguments instead of the image's CMD: split into words as a shell splits them (quotes honoured, nothing expanded; the platform splits on single spaces). In a JSON body an array is passed exactly, one element per argument.",
  }),
  env: createParameter({
    name: "env", json: JSON_MAP, repeatable: true, example: "NIGHT=2026-07-01",
    description: "An environment variable, `KEY=VALUE` (the value may contain '=' or be empty; a malformed entry is a 400, the platform drops it silently); repeatable. In a JSON body also an object `{\"KEY\": \"VALUE\"}`.",
  }),
  replicas: createParameter({
    name: "replicas", json: JSON_NUMBER, extension: true, example: "10",
    description: "Create this many independent sessions in one request (`name-1` … `name-N`), each with `REPLICA_ID` (1-based) and `REPLICA_COUNT` in its environment; up to the server's `sessions.maxReplicas`. The answer lists one id per line.",
  }),
  dependsOn: createParameter({
    name: "dependsOn", json: JSON_LIST, repeatable: true, extension: true,
    description: "Ids of sessions (comma-separated or repeated) that must end `Succeeded`/`Completed` before this one starts; it fails with the reason when one of them fails or is deleted.",
  }),
  label: createParameter({
    name: "label", json: JSON_MAP, jsonNames: ["labels"], repeatable: true, extension: true, example: "survey=m31",
    description: "A label, `key=value`, repeatable: key 1 to 63 of a-z, 0-9, '.', '_', '/', '-' starting with a letter or digit; value up to 253 characters, no control characters. Listings and bulk actions select by label. In a JSON body also `labels: {\"key\": \"value\"}`.",
  }),
  retries: createParameter({
    name: "retries", json: JSON_NUMBER, extension: true, example: "2",
    description: "Retry a failed attempt (exit code ≠ 0, OOM, lost node or engine, deadline) up to this many times (0 to 10), with exponential backoff; a deleted session is never retried.",
  }),
  walltime: createParameter({
    name: "walltime", json: JSON_NUMBER, extension: true, example: "02:00:00",
    description: "The deadline from start: seconds, or as Slurm's `--time` (`[D-]HH:MM:SS`, `MM:SS`, `MM`); at most the server's `sessions.deadlineSeconds`.",
  }),
  workdir: createParameter({
    name: "workdir", json: JSON_TEXT, extension: true, example: "/arc/home/alice/run1",
    description: "The container's working directory: an absolute path under `/arc/home/<you>` or `/arc/projects/<group>` (HTCondor's `initialdir`).",
  }),
  stdout: createParameter({
    name: "stdout", json: JSON_TEXT, extension: true, example: "out.txt",
    description: "After the run, the session's stdout is written to this path as you: absolute under /arc as `workdir`, or relative to `workdir` (HTCondor `output`, Slurm `--output`).",
  }),
  stderr: createParameter({
    name: "stderr", json: JSON_TEXT, extension: true, example: "err.txt",
    description: "After the run, the session's stderr is written to this path, as `stdout`; the same path as `stdout` merges the two.",
  }),
  disk: createParameter({
    name: "disk", json: JSON_NUMBER, extension: true,
    description: "Scratch space asked for, in GB (a positive number; HTCondor's `request_disk`): counted for admission and accounting.",
  }),
  maxRunning: createParameter({
    name: "maxRunning", json: JSON_NUMBER, extension: true, example: "10",
    description: "At most this many of the sessions this request creates run at once (1 to 10000; Slurm's `%K`, HTCondor's `max_materialize`). Set-wide: in a JSON array every item must agree.",
  }),
  maxRunningLabel: createParameter({
    name: "maxRunningLabel", json: JSON_TEXT, extension: true,
    description: "A key of this request's `label`s: the `maxRunning` limit then counts all your sessions with the same value for that label, not only this request's. Needs `maxRunning`; set-wide.",
  }),
  notify: createParameter({
    name: "notify", json: JSON_TEXT, extension: true,
    description: "One HTTP POST (JSON, HMAC-signed) to this http(s) URL when the session ends, or for several, when all of them ended. Only URL prefixes the operator allows (`notifications.allowedUrls`); set-wide.",
  }),
} as const satisfies Record<string, SkahaParameter>;

/** The JSON opt-in: shapes the answer, on any skaha route where the platform answers text. */
export const FORMAT_PARAMETER = parameter({
  name: "format", sources: EVERY_SOURCE, json: JSON_TEXT, allowed: ["json", "text"], extension: true,
  description: "`json` answers JSON where the platform answers text (`POST /session`, `?view=events`); `text` forces the platform's text. The same opt-in as `Accept: application/vnd.skyrun+json`; the parameter wins when both are given.",
});

/** `x-skaha-registry-auth` on `POST /session`: credentials for a private image. */
export const REGISTRY_AUTH_HEADER: SkahaHeader = {
  name: "x-skaha-registry-auth",
  extension: false,
  description: "Credentials for a private image: base64 of `username:secret`. Used to pull this session's image only; never stored in the session, its log or its script.",
};

/**
 * Which of the caller's sessions a listing shows and a bulk action acts on; all given
 * must match (skyrun). The same names as the create parameters `name` and `label`, read
 * here as filters.
 */
export const SELECTOR_PARAMETERS = {
  label: parameter({ name: "label", repeatable: true, extension: true, example: "survey=m31", description: "Only sessions with this label, `key=value`; repeatable, all must match." }),
  name: parameter({ name: "name", extension: true, example: "sweep-*", description: "Only sessions with this name, or, with a trailing `*`, whose name starts so." }),
  set: parameter({ name: "set", extension: true, description: "Only the sessions created together in one request (their `setId`)." }),
  image: parameter({ name: "image", extension: true, description: "Only sessions whose image contains this text." }),
  user: parameter({ name: "user", extension: true, description: "Administrators, with `view=all`: only this user's sessions." }),
  changedSince: parameter({ name: "changedSince", extension: true, example: "2026-12-01T12:00:00Z", description: "Only sessions whose state or fields changed after this ISO 8601 instant (`updatedTime`); ended ones included while retained." }),
  from: parameter({ name: "from", extension: true, description: "Only sessions created at or after this ISO 8601 instant." }),
  to: parameter({ name: "to", extension: true, description: "Only sessions created before this ISO 8601 instant." }),
} as const satisfies Record<string, SkahaParameter>;

/** The session fields a listing sorts by (`sort`, `-` first for descending). */
export const SORT_FIELDS = ["createdTime", "startTime", "endTime", "name", "status", "userid", "image", "requestedCPUCores", "requestedRAM"] as const;
/** One of {@link SORT_FIELDS}. */
export type SortField = (typeof SORT_FIELDS)[number];

/** Paging of `GET /session` (skyrun): the body stays the platform's array; the total and the next cursor come in headers. */
export const PAGING_PARAMETERS = {
  limit: parameter({ name: "limit", extension: true, example: "100", description: "Page size, 1 to 1000: pages by keyset; `x-skyrun-total` says how many match, `x-skyrun-next-cursor` continues (absent on the last page). Without it the listing is whole, as on the platform." }),
  cursor: parameter({ name: "cursor", extension: true, description: "The `x-skyrun-next-cursor` of the previous page (needs `limit`)." }),
  sort: parameter({ name: "sort", extension: true, example: "-createdTime", description: `The order: ${SORT_FIELDS.join(", ")}; a leading \`-\` for descending. Default \`-createdTime\` when paging.` }),
} as const satisfies Record<string, SkahaParameter>;

/** `GET /session`. Unknown parameters are ignored, as the platform ignores them. */
export const LIST_PARAMETERS = {
  view: parameter({
    name: "view", allowed: ["all", "stats", "interactive"],
    description: "`stats`: the platform's capacity and queue figures instead of a listing. `all`: every user's sessions with only the public fields (administrators see them whole). `interactive`: interactive sessions (none on skyrun). Any other value is ignored, as on the platform.",
  }),
  type: parameter({ name: "type", allowed: SESSION_TYPES, description: "Only sessions of this type (skyrun runs headless sessions only: other types list nothing)." }),
  status: parameter({ name: "status", allowed: STATUS_FILTER_VALUES, repeatable: true, description: "Only sessions with this status (skyrun: repeatable, any of them). `Succeeded` and `Completed` are the same on both versions; `Error` is `Failed`." }),
  ...SELECTOR_PARAMETERS,
  ...PAGING_PARAMETERS,
} as const satisfies Record<string, SkahaParameter>;

/** `action` on `POST /session` (skyrun): instead of creating, act on every session the selectors match. */
export const BULK_ACTION_PARAMETER = parameter({
  name: "action", allowed: ["renew"], extension: true,
  description: "`renew`: instead of creating, renew every one of your sessions that the query's selectors match (`label`, `name`, `set`, `image`, `changedSince`, `from`, `to`; at least one), answering per session as `DELETE /session` does.",
});

/** `DELETE /session` (skyrun): a bulk delete; at least one selector, or a 400 as on the platform. */
export const BULK_PARAMETERS = { ...SELECTOR_PARAMETERS, format: FORMAT_PARAMETER } as const satisfies Record<string, SkahaParameter>;

const FOLLOW = parameter({ name: "follow", allowed: ["true", "false"], extension: true, description: "Keep the answer open and stream the log until the session ends." });
const TAIL = parameter({ name: "tail", extension: true, example: "100", description: "Only the last N lines (a whole number, 0 or more)." });
const ATTEMPT = parameter({ name: "attempt", extension: true, description: "An earlier attempt's log (1-based) of a retried session, instead of the current one." });

/** `GET /session/{id}`. Unknown parameters (and unknown views, such as skaha 1.7's `view=event`) are ignored. */
export const SESSION_PARAMETERS = {
  view: parameter({
    name: "view", allowed: ["logs", "events"],
    description: "`logs`: the session's stdout and stderr as text. `events`: its events, a kubectl-style table (JSON with the opt-in). Any other value is ignored and the session JSON is answered.",
  }),
  follow: FOLLOW,
  tail: TAIL,
  attempt: ATTEMPT,
  format: FORMAT_PARAMETER,
} as const satisfies Record<string, SkahaParameter>;

/** `GET /session/{id}/logs`. */
export const LOG_PARAMETERS = { follow: FOLLOW, tail: TAIL, attempt: ATTEMPT } as const satisfies Record<string, SkahaParameter>;

/** `GET /session/{id}/events`. */
export const EVENT_PARAMETERS = { format: FORMAT_PARAMETER } as const satisfies Record<string, SkahaParameter>;

/** `POST /session/{id}`. */
export const MODIFY_PARAMETERS = {
  action: parameter({
    name: "action", sources: EVERY_SOURCE, json: JSON_TEXT, required: true, allowed: ["renew", "retry"],
    description: "`renew`: extend a running session's expiry as the platform computes it (time used + the renewal period, when that is later). `retry` (skyrun): queue a new session with the same request as this ended one; the answer is its id, as a create's.",
  }),
} as const satisfies Record<string, SkahaParameter>;

/** `GET /image`. */
export const IMAGE_PARAMETERS = {
  type: parameter({ name: "type", allowed: SESSION_TYPES, description: "Only images serving this session type." }),
  refresh: parameter({ name: "refresh", allowed: ["true", "false"], extension: true, description: "Read the registries' catalogs again now instead of the cached list." }),
} as const satisfies Record<string, SkahaParameter>;

/** `GET /stream` (skyrun): live changes of sessions, as Server-Sent Events. */
export const STREAM_PARAMETERS = {
  all: parameter({ name: "all", allowed: ["true", "false"], extension: true, description: "Administrators: every user's sessions, not only their own (anyone else gets 403)." }),
} as const satisfies Record<string, SkahaParameter>;

/** `GET /session/{id}/stats`. */
export const STATS_PARAMETERS = {
  history: parameter({ name: "history", allowed: ["true", "false"], extension: true, description: "Add `history`: the CPU and memory readings taken about every 10 s while the session ran." }),
} as const satisfies Record<string, SkahaParameter>;
