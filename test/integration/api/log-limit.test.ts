import { statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { request, waitForStatus, waitUntil } from "../../support/http.js";
import { DEMO_IMAGE } from "../../support/paths.js";
import { startTestServer, type TestServer, type TestUser } from "../../support/test-server.js";

let t: TestServer;
let alice: TestUser;

beforeAll(async () => {
  t = await startTestServer({ overrides: { sessions: { maxLogMiB: 1 } } });
  alice = await t.addUser("alice", { uid: 20051 });
});
afterAll(async () => { await t.close(); });

describe("the per-job log limit (issue 11)", () => {
  it("stops a job whose output passes the limit, says so in its events, and cuts its log there with a marker", async () => {
    // About 60 MB of output if nothing stopped it: far past the 1 MiB limit.
    const r = await request("POST", `${t.base()}/session`, { token: alice.token, form: { name: "chatty", image: DEMO_IMAGE, cmd: "sh", args: "-c 'yes skyrun-log-line-of-some-length | head -n 2000000; sleep 60'" } });
    expect(r.status, r.text).toBe(200);
    const id = r.text.trim();
    const ended = await waitForStatus(t.base(), alice.token, id, ["Failed", "Succeeded"], 120_000);
    expect(ended.status).toBe("Failed");
    expect(ended.statusMessage).toMatch(/^LogLimitExceeded: /);
    const events = (await request("GET", `${t.base()}/session/${id}?view=events`, { token: alice.token })).text;
    expect(events).toMatch(/Warning\s+LogLimitExceeded\s+Output passed the log limit of 1 MiB/);
    // The log is cut once the engine has let go of it, just after the session ends.
    const path = join(t.dataDir, "logs", id.slice(0, 2), `${id}.log`);
    await waitUntil("the log to be cut at its limit", async () => (statSync(path).size < 1024 * 1024 + 4096 ? true : undefined), 60_000);
    const tail = (await request("GET", `${t.base()}/session/${id}?view=logs&tail=2`, { token: alice.token })).text.split("\n");
    expect(tail[0]).toBe("skyrun-log-line-of-some-length");
    expect(tail[1]).toMatch(/^\[skyrun\] the log limit of 1 MiB was reached/);
  }, 180_000);

  it("leaves a job within the limit alone", async () => {
    const r = await request("POST", `${t.base()}/session`, { token: alice.token, form: { name: "quiet", image: DEMO_IMAGE, cmd: "sh", args: "-c 'yes x | head -n 1000'" } });
    const id = r.text.trim();
    expect(await waitForStatus(t.base(), alice.token, id, ["Failed", "Succeeded"], 60_000)).toMatchObject({ status: "Succeeded" });
    expect((await request("GET", `${t.base()}/session/${id}?view=logs`, { token: alice.token })).text).toBe("x\n".repeat(1000));
  });
});
