import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { request, waitForStatus, type SessionJson } from "../../support/http.js";
import { DEMO_IMAGE } from "../../support/paths.js";
import { startTestServer, type TestServer, type TestUser } from "../../support/test-server.js";

interface QueueUser { user: string; groups?: string[]; priority?: number; fairShareUsage?: number; queued: number; running: number; coresInUse?: number }
interface Queue {
  capacity: { cores: number; ramGB: number; gpus: number; coresInUse: number; ramInUseGB: number };
  users: QueueUser[];
  longestWaiting: SessionJson[];
  oldestRunning: SessionJson[];
  engine: { kind: string; nodes?: unknown[] };
}

let t: TestServer;
let alice: TestUser;
let bob: TestUser;
let admin: TestUser;
let aliceRunning: string;
let bobRunning: string;
let bobWaiting: string;

const submit = async (user: TestUser, form: Record<string, string>): Promise<string> =>
  (await request("POST", `${t.base("v1")}/session`, { token: user.token, form: { image: DEMO_IMAGE, cmd: "sleep", args: "300", cores: "1", ram: "1", ...form } })).text.trim();
const queue = async (user: TestUser): Promise<Queue> => {
  const r = await request("GET", `${t.base("v1")}/queue`, { token: user.token });
  expect(r.status).toBe(200);
  return r.json<Queue>();
};

beforeAll(async () => {
  t = await startTestServer();
  alice = await t.addUser("alice", { groups: ["astro:40001"] });
  bob = await t.addUser("bob", { groups: ["lens:40002"] });
  admin = await t.addUser("ops", { groups: ["skyrun-admins:39000"] });
  aliceRunning = await submit(alice, { name: "a-run" });
  bobRunning = await submit(bob, { name: "b-run" });
  // Waits on bob's running session: queued for as long as the test needs.
  bobWaiting = await submit(bob, { name: "b-wait", dependsOn: bobRunning });
  await waitForStatus(t.base("v1"), alice.token, aliceRunning, ["Running"]);
  await waitForStatus(t.base("v1"), bob.token, bobRunning, ["Running"]);
});
afterAll(async () => { await t.close(); });

describe("GET /queue (issue 17)", () => {
  it("shows the capacity, the caller's own details, and of other users only what view=all shows everyone", async () => {
    const q = await queue(alice);
    expect(q.capacity).toMatchObject({ cores: 4, ramGB: 16, coresInUse: 2 });
    expect(q.engine.kind).toBe("local");
    expect(q.users.find((u) => u.user === "alice")).toEqual({ user: "alice", groups: ["astro"], priority: expect.any(Number), fairShareUsage: expect.any(Number), queued: 0, running: 1, coresInUse: 1 });
    // Bob's counts are public (view=all lists every session's user and status); his groups, priority and cores are not.
    expect(q.users.find((u) => u.user === "bob")).toEqual({ user: "bob", queued: 1, running: 1 });
    expect(q.longestWaiting).toEqual([]);
    expect(q.oldestRunning.map((s) => s.id)).toEqual([aliceRunning]);
    const text = JSON.stringify(q);
    expect(text).not.toContain(bobRunning);
    expect(text).not.toContain(bobWaiting);
    expect(text).not.toContain("lens");
  });

  it("shows administrators every user's details and sessions", async () => {
    const q = await queue(admin);
    expect(q.users.find((u) => u.user === "bob")).toMatchObject({ groups: ["lens"], queued: 1, running: 1, coresInUse: 1 });
    expect(q.longestWaiting.map((s) => s.id)).toEqual([bobWaiting]);
    expect(q.longestWaiting[0]).toMatchObject({ status: "Pending", waiting: { kind: "dependencies" } });
    expect(q.oldestRunning.map((s) => s.id).sort()).toEqual([aliceRunning, bobRunning].sort());
  });

  it("answers 401 without credentials", async () => {
    expect((await request("GET", `${t.base("v1")}/queue`)).status).toBe(401);
  });
});
