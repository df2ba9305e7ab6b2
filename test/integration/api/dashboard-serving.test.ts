import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { request } from "../../support/http.js";
import { startTestServer, type TestServer, type TestUser } from "../../support/test-server.js";

/** Issue 17: the API process serves the built dashboard at / and the dashboard's two endpoints. */
let t: TestServer;
let alice: TestUser;
beforeAll(async () => {
  t = await startTestServer();
  alice = await t.addUser("alice");
});
afterAll(async () => { await t.close(); });

describe("serving the dashboard (issue 17)", () => {
  it("answers index.html on every page path, never cached, with a policy allowing only its own files", async () => {
    for (const path of ["/", "/jobs", "/submit", "/cluster", "/usage"]) {
      const r = await request("GET", `${t.url}${path}`);
      expect(r.status, path).toBe(200);
      expect(r.headers.get("content-type")).toBe("text/html; charset=utf-8");
      expect(r.headers.get("cache-control")).toBe("no-cache");
      expect(r.headers.get("content-security-policy")).toContain("default-src 'self'; script-src 'self'");
      expect(r.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
      expect(r.text).toMatch(/<script type="module" crossorigin src="\/assets\/index-[\w-]+\.js"><\/script>/);
    }
  });

  it("loads nothing from another host", async () => {
    const html = (await request("GET", `${t.url}/`)).text;
    const refs = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThan(1);
    for (const ref of refs) expect(ref).toMatch(/^\/assets\//);
  });

  it("serves hashed assets for a year, immutable, gzip-compressed when asked", async () => {
    const html = (await request("GET", `${t.url}/`)).text;
    const js = /src="(\/assets\/[^"]+\.js)"/.exec(html)![1]!;
    const css = /href="(\/assets\/[^"]+\.css)"/.exec(html)![1]!;
    const plain = await t.server.app.inject({ method: "GET", url: js });
    expect(plain.statusCode).toBe(200);
    expect(plain.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect(plain.headers["content-type"]).toBe("text/javascript; charset=utf-8");
    expect(plain.headers["content-encoding"]).toBeUndefined();
    const gz = await t.server.app.inject({ method: "GET", url: js, headers: { "accept-encoding": "gzip, br" } });
    expect(gz.headers["content-encoding"]).toBe("gzip");
    expect(gz.rawPayload.length).toBeLessThan(plain.rawPayload.length / 2);
    expect((await request("GET", `${t.url}${css}`)).headers.get("content-type")).toBe("text/css; charset=utf-8");
  });

  it("answers 404 for files it did not build, and never reads a path", async () => {
    for (const path of ["/assets/nope.js", "/assets/..%2f..%2fpackage.json", "/assets/%2e%2e%2fskyrun.db"]) {
      expect((await request("GET", `${t.url}${path}`)).status, path).toBe(404);
    }
  });

  it("tells anyone how to log in, and the caller who they are", async () => {
    const config = await request("GET", `${t.base("v1")}/dashboard/config`);
    expect(config.status).toBe(200);
    expect(config.json()).toEqual({ oidc: null });
    const anonymous = await request("GET", `${t.base("v1")}/dashboard/me`);
    expect(anonymous.status).toBe(401);
    const me = await request("GET", `${t.base("v0")}/dashboard/me`, { token: alice.token });
    expect(me.json()).toEqual({ user: "alice", groups: [], isAdmin: false, via: "token" });
  });
});
