/**
 * fast-check arbitraries for requests to skyrun's API (issue 11): every endpoint,
 * every way parameters arrive (query, form, multipart, JSON), the headers that
 * matter (credentials, x-skaha-registry-auth, Accept, Content-Type, Host) and odd
 * methods, mixing valid values with junk so both sides of every check are reached.
 *
 * The junk alphabet never spells a host path or a stack frame, so any of those in an
 * answer came from the server.
 */
import fc from "fast-check";
import { DEMO_IMAGE } from "./paths.js";

export interface FuzzRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly payload?: string;
}

export interface FuzzContext {
  /** The caller's token, another user's, and sessions that have ended (so `follow` ends). */
  readonly token: string;
  readonly otherToken: string;
  readonly finishedIds: readonly string[];
}

/** Characters that break parsers: quotes, escapes, percent, NUL, controls, right-to-left, astral. */
const junkChar = fc.constantFrom("a", "Z", "0", "9", "-", "_", ".", " ", "'", "\"", "\\", "%", "&", "=", "?", "#", "+", ",", ";", ":", "\u0000", "\n", "\r", "\t", "é", "✓", "\u202e", "😀", "<", ">", "{", "}", "[", "]", "$", "`", "|", "*", "~", "!");
const junk = fc.oneof(
  fc.string({ unit: junkChar, maxLength: 24 }),
  fc.constantFrom("", "-1", "0", "1e309", "NaN", "Infinity", "null", "true", "__proto__", "constructor", "../../etc/passwd", "%00", "%ZZ", "' OR 1=1 --", "${HOME}", "$(id)"),
  fc.integer({ min: 1, max: 5000 }).map((n) => "x".repeat(n)),
);

/** A value for a parameter: one the server accepts, or junk. */
function valueFor(name: string, c: FuzzContext): fc.Arbitrary<string> {
  const valid: Record<string, fc.Arbitrary<string>> = {
    name: fc.constantFrom("job", "fuzz-1", "a"),
    image: fc.constantFrom(DEMO_IMAGE, "localhost/skyrun-demo", "images.example.org/x/y:1", "no-such-image:latest"),
    cores: fc.constantFrom("1", "2", "1.5", "64"),
    ram: fc.constantFrom("1", "2", "4", "1000"),
    gpus: fc.constantFrom("0", "1"),
    type: fc.constantFrom("headless", "notebook", "HEADLESS", "desktop-app"),
    kind: fc.constantFrom("headless"),
    cmd: fc.constantFrom("true", "echo hi", "sh", "python /x.py in out"),
    args: fc.constantFrom("-c 'echo a b'", "a \"b c\" d", "'unbalanced", "\\"),
    env: fc.constantFrom("A=b", "A=b=c", "EMPTY=", "NOEQUALS", "HOME=/x", "1BAD=x"),
    replicas: fc.constantFrom("1", "2", "3", "6"),
    dependson: fc.constantFrom(...c.finishedIds, "abcd1234", "not-an-id"),
    view: fc.constantFrom("logs", "events", "all", "stats", "interactive", "bogus"),
    status: fc.constantFrom("Pending", "Running", "Succeeded", "Completed", "Failed", "Sleeping"),
    tail: fc.constantFrom("0", "1", "10", "-3", "999999999", "1.5"),
    follow: fc.constantFrom("true", "false", "1", "maybe"),
    action: fc.constantFrom("renew", "explode"),
    refresh: fc.constantFrom("true", "false"),
  };
  return fc.oneof({ weight: 3, arbitrary: Object.hasOwn(valid, name) ? valid[name]! : junk }, { weight: 1, arbitrary: junk });
}

const PARAMS = ["name", "image", "cores", "ram", "gpus", "type", "kind", "cmd", "args", "env", "replicas", "dependson", "view", "status", "tail", "follow", "action", "refresh"];
const paramName = fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...PARAMS, "Name", "IMAGE", "dependsOn") }, { weight: 1, arbitrary: junk.filter((s) => s.length > 0) });

const params = (c: FuzzContext, maxLength: number) =>
  fc.array(paramName.chain((name) => valueFor(name.toLowerCase(), c).map((value): [string, string] => [name, value])), { maxLength });

const idOf = (c: FuzzContext) => fc.oneof(fc.constantFrom(...c.finishedIds), fc.constantFrom("abcd1234", "zzzzzzzz", "a", "x".repeat(300)), junk);

/** Paths of every endpoint, with ids and junk segments. */
const path = (c: FuzzContext) => fc.oneof(
  { weight: 8, arbitrary: fc.tuple(fc.constantFrom("v0", "v1"), fc.oneof(
    fc.constantFrom("/session", "/context", "/image", "/repository", "/session/"),
    idOf(c).map((id) => `/session/${encodeURIComponent(id)}`),
    fc.tuple(idOf(c), fc.constantFrom("logs", "events", "stats", "app", "app/x", "a/b/c")).map(([id, sub]) => `/session/${encodeURIComponent(id)}/${sub}`),
  )).map(([v, p]) => `/skaha/${v}${p}`) },
  { weight: 2, arbitrary: fc.constantFrom("/skaha/capabilities", "/skaha/availability", "/healthz", "/metrics", "/", "/skaha", "/skaha/v2/session", "//skaha//v0//session") },
  // Random paths are echoed in the 404: keep out of them what the leak check looks for.
  { weight: 1, arbitrary: fc.webPath().map((p) => (p.startsWith("/") ? p : `/${p}`)).filter((p) => leaks(p, "\u0000none") === undefined) },
);

