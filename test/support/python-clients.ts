/**
 * The requests the platform's own Python clients send, as they put them on the wire,
 * and how they read the answers (issue 14). Learned from their public sources, the
 * current `canfar` 1.4.1 (`canfar/client.py` headers, `canfar/sessions.py` calls,
 * `canfar/utils/build.py` and `canfar/models/session.py` payloads, `canfar/cli/*.py`
 * parsing) and the previous `skaha` 1.7.0 (`skaha/client.py`, `skaha/session.py`,
 * `skaha/utils/build.py`), and checked against captures of the real clients. Both are
 * httpx 0.28 clients: query strings are Python's `urlencode` (space as `+`, `/` and
 * `:` escaped), a POST carries its parameters in the query string with an empty form
 * body (`Content-Length: 0`), and every request says
 * `Content-Type: application/x-www-form-urlencoded`.
 */
import type { RawRequest } from "./wire-connection.js";

/** A bearer token, or a proxy certificate presented in the TLS handshake. */
export type PythonCredentials = { readonly token: string } | { readonly certificate: true };

type Pairs = readonly (readonly [string, string])[];

/** Python's `urllib.parse.urlencode` (with `quote_plus`): unreserved `A-Za-z0-9_.-~` kept, space as `+`, the rest `%XX`. */
export function pythonUrlencode(pairs: Pairs): string {
  const quote = (s: string) => [...Buffer.from(s, "utf8")].map((b) => {
    const c = String.fromCharCode(b);
    if (/[A-Za-z0-9_.\-~]/.test(c)) return c;
    return c === " " ? "+" : `%${b.toString(16).toUpperCase().padStart(2, "0")}`;
  }).join("");
  return pairs.map(([k, v]) => `${quote(k)}=${quote(v)}`).join("&");
}

const withQuery = (path: string, pairs: Pairs) => (pairs.length > 0 ? `${path}?${pythonUrlencode(pairs)}` : path);

/** `email.utils.formatdate(usegmt=True)`, canfar's Date header. */
const httpDate = (d: Date) => d.toUTCString();
/** `time.asctime(time.gmtime())`, skaha 1.7's Date header: `Wed Dec  2 01:12:01 2026`. */
function asctime(d: Date): string {
  const [wd, mon] = [["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"][d.getUTCDay()]!, ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][d.getUTCMonth()]!];
  const two = (n: number) => String(n).padStart(2, "0");
  return `${wd} ${mon} ${String(d.getUTCDate()).padStart(2, " ")} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} ${d.getUTCFullYear()}`;
}

/** What a script passes to `Session.create` in either client. */
export interface PythonCreateSpec {
  readonly name: string;
  readonly image: string;
  readonly cores?: number;
  readonly ram?: number;
  readonly kind?: string;
  readonly gpu?: number;
  readonly cmd?: string;
  readonly args?: string;
  readonly env?: Readonly<Record<string, string>>;
  readonly replicas?: number;
}

export interface FetchFilter {
  readonly kind?: string;
  readonly status?: string;
  readonly view?: string;
}

/** One of the two clients: how it builds each call's request. */
export interface PythonClient {
  readonly name: string;
  /** One POST per replica, in order. */
  create(spec: PythonCreateSpec): RawRequest[];
  fetch(filter?: FetchFilter): RawRequest;
  stats(): RawRequest;
  info(id: string): RawRequest;
  logs(id: string): RawRequest;
  events(id: string): RawRequest;
  destroy(id: string): RawRequest;
  /**
   * Neither released client has renew; canfar's unreleased line documents it as
   * `POST session/{id}` with `action=renew`, which is what its HTTP client then sends.
   */
  renew(id: string): RawRequest;
  context(): RawRequest;
  /** `Images.fetch(kind)`; without a kind it is also what canfar's `Images.details()` sends. */
  images(kind?: string): RawRequest;
}

export interface PythonClientOptions {
  /** `host:port`, as the Host header says it. */
  readonly host: string;
  readonly credentials: PythonCredentials;
  /** base64 of `username:secret`, when the client is configured with registry credentials. */
  readonly registryAuth?: string;
  readonly clock?: () => Date;
}

