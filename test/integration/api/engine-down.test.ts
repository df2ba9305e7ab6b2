import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { request } from "../../support/http.js";
import { DEMO_IMAGE } from "../../support/paths.js";
import { startTestServer, type TestServer, type TestUser } from "../../support/test-server.js";

let t: TestServer;
let alice: TestUser;

beforeAll(async () => {
  // A real server whose engine socket does not exist: the engine cannot be reached.
  t = await startTestServer({ overrides: { local: { socketPath: "/tmp/skyrun-no-such-engine.sock" } } });
  alice = await t.addUser("alice");
});
afterAll(async () => { await t.close(); });

describe("when the container engine cannot be reached", () => {
  it("answers 503 to a new session, saying to retry", async () => {
    const r = await request("POST", `${t.base()}/session`, { token: alice.token, form: { name: "x", image: DEMO_IMAGE } });
    expect(r.status).toBe(503);
    expect(r.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(r.text).toContain("container engine cannot be reached");
  });

  it("answers 503 for the image list and reports itself degraded", async () => {
    expect((await request("GET", `${t.base()}/image`, { token: alice.token })).status).toBe(503);
    expect((await request("GET", `${t.url}/healthz`)).status).toBe(503);
  });

  it("still answers what does not need the engine", async () => {
    expect((await request("GET", `${t.base()}/session`, { token: alice.token })).status).toBe(200);
    expect((await request("GET", `${t.base()}/context`, { token: alice.token })).status).toBe(200);
  });
});