const multipartBody = (fields: readonly [string, string][]) => fc.record({
  boundary: fc.constantFrom("b0undary", "x"),
  declared: fc.constantFrom("ok", "missing", "other"),
  cut: fc.boolean(),
  file: fc.boolean(),
}).map((m) => {
  const parts = fields.map(([k, v]) => `--${m.boundary}\r\nContent-Disposition: form-data; name="${k}"${m.file ? `; filename="${k}.txt"` : ""}\r\n\r\n${v}\r\n`).join("");
  const contentType = m.declared === "missing" ? "multipart/form-data" : `multipart/form-data; boundary=${m.declared === "ok" ? m.boundary : "elsewhere"}`;
  return { contentType, payload: parts + (m.cut ? "" : `--${m.boundary}--\r\n`) };
});

/** JSON bodies: objects of parameters (argv arrays, env objects), and what is not an object. */
const jsonBody = (c: FuzzContext) => fc.oneof(
  { weight: 4, arbitrary: fc.record({
    name: valueFor("name", c), image: valueFor("image", c),
    cmd: fc.oneof(valueFor("cmd", c), fc.array(junk, { maxLength: 4 })),
    args: fc.oneof(valueFor("args", c), fc.array(fc.oneof(junk, fc.integer(), fc.jsonValue()), { maxLength: 4 })),
    env: fc.oneof(valueFor("env", c), fc.dictionary(junk, fc.oneof(junk, fc.integer(), fc.jsonValue()), { maxKeys: 3 })),
    cores: fc.oneof(valueFor("cores", c), fc.jsonValue()),
  }, { requiredKeys: [] }).map((o) => JSON.stringify(o)) },
  { weight: 1, arbitrary: fc.jsonValue().map((v) => JSON.stringify(v)) },
  { weight: 1, arbitrary: junk },
);

const body = (c: FuzzContext) => params(c, 6).chain((fields) => fc.oneof(
  fc.constant({ contentType: undefined as string | undefined, payload: undefined as string | undefined }),
  fc.constant({ contentType: "application/x-www-form-urlencoded", payload: new URLSearchParams(fields).toString() }),
  junk.map((raw) => ({ contentType: "application/x-www-form-urlencoded", payload: raw })),
  multipartBody(fields),
  jsonBody(c).map((payload) => ({ contentType: "application/json", payload })),
  fc.tuple(fc.constantFrom("application/xml", "text/plain", "application/octet-stream", "multipart/mixed; boundary=x", "application/json; charset=utf-16", ""), junk).map(([contentType, payload]) => ({ contentType, payload })),
));

/** Without CR, LF and NUL, which no header may hold. */
const withoutBreaks = (s: string): string => s.split("").filter((ch) => ch !== "\r" && ch !== "\n" && ch !== "\u0000").join("");

const registryAuth = fc.oneof(
  fc.constantFrom(Buffer.from("me:secret").toString("base64"), Buffer.from("me:se:cret").toString("base64"), Buffer.from("nocolon").toString("base64"), "!!not base64!!", ""),
  junk.map((s) => Buffer.from(s).toString("base64")),
);