function requestOf(method: string, target: string, host: string, headers: Pairs): RawRequest {
  // httpx puts Host first and, for a POST without content, Content-Length: 0 after it.
  const first: [string, string][] = [["Host", host], ...(method === "POST" ? [["Content-Length", "0"] as [string, string]] : [])];
  return { method, target, headers: [...first, ...headers], body: method === "POST" ? "" : undefined };
}

/**
 * canfar's image rule (`CreateRequest._validate_image`): 2 or 3 `/`-separated parts, a
 * name of 2 parts gets `images.canfar.net/` in front, and `:latest` when untagged.
 */
export function canfarImage(image: string): string {
  const parts = image.split("/");
  if (parts.length < 2 || parts.length > 3) throw new Error(`canfar refuses ${image} before sending: it wants [registry/]repository/image[:tag]`);
  const full = parts.length === 2 ? `images.canfar.net/${image}` : image;
  return full.split("/").at(-1)!.includes(":") ? full : `${full}:latest`;
}

/** The current client, `canfar` 1.4.1 (`Session`, `AsyncSession`, the `canfar` CLI), configured with a URL ending in `/v1` or `/v0`. */
export function canfarClient(basePath: string, o: PythonClientOptions): PythonClient {
  const clock = o.clock ?? (() => new Date());
  const headers = (): Pairs => [
    ["Accept-Encoding", "gzip, deflate"],
    ["Connection", "keep-alive"],
    ["Content-Type", "application/x-www-form-urlencoded"],
    ["Accept", "application/json"],
    ["Date", httpDate(clock())],
    ["User-Agent", "python-canfar/1.4.1"],
    ...("token" in o.credentials
      ? [["Authorization", `Bearer ${o.credentials.token}`], ["X-Skaha-Authentication-Type", "RUNTIME-TOKEN"]] as const
      : [["X-Skaha-Authentication-Type", "RUNTIME-X509"]] as const),
    ...(o.registryAuth ? [["X-Skaha-Registry-Auth", o.registryAuth] as const] : []),
  ];
  const call = (method: string, path: string, pairs: Pairs = []) => requestOf(method, withQuery(`${basePath}/${path}`, pairs), o.host, headers());
  return {
    name: "canfar 1.4.1",
    create(spec) {
      const count = spec.replicas ?? 1;
      const base: [string, string][] = [["name", spec.name], ["image", canfarImage(spec.image)]];
      if (spec.cores !== undefined) base.push(["cores", String(spec.cores)]);
      if (spec.ram !== undefined) base.push(["ram", String(spec.ram)]);
      base.push(["type", spec.kind ?? "headless"]);
      if (spec.gpu !== undefined) base.push(["gpus", String(spec.gpu)]);
      if (spec.cmd !== undefined) base.push(["cmd", spec.cmd]);
      if (spec.args !== undefined) base.push(["args", spec.args]);
      return Array.from({ length: count }, (_, i) => {
        const env = new Map(Object.entries(spec.env ?? {}));
        env.set("REPLICA_ID", String(i + 1));
        env.set("REPLICA_COUNT", String(count));
        const pairs = base.map(([k, v]) => (k === "name" && count > 1 ? [k, `${v}-${i + 1}`] as const : [k, v] as const));
        return call("POST", "session", [...pairs, ...[...env].map(([k, v]) => ["env", `${k}=${v}`] as const)]);
      });
    },
    fetch: (f = {}) => call("GET", "session", [
      ...(f.kind ? [["type", f.kind] as const] : []), ...(f.status ? [["status", f.status] as const] : []), ...(f.view ? [["view", f.view] as const] : []),
    ]),
    stats: () => call("GET", "session", [["view", "stats"]]),
    info: (id) => call("GET", `session/${id}`),
    logs: (id) => call("GET", `session/${id}`, [["view", "logs"]]),
    events: (id) => call("GET", `session/${id}`, [["view", "events"]]),
    destroy: (id) => call("DELETE", `session/${id}`),
    renew: (id) => call("POST", `session/${id}`, [["action", "renew"]]),
    context: () => call("GET", "context"),
    images: (kind) => call("GET", "image", kind ? [["type", kind]] : []),
  };
}

