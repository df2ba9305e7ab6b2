import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { escapeXml } from "../../../src/api/routes/ops-routes.js";
import { request } from "../../support/http.js";
import { bodyOf, rawRequest } from "../../support/raw-http.js";
import { startTestServer, type TestServer, type TestUser } from "../../support/test-server.js";

let t: TestServer;
let alice: TestUser;

beforeAll(async () => {
  t = await startTestServer();
  alice = await t.addUser("alice");
});
afterAll(async () => { await t.close(); });

const get = (path: string, headers: Record<string, string>) =>
  rawRequest(t.url, `GET ${path} HTTP/1.1\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join("")}Connection: close\r\n\r\n`);

describe("the Host header and service discovery (issue 11)", () => {
  it("refuses a Host that is not host[:port] instead of writing it into the capabilities XML", async () => {
    for (const host of ['x"/><injected/>', "a b", "evil.org/path", "host:99999", "<x>", "[::1"]) {
      const r = await get("/skaha/capabilities", { Host: host });
      expect(r.status, host).toBe(400);
      expect(bodyOf(r)).toBe("Invalid Host header: expected host[:port], e.g. Host: skyrun.example.org:8443.\n");
      expect(r.text).not.toContain("<injected/>");
    }
  });

  it("writes a valid Host into the access URLs, and escapes whatever it writes", async () => {
    for (const host of ["skyrun.example.org:8443", "127.0.0.1", "[::1]:8080", "localhost."]) {
      const r = await get("/skaha/capabilities", { Host: host });
      expect(r.status).toBe(200);
      expect(bodyOf(r)).toContain(`<accessURL use="base">http://${host}/skaha/v1/session</accessURL>`);
    }
    expect(escapeXml(`x"/><injected a='1'/>&`)).toBe("x&quot;/&gt;&lt;injected a=&apos;1&apos;/&gt;&amp;");
  });

  it("tells browsers never to sniff an answer into markup", async () => {
    const r = await request("GET", `${t.url}/skaha/v0/%3Cscript%3E`, { token: alice.token });
    expect(r.status).toBe(404);
    expect(r.headers.get("x-content-type-options")).toBe("nosniff");
    expect(r.headers.get("content-type")).toMatch(/^text\/plain/);
  });
});

describe("methods and requests skyrun does not serve get an answer, not a dropped connection (issue 11)", () => {
  it("answers CONNECT with 405 and closes", async () => {
    const r = await rawRequest(t.url, "CONNECT example.org:443 HTTP/1.1\r\nHost: example.org:443\r\n\r\n");
    expect(r.status).toBe(405);
    expect(r.text).toMatch(/\r\nAllow: GET, HEAD, POST, DELETE\r\n/);
    expect(bodyOf(r)).toBe("Method CONNECT is not allowed: skyrun answers GET, HEAD, POST, DELETE.\n");
    expect(r.closed).toBe(true);
  });

  it.each(["PUT", "PATCH", "OPTIONS", "TRACE", "PROPFIND", "MKCOL", "PURGE", "FOO", "BREW"])("answers %s with 405 naming the allowed methods", async (method) => {
    const r = await rawRequest(t.url, `${method} /skaha/v0/session HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${alice.token}\r\nConnection: close\r\n\r\n`);
    expect(r.status, r.text).toBe(405);
    expect(r.text).toMatch(/\r\nallow: GET, HEAD, POST, DELETE\r\n/i);
  });

  it("answers bytes that are not HTTP with 400, and an HTTP/1.1 request without Host too", async () => {
    expect((await rawRequest(t.url, "\u0000\u0001\u0002 nonsense\r\n\r\n")).status).toBe(400);
    expect((await rawRequest(t.url, "GET /healthz HTTP/1.1\r\n\r\n")).status).toBe(400);
  });

  it("answers an upgrade request it does not serve as an ordinary request", async () => {
    const r = await rawRequest(t.url, "GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n", { stopAtHead: true });
    expect(r.status).toBe(200);
  });

  it("answers headers over Node's limit with 431 naming it", async () => {
    const r = await rawRequest(t.url, `GET /skaha/v0/session HTTP/1.1\r\nHost: localhost\r\nx-skaha-registry-auth: ${"A".repeat(20_000)}\r\n\r\n`);
    expect(r.status).toBe(431);
    expect(bodyOf(r)).toBe("Request headers too large: the request line and headers together may take at most 16384 bytes (16 KiB).\n");
  });

  it("answers after all of it", async () => {
    expect((await request("GET", `${t.url}/healthz`)).status).toBe(200);
  });
});
