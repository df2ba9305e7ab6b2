import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { request, waitForStatus } from "../../support/http.js";
import { DEMO_IMAGE } from "../../support/paths.js";
import { startTestServer, type TestServer, type TestUser } from "../../support/test-server.js";

let t: TestServer;
let alice: TestUser;

beforeAll(async () => {
  t = await startTestServer({ store: "postgres" });
  alice = await t.addUser("alice");
});
afterAll(async () => { await t.close(); });

describe("the whole service on PostgreSQL", () => {
  it("runs sessions to their end with logs, events, replicas and dependencies", async () => {
    expect(t.server.store.dialect).toBe("postgres");
    const parent = (await request("POST", `${t.base()}/session`, { token: alice.token, form: { name: "p", image: DEMO_IMAGE, cmd: "sh", args: "-c 'echo from-postgres; exit 4'" } })).text.trim();
    const child = (await request("POST", `${t.base()}/session`, { token: alice.token, form: { name: "c", image: DEMO_IMAGE, cmd: "true", dependsOn: parent } })).text.trim();
    expect((await waitForStatus(t.base(), alice.token, parent, ["Failed", "Succeeded"])).exitCode).toBe(4);
    expect((await request("GET", `${t.base()}/session/${parent}?view=logs`, { token: alice.token })).text).toBe("from-postgres\n");
    expect((await request("GET", `${t.base()}/session/${parent}?view=events`, { token: alice.token })).text).toMatch(/Failed\s+Container exited with code 4/);
    expect((await waitForStatus(t.base(), alice.token, child, ["Failed"])).statusMessage).toMatch(/^DependencyFailed/);
    const r = await request("POST", `${t.base("v1")}/session`, { token: alice.token, form: { name: "arr", image: DEMO_IMAGE, replicas: "3", cmd: "true" } });
    for (const id of r.text.trim().split("\n")) expect((await waitForStatus(t.base("v1"), alice.token, id, ["Completed", "Failed"])).status).toBe("Completed");
  });
});