/** The previous client, `skaha` 1.7.0 (`Session`, `AsyncSession`), configured with `server=…/skaha` and its default version v0. */
export function skahaClient(server: string, o: PythonClientOptions & { readonly version?: "v0" | "v1" }): PythonClient {
  const clock = o.clock ?? (() => new Date());
  const basePath = `${new URL(server).pathname.replace(/\/$/, "")}/${o.version ?? "v0"}`;
  const headers = (): Pairs => [
    ["Accept-Encoding", "gzip, deflate"],
    ["Connection", "keep-alive"],
    ["User-Agent", "python-httpx/0.28.1"],
    ["X-Skaha-Server", server],
    ["Content-Type", "application/x-www-form-urlencoded"],
    ["Accept", "*/*"],
    ["Date", asctime(clock())],
    ["X-Skaha-Client", "python/1.7.0"],
    ["X-Skaha-Authentication-Type", "token" in o.credentials ? "token" : "certificate"],
    ...(o.registryAuth ? [["X-Skaha-Registry-Auth", o.registryAuth] as const] : []),
    ...("token" in o.credentials ? [["Authorization", `Bearer ${o.credentials.token}`] as const] : []),
  ];
  const call = (method: string, path: string, pairs: Pairs = []) => requestOf(method, withQuery(`${basePath}/${path}`, pairs), o.host, headers());
  return {
    name: "skaha 1.7.0",
    create(spec) {
      const count = spec.replicas ?? 1;
      const env = new Map(Object.entries(spec.env ?? {}));
      return Array.from({ length: count }, (_, i) => {
        env.set("REPLICA_ID", String(i + 1));
        env.set("REPLICA_COUNT", String(count));
        // skaha 1.7 always suffixes the replica number and sends its fixed defaults of 2 cores and 4 GB.
        const pairs: [string, string][] = [["name", `${spec.name}-${i + 1}`], ["image", spec.image], ["cores", String(spec.cores ?? 2)], ["ram", String(spec.ram ?? 4)], ["type", spec.kind ?? "headless"]];
        if (spec.gpu !== undefined) pairs.push(["gpus", String(spec.gpu)]);
        if (spec.cmd !== undefined) pairs.push(["cmd", spec.cmd]);
        if (spec.args !== undefined) pairs.push(["args", spec.args]);
        for (const [k, v] of env) pairs.push(["env", `${k}=${v}`]);
        return call("POST", "session", pairs);
      });
    },
    fetch: (f = {}) => call("GET", "session", [
      ...(f.kind ? [["type", f.kind] as const] : []), ...(f.status ? [["status", f.status] as const] : []), ...(f.view ? [["view", f.view] as const] : []),
    ]),
    stats: () => call("GET", "session", [["view", "stats"]]),
    // skaha 1.7's Session.info asks for view=event, a view the platform does not know and ignores.
    info: (id) => call("GET", `session/${id}`, [["view", "event"]]),
    logs: (id) => call("GET", `session/${id}`, [["view", "logs"]]),
    events: (id) => call("GET", `session/${id}`, [["view", "events"]]),
    destroy: (id) => call("DELETE", `session/${id}`),
    renew: (id) => call("POST", `session/${id}`, [["action", "renew"]]),
    context: () => call("GET", "context"),
    images: (kind) => call("GET", "image", kind ? [["type", kind]] : []),
  };
}

/** How both clients read `POST /session`: the body with trailing CR/LF stripped is the id. */
export const createdId = (text: string): string => text.replace(/[\r\n]+$/, "");

/**
 * How `canfar events` reads the events text: the first line is the header, each other
 * line is split on runs of two or more blanks, and only rows of exactly five columns
 * are shown.
 */
export function canfarEventRows(text: string): string[][] {
  return text.trim().split("\n").slice(1).map((line) => line.split(/\s{2,}/)).filter((parts) => parts.length === 5);
}

/** The session kinds canfar's `FetchResponse` accepts; any other `type` is shown as headless. */
export const CANFAR_KINDS = ["desktop", "notebook", "carta", "headless", "firefly", "desktop-app", "contributed"];

/** Python's `datetime.fromisoformat(value.replace("Z", "+00:00"))`, as canfar parses times: true when it would parse. */
export const isPythonIsoTime = (value: unknown): boolean =>
  typeof value === "string" && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})?$/.test(value);
