import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import { chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { registeredRoutes } from "../../../src/api/route-list.js";
import { request, waitForStatus } from "../../support/http.js";
import { DEMO_IMAGE } from "../../support/paths.js";
import { startTestServer, type TestServer, type TestUser } from "../../support/test-server.js";

// Issue 14 item 8: the API documentation the seed pages link to. The document is the one
// a running server serves; real answers of real Podman sessions must match it.

let t: TestServer;
let alice: TestUser;
let doc: { paths: Record<string, Record<string, { parameters?: { name: string; in: string }[]; responses: Record<string, { content?: Record<string, { schema: unknown }> }> }>> };
let ajv: Ajv2020;
/** Finished sessions of alice's, by API version. */
const finished: Record<"v0" | "v1", string> = { v0: "", v1: "" };

beforeAll(async () => {
  t = await startTestServer();
  alice = await t.addUser("alice", { uid: 20701 });
  const r = await request("GET", `${t.url}/skaha/openapi.json`);
  expect(r.status, r.text).toBe(200);
  doc = r.json();
  // strict: false, for the OpenAPI keywords around the schemas; the schemas themselves are JSON Schema 2020-12.
  ajv = new Ajv2020({ strict: false, allErrors: true });
  ajv.addSchema(doc, "openapi");
  for (const version of ["v0", "v1"] as const) {
    const created = await request("POST", `${t.base(version)}/session`, { token: alice.token, form: { name: `doc-${version}`, image: DEMO_IMAGE, cmd: "sh", args: "-c 'echo documented'", cores: "1", ram: "1" } });
    expect(created.status, created.text).toBe(200);
    finished[version] = created.text.trim();
    await waitForStatus(t.base(version), alice.token, finished[version], [version === "v0" ? "Succeeded" : "Completed"]);
  }
});
afterAll(async () => { await t.close(); });

/** The pointer of an answer's schema in the document, as ajv resolves it. */
const pointer = (...parts: string[]) => `openapi#/${parts.map((p) => p.replace(/~/g, "~0").replace(/\//g, "~1")).join("/")}`;

function responseValidator(path: string, method: string, status: number, mediaType: string): ValidateFunction {
  expect(doc.paths[path]?.[method]?.responses[String(status)]?.content?.[mediaType], `${method} ${path} ${status} ${mediaType} is documented`).toBeDefined();
  return ajv.compile({ $ref: pointer("paths", path, method, "responses", String(status), "content", mediaType, "schema") });
}

/** The answer's body matches the document's schema for its operation, status and media type. */
async function expectDocumented(path: string, method: string, url: string, o: Parameters<typeof request>[2] = {}, expected = 200) {
  const r = await request(method.toUpperCase(), url, o);
  expect(r.status, r.text).toBe(expected);
  const mediaType = (r.headers.get("content-type") ?? "").split(";")[0]!;
  if (mediaType === "application/json") {
    const validate = responseValidator(path, method, expected, mediaType);
    expect(validate(r.json()), `${method} ${url}: ${ajv.errorsText(validate.errors)}`).toBe(true);
  } else {
    responseValidator(path, method, expected, mediaType);
  }
  return r;
}

const component = (name: string) => ajv.compile({ $ref: pointer("components", "schemas", name) });
const arrayOf = (name: string) => ajv.compile({ type: "array", items: { $ref: pointer("components", "schemas", name) } });

describe("the OpenAPI document and the routes", () => {
  it("documents every route Fastify registered, and every documented operation is served (v0 and v1)", () => {
    const served = new Set(registeredRoutes(t.server.app)
      .filter((r) => r.method !== "HEAD" && (r.url.startsWith("/skaha") || r.url === "/healthz" || r.url === "/metrics"))
      .map((r) => `${r.method} ${r.url.replace(/^\/skaha\/v[01](?=\/|$)/, "/skaha/{version}").replace(/:(\w+)/g, "{$1}")}`));
    const documented = new Set(Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`)));
    expect([...served].sort()).toEqual([...documented].sort());
    const underVersion = (v: string) => new Set(registeredRoutes(t.server.app).filter((r) => r.url.startsWith(`/skaha/${v}/`)).map((r) => `${r.method} ${r.url.slice(9)}`));
    expect(underVersion("v0").size).toBeGreaterThan(0);
    expect(underVersion("v0")).toEqual(underVersion("v1"));
  });

  it("is served without credentials as JSON and as the same YAML", async () => {
    const yaml = await request("GET", `${t.url}/skaha/openapi.yaml`);
    expect(yaml.status).toBe(200);
    expect(yaml.headers.get("content-type")).toMatch(/^application\/yaml/);
    expect(parseYaml(yaml.text)).toEqual(doc);
  });
});

describe("real answers match the document", () => {
  it.each(["v0", "v1"] as const)("the session JSON, listings, stats, events and created sessions on %s", async (version) => {
    const base = t.base(version);
    const token = alice.token;
    const one = await expectDocumented("/skaha/{version}/session/{id}", "get", `${base}/session/${finished[version]}`, { token });
    expect(component("Session")(one.json())).toBe(true);
    expect(component("Session")({ ...one.json<object>(), undocumented: 1 }), "the schemas are strict").toBe(false);
    const list = await expectDocumented("/skaha/{version}/session", "get", `${base}/session`, { token });
    expect(arrayOf("Session")(list.json())).toBe(true);
    expect(list.json<unknown[]>().length).toBeGreaterThan(0);
    expect(arrayOf("PublicSession")((await expectDocumented("/skaha/{version}/session", "get", `${base}/session?view=all`, { token })).json())).toBe(true);
    expect(component("PlatformStats")((await expectDocumented("/skaha/{version}/session", "get", `${base}/session?view=stats`, { token })).json())).toBe(true);
    expect(component("SessionStats")((await expectDocumented("/skaha/{version}/session/{id}/stats", "get", `${base}/session/${finished[version]}/stats`, { token })).json())).toBe(true);
    const events = await expectDocumented("/skaha/{version}/session/{id}/events", "get", `${base}/session/${finished[version]}/events`, { token, headers: { accept: "application/vnd.skyrun+json" } });
    expect(arrayOf("SessionEvent")(events.json())).toBe(true);
    expect(arrayOf("SessionEvent")((await expectDocumented("/skaha/{version}/session/{id}", "get", `${base}/session/${finished[version]}?view=events&format=json`, { token })).json())).toBe(true);
    const table = await expectDocumented("/skaha/{version}/session/{id}/events", "get", `${base}/session/${finished[version]}/events`, { token });
    expect(table.text).toMatch(/^TYPE\s+REASON\s+MESSAGE\s+FIRST-TIME\s+LAST-TIME\n/);
    expect((await expectDocumented("/skaha/{version}/session/{id}/logs", "get", `${base}/session/${finished[version]}/logs`, { token })).text).toBe("documented\n");
    // Created: one id per line as text; with the opt-in, one object, or an array for several.
    const form = { name: "doc-new", image: DEMO_IMAGE, cmd: "true", cores: "1", ram: "1" };
    expect((await expectDocumented("/skaha/{version}/session", "post", `${base}/session`, { token, form })).text).toMatch(/^[a-z][a-z0-9]{7}\n$/);
    expect(component("CreatedSession")((await expectDocumented("/skaha/{version}/session", "post", `${base}/session?format=json`, { token, form })).json())).toBe(true);
    const several = await expectDocumented("/skaha/{version}/session", "post", `${base}/session`, { token, form: { ...form, replicas: "2" }, headers: { accept: "application/vnd.skyrun+json" } });
    expect(arrayOf("CreatedSession")(several.json())).toBe(true);
  });

  it("the platform's context, images and registries, and the service's health", async () => {
    const token = alice.token;
    expect(component("ResourceContext")((await expectDocumented("/skaha/{version}/context", "get", `${t.base("v1")}/context`, { token })).json())).toBe(true);
    const images = await expectDocumented("/skaha/{version}/image", "get", `${t.base("v0")}/image`, { token });
    expect(arrayOf("Image")(images.json())).toBe(true);
    expect(images.json<unknown[]>().length).toBeGreaterThan(0);
    await expectDocumented("/skaha/{version}/repository", "get", `${t.base("v1")}/repository`, { token });
    await expectDocumented("/healthz", "get", `${t.url}/healthz`);
    await expectDocumented("/skaha/capabilities", "get", `${t.url}/skaha/capabilities`);
    await expectDocumented("/skaha/availability", "get", `${t.url}/skaha/availability`);
  });

  it("errors are text/plain sentences with a status the operation documents", async () => {
    const cases: [string, string, string, Parameters<typeof request>[2], number][] = [
      ["/skaha/{version}/session", "post", `${t.base()}/session`, { token: alice.token, form: { name: "x", image: DEMO_IMAGE, core: "2" } }, 400],
      ["/skaha/{version}/session", "post", `${t.base()}/session`, { token: alice.token, json: { name: "x", image: DEMO_IMAGE, cores: { many: true } } }, 400],
      ["/skaha/{version}/session", "get", `${t.base()}/session`, {}, 401],
      ["/skaha/{version}/session/{id}", "get", `${t.base()}/session/zzzzzzzz`, { token: alice.token }, 404],
      ["/skaha/{version}/session", "delete", `${t.base()}/session`, { token: alice.token }, 400],
    ];
    for (const [path, method, url, o, status] of cases) {
      const r = await expectDocumented(path, method, url, o, status);
      expect(r.headers.get("content-type")).toMatch(/^text\/plain/);
    }
    const badType = await request("POST", `${t.base()}/session`, { token: alice.token, json: { name: "x", image: DEMO_IMAGE, cores: { many: true } } });
    expect(badType.text).toBe("Invalid value for 'cores': expected a number or a string.\n");
  });
});

describe("the interactive page at /skaha", () => {
  /** Absolute http(s) URLs in text, other than this server's. */
  const foreignUrls = (text: string) => (text.match(/https?:\/\/[^\s"'`)<>]+/g) ?? []).filter((u) => !u.startsWith(t.url));

  it("is served without credentials, with every file it loads, from this server alone", async () => {
    const page = await request("GET", `${t.url}/skaha`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    expect(page.headers.get("content-security-policy")).toMatch(/^default-src 'self';/);
    expect(foreignUrls(page.text)).toEqual([]);
    const loads = [...page.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(loads.length).toBeGreaterThanOrEqual(3);
    for (const path of loads) {
      expect(path, "a path on this server").toMatch(/^\/skaha\//);
      const r = await request("GET", `${t.url}${path}`);
      expect(r.status, path).toBe(200);
      if (path.endsWith(".css")) expect(r.text, "the stylesheet loads nothing").not.toMatch(/@import|url\(\s*["']?(https?:)?\/\//);
      if (path.endsWith("skyrun-api-page.js")) expect(foreignUrls(r.text)).toEqual([]);
    }
  });

  it("shows the operations in a browser and opens post_session for the platform's #!/Session_Management/post_session, with no request leaving the server", async () => {
    const browser = await chromium.launch({ executablePath: process.env.SKYRUN_TEST_CHROMIUM ?? "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"] });
    try {
      const page = await browser.newPage();
      const elsewhere: string[] = [];
      const problems: string[] = [];
      await page.route("**/*", (route) => {
        const url = route.request().url();
        if (url.startsWith(`${t.url}/`) || url.startsWith("data:")) return route.continue();
        elsewhere.push(url);
        return route.abort();
      });
      page.on("pageerror", (e) => problems.push(e.message));
      // Swagger UI logs this for any deep link to an operation id with '_' in it, such as the platform's post_session; it opens it all the same.
      const knownNotice = /^Deprecated: escaping deep link whitespace with `_`/;
      page.on("console", (m) => { if (m.type() === "error" && !knownNotice.test(m.text())) problems.push(m.text()); });
      await page.goto(`${t.url}/skaha#!/Session_Management/post_session`);
      const operation = page.locator("#operations-Session_Management-post_session");
      await operation.waitFor({ timeout: 30_000 });
      // The link lands on the operation, opened: its parameters are shown.
      await page.locator("#operations-Session_Management-post_session .parameters").first().waitFor({ timeout: 30_000 });
      expect(await page.locator(".opblock-summary-path").count()).toBeGreaterThan(10);
      expect(await page.locator(".errors-wrapper").count(), "Swagger UI found nothing wrong in the document").toBe(0);
      expect(elsewhere).toEqual([]);
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