const authorization = (c: FuzzContext) => fc.oneof(
  { weight: 6, arbitrary: fc.constant(`Bearer ${c.token}`) },
  { weight: 1, arbitrary: fc.constant(`Bearer ${c.otherToken}`) },
  { weight: 1, arbitrary: fc.constantFrom("Bearer skyrun_00000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "Basic YWxpY2U6cGFzcw==", "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.", "Bearer", "") },
  { weight: 1, arbitrary: junk.map((s) => `Bearer ${withoutBreaks(s)}`) },
);

/** Header values travel as latin1 text without line breaks; HTTP clients refuse anything else. */
const headerSafe = (s: string): string => Buffer.from(withoutBreaks(s), "utf8").toString("latin1");

/**
 * A creation the server may well accept: name and image, then some of the other
 * parameters, biased to valid values, in any of the four forms.
 */
function creation(c: FuzzContext): fc.Arbitrary<FuzzRequest> {
  const optional = fc.subarray(["cores", "ram", "type", "kind", "cmd", "args", "env", "env", "replicas", "dependson"])
    .chain((names) => fc.tuple(...names.map((n) => valueFor(n, c).map((v): [string, string] => [n, v]))));
  return fc.record({
    version: fc.constantFrom("v0", "v1"),
    fields: fc.tuple(fc.constantFrom("job", "sweep", "Fuzz-2"), fc.constantFrom(DEMO_IMAGE, "localhost/skyrun-demo"), optional)
      .map(([name, image, rest]): [string, string][] => [["name", name], ["image", image], ...rest]),
    form: fc.constantFrom("query", "form", "multipart", "json"),
    accept: fc.constantFrom("text/plain", "application/json"),
    registryAuth: fc.option(registryAuth, { freq: 4, nil: undefined }),
  }).map((r) => {
    const headers: Record<string, string> = { authorization: `Bearer ${c.token}`, accept: r.accept };
    if (r.registryAuth !== undefined) headers["x-skaha-registry-auth"] = r.registryAuth;
    const url = `/skaha/${r.version}/session`;
    const encoded = new URLSearchParams(r.fields).toString();
    switch (r.form) {
      case "query": return { method: "POST", url: `${url}?${encoded}`, headers };
      case "form": return { method: "POST", url, headers: { ...headers, "content-type": "application/x-www-form-urlencoded" }, payload: encoded };
      case "multipart": return { method: "POST", url, headers: { ...headers, "content-type": "multipart/form-data; boundary=zz" }, payload: r.fields.map(([k, v]) => `--zz\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`).join("") + "--zz--\r\n" };
      default: {
        const json: Record<string, string | string[]> = {};
        for (const [k, v] of r.fields) json[k] = k in json ? [json[k]!, v].flat() : v;
        return { method: "POST", url, headers: { ...headers, "content-type": "application/json" }, payload: JSON.stringify(json) };
      }
    }
  });
}

/** One request, as `app.inject()` takes it: mostly anything at all, some creations that may succeed. */
export function fuzzRequest(c: FuzzContext): fc.Arbitrary<FuzzRequest> {
  return fc.oneof({ weight: 3, arbitrary: anyRequest(c) }, { weight: 1, arbitrary: creation(c) });
}

function anyRequest(c: FuzzContext): fc.Arbitrary<FuzzRequest> {
  return fc.record({
    method: fc.oneof({ weight: 10, arbitrary: fc.constantFrom("GET", "POST", "DELETE") }, { weight: 2, arbitrary: fc.constantFrom("HEAD", "PUT", "PATCH", "OPTIONS", "TRACE", "CONNECT", "PROPFIND", "SEARCH") }),
    path: path(c),
    query: params(c, 5),
    body: body(c),
    authorization: fc.option(authorization(c), { freq: 8, nil: undefined }),
    registryAuth: fc.option(registryAuth, { freq: 2, nil: undefined }),
    accept: fc.option(fc.constantFrom("application/json", "text/plain", "*/*", "application/json;q=0.1, text/html"), { nil: undefined }),
    host: fc.option(fc.oneof(fc.constantFrom("localhost:80", "skyrun.example.org", "[::1]:8443"), junk), { freq: 3, nil: undefined }),
    extra: fc.option(fc.tuple(fc.constantFrom("x-forwarded-for", "x-forwarded-proto", "cookie", "origin", "range", "if-none-match", "transfer-encoding", "expect"), junk), { nil: undefined }),
  }).map((r) => {
    const query = r.query.length > 0 ? `?${new URLSearchParams(r.query).toString()}` : "";
    const headers: Record<string, string> = {};
    if (r.authorization !== undefined) headers.authorization = headerSafe(r.authorization);
    if (r.registryAuth !== undefined) headers["x-skaha-registry-auth"] = headerSafe(r.registryAuth);
    if (r.accept !== undefined) headers.accept = r.accept;
    if (r.host !== undefined) headers.host = headerSafe(r.host);
    if (r.extra !== undefined && r.extra[0] !== "transfer-encoding" && r.extra[0] !== "expect") headers[r.extra[0]] = headerSafe(r.extra[1]);
    if (r.body.contentType !== undefined) headers["content-type"] = r.body.contentType;
    const withBody = r.body.payload !== undefined && !["GET", "HEAD"].includes(r.method);
    return { method: r.method, url: r.path + query, headers, ...(withBody ? { payload: r.body.payload } : {}) };
  });
}

const XML_ELEMENTS = new Set(["?xml", "vosi:capabilities", "capability", "interface", "accessURL", "securityMethod", "vosi:availability", "vosi:available", "vosi:note"]);

/** An element in an XML answer that skyrun never writes: something the request injected. */
export function foreignXmlElement(body: string): string | undefined {
  for (const m of body.matchAll(/<\/?([?A-Za-z_][\w:.-]*)/g)) if (!XML_ELEMENTS.has(m[1]!)) return m[1];
  return undefined;
}

/** What no answer may show: a stack frame, a host path, the test's data directory. */
export function leaks(body: string, dataDir: string): string | undefined {
  const patterns: [string, RegExp][] = [
    ["a stack frame", /\n\s+at .+[:(]|\bat (?:async )?[\w.<>]+ \(/],
    ["a host path", /\/work\/|\/tmp\/|\/root\/|\/usr\/lib\/|node_modules|\/src\/[\w-]+\.ts|\.js:\d+/],
    ["an internal error", /Internal error|unexpected exception|TypeError|ReferenceError|SyntaxError: /],
  ];
  if (body.includes(dataDir)) return "the data directory";
  return patterns.find(([, p]) => p.test(body))?.[0];
}
