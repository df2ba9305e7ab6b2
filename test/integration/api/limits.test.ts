import { afterEach, describe, expect, it } from "vitest";
import { request, waitForStatus, waitUntil, type SessionJson } from "../../support/http.js";
import { DEMO_IMAGE } from "../../support/paths.js";
import { startTestServer, type TestServer, type TestUser } from "../../support/test-server.js";

let t: TestServer | undefined;
afterEach(async () => { await t?.close(); t = undefined; });

async function serverWith(overrides: Record<string, unknown>): Promise<{ t: TestServer; alice: TestUser }> {
  t = await startTestServer({ overrides });
  return { t, alice: await t.addUser("alice") };
}
const create = async (s: TestServer, u: TestUser, form: Record<string, string>) => {
  const r = await request("POST", `${s.base()}/session`, { token: u.token, form: { name: "x", image: DEMO_IMAGE, ...form } });
  expect(r.status, r.text).toBe(200);
  return r.text.trim();
};

describe("capacity", () => {
  it("never runs more than the configured cores; the others wait Pending and say why", async () => {
    const { t, alice } = await serverWith({ capacity: { cores: 2, ramGB: 8 } });
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push(await create(t, alice, { cores: "1", ram: "1", cmd: "sleep", args: "2" }));
    let maxRunning = 0;
    let sawReason = "";
    await waitUntil("all four to finish", async () => {
      const list = (await request("GET", `${t.base()}/session`, { token: alice.token })).json<SessionJson[]>();
      const running = list.filter((s) => s.status === "Running" || s.status === "Terminating").length;
      maxRunning = Math.max(maxRunning, running);
      const pending = list.find((s) => s.status === "Pending" && s.statusMessage?.startsWith("waiting for"));
      if (pending && !sawReason) {
        sawReason = pending.statusMessage ?? "";
        const events = (await request("GET", `${t.base()}/session/${pending.id}?view=events`, { token: alice.token })).text;
        expect(events).toMatch(/Normal\s+Waiting\s+waiting for 1 cores, 1 GB RAM: 0 of 2 cores and \d+ of 8 GB free; position \d in queue/);
      }
      return list.filter((s) => s.status === "Succeeded").length === 4 ? true : undefined;
    }, 60_000, 50);
    expect(maxRunning).toBe(2);
    expect(sawReason).toMatch(/^waiting for 1 cores, 1 GB RAM: 0 of 2 cores/);
  });
});

describe("deadlines and renewal", () => {
  it("stops a job at its deadline and ends it Failed with DeadlineExceeded", async () => {
    const { t, alice } = await serverWith({ sessions: { deadlineSeconds: 2 } });
    const id = await create(t, alice, { cmd: "sleep", args: "60" });
    const s = await waitForStatus(t.base(), alice.token, id, ["Failed"], 30_000);
    expect(s.statusMessage).toMatch(/^DeadlineExceeded/);
    expect((await request("GET", `${t.base()}/session/${id}?view=events`, { token: alice.token })).text).toMatch(/Warning\s+DeadlineExceeded/);
  });

  it("extends the expiry when fewer than the renewal period remains, as the platform computes it", async () => {
    const { t, alice } = await serverWith({ sessions: { deadlineSeconds: 30, renewSeconds: 3600 } });
    const id = await create(t, alice, { cmd: "sleep", args: "300" });
    const before = await waitForStatus(t.base(), alice.token, id, ["Running"]);
    const r = await request("POST", `${t.base()}/session/${id}?action=renew`, { token: alice.token });
    expect(r.status, r.text).toBe(200);
    const after = (await request("GET", `${t.base()}/session/${id}`, { token: alice.token })).json<SessionJson>();
    const gained = (Date.parse(after.expiryTime as string) - Date.parse(before.expiryTime as string)) / 1000;
    expect(gained).toBeGreaterThan(3500);
    expect((await request("GET", `${t.base()}/session/${id}/events`, { token: alice.token })).text).toMatch(/Renewed\s+Expiry extended to/);
  });

  it("leaves a new 14-day job unchanged on renew (4 days is less than what remains)", async () => {
    const { t, alice } = await serverWith({});
    const id = await create(t, alice, { cmd: "sleep", args: "300" });
    const before = await waitForStatus(t.base(), alice.token, id, ["Running"]);
    expect((await request("POST", `${t.base()}/session/${id}?action=renew`, { token: alice.token })).status).toBe(200);
    const after = (await request("GET", `${t.base()}/session/${id}`, { token: alice.token })).json<SessionJson>();
    expect(after.expiryTime).toBe(before.expiryTime);
  });
});

describe("memory", () => {
  it("ends a job that exceeds its memory limit Failed with OOMKilled", async () => {
    const { t, alice } = await serverWith({});
    const id = await create(t, alice, { ram: "1", cores: "1", cmd: "sh", args: "-c 'head -c 3000000000 /dev/zero | tail'" });
    // Filling a gigabyte takes a few seconds alone, and minutes on a machine busy with other suites.
    const s = await waitForStatus(t.base(), alice.token, id, ["Failed", "Succeeded"], 240_000);
    expect(s.status).toBe("Failed");
    expect(s.exitCode).toBe(137);
    expect(s.statusMessage).toMatch(/^OOMKilled/);
    expect((await request("GET", `${t.base()}/session/${id}?view=events`, { token: alice.token })).text).toMatch(/Warning\s+OOMKilled/);
  }, 300_000);
});

describe("deleting a queued job", () => {
  it("ends it at once without ever starting it", async () => {
    const { t, alice } = await serverWith({ capacity: { cores: 1, ramGB: 4 } });
    const blocker = await create(t, alice, { cores: "1", ram: "1", cmd: "sleep", args: "300" });
    await waitForStatus(t.base(), alice.token, blocker, ["Running"]);
    const queued = await create(t, alice, { cores: "1", ram: "1", cmd: "true" });
    expect((await request("GET", `${t.base()}/session/${queued}`, { token: alice.token })).json<SessionJson>().status).toBe("Pending");
    expect((await request("DELETE", `${t.base()}/session/${queued}`, { token: alice.token })).status).toBe(200);
    const s = (await request("GET", `${t.base()}/session/${queued}`, { token: alice.token })).json<SessionJson>();
    expect(s).toMatchObject({ status: "Failed", statusMessage: "Deleted by user" });
    expect(s).not.toHaveProperty("startTime");
  });
});
