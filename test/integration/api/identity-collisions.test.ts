import { rmSync } from "node:fs";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { pino } from "pino";
import { createToken } from "../../../src/identity/user-admin.js";
import { runCli } from "../../support/cli-runner.js";
import { request, waitForStatus, type SessionJson } from "../../support/http.js";
import { DEMO_IMAGE } from "../../support/paths.js";
import { makeDataDir, startTestServer, type TestServer } from "../../support/test-server.js";

/** `skyrun users|groups …` as an operator runs it beside the server, on its data directory. */
const operator = (dataDir: string, ...args: string[]) => runCli([...args, "--data-dir", dataDir]);

async function tokenFor(t: TestServer, name: string): Promise<string> {
  return (await createToken(t.server.store, name, null)).token;
}

/** Runs `script` with sh as the token's user and returns the finished session and its output. */
async function runAs(t: TestServer, token: string, script: string): Promise<{ session: SessionJson; logs: string }> {
  const created = await request("POST", `${t.base()}/session`, { token, form: { name: "probe", image: DEMO_IMAGE, cmd: "sh", args: `-c '${script.replace(/'/g, "'\\''")}'` } });
  expect(created.status, created.text).toBe(200);
  const id = created.text.trim();
  const session = await waitForStatus(t.base(), token, id, ["Succeeded", "Failed"], 60_000);
  return { session, logs: (await request("GET", `${t.base()}/session/${id}?view=logs`, { token })).text };
}

const uidOf = async (dataDir: string, name: string): Promise<number> => {
  const listed = await operator(dataDir, "users", "list", "-o", "json");
  const users = JSON.parse(listed.stdout) as { name: string; uid: number }[];
  const user = users.find((u) => u.name === name);
  if (!user) throw new Error(`no user ${name} in ${listed.stdout}`);
  return user.uid;
};

describe("one id space for uids and gids, through the operator's commands (issue 11)", () => {
  let t: TestServer;
  beforeAll(async () => { t = await startTestServer(); });
  afterAll(async () => { await t.close(); });

  it("never gives a new user a group's gid: kim does not get proj2's 40006 and cannot write /arc/projects/proj2", async () => {
    expect((await operator(t.dataDir, "users", "add", "ann", "--uid", "40005")).code).toBe(0);
    const jack = await operator(t.dataDir, "users", "add", "jack", "--uid", "20000", "--group", "proj2:40006");
    expect(jack.code, jack.stderr).toBe(0);
    const kim = await operator(t.dataDir, "users", "add", "kim");
    expect(kim.code, kim.stderr).toBe(0);
    expect(await uidOf(t.dataDir, "kim")).toBe(40007);
    const kimRun = await runAs(t, await tokenFor(t, "kim"), "id; echo intrusion > /arc/projects/proj2/kim.txt");
    expect(kimRun.logs).toContain("uid=40007(kim) gid=40007(kim)");
    expect(kimRun.session.status).toBe("Failed");
    expect(kimRun.logs).toMatch(/Permission denied/);
    const jackRun = await runAs(t, await tokenFor(t, "jack"), "echo ours > /arc/projects/proj2/jack.txt && cat /arc/projects/proj2/jack.txt");
    expect(jackRun.session.status, jackRun.logs).toBe("Succeeded");
  });

  it("refuses a group whose gid is a user's uid, so eve cannot read alice's 0640 file", async () => {
    expect((await operator(t.dataDir, "users", "add", "alice", "--uid", "10000")).code).toBe(0);
    const evil = await operator(t.dataDir, "users", "add", "eve", "--group", "evil:10000");
    expect(evil.code).toBe(1);
    expect(evil.stderr).toContain("cannot give 10000 to group evil: uid 10000 belongs to user alice");
    // Refused whole: no eve, no group evil.
    expect((await operator(t.dataDir, "groups", "list", "-o", "json")).stdout).not.toContain("evil");
    expect((await operator(t.dataDir, "users", "add", "eve")).code).toBe(0);
    expect(await uidOf(t.dataDir, "eve")).not.toBe(10000);
    const written = await runAs(t, await tokenFor(t, "alice"), "echo top-secret > /arc/home/alice/secret.txt && chmod 640 /arc/home/alice/secret.txt && ls -l /arc/home/alice/secret.txt");
    expect(written.logs).toMatch(/-rw-r----- +1 alice +alice /);
    const stolen = await runAs(t, await tokenFor(t, "eve"), "cat /arc/home/alice/secret.txt");
    expect(stolen.session.status).toBe("Failed");
    expect(stolen.logs).toMatch(/Permission denied/);
    expect(stolen.logs).not.toContain("top-secret");
  });

  it("refuses a uid that is a group's gid: frank cannot be astro's 40001", async () => {
    expect((await operator(t.dataDir, "users", "add", "stella", "--group", "astro:40001")).code).toBe(0);
    const frank = await operator(t.dataDir, "users", "add", "frank", "--uid", "40001");
    expect(frank.code).toBe(1);
    expect(frank.stderr).toContain("cannot give 40001 to user frank: 40001 is the gid of group astro");
    const both = await operator(t.dataDir, "users", "add", "gus", "--uid", "40100", "--group", "gus-team:40100");
    expect(both.code).toBe(1);
    expect(both.stderr).toContain("would share its gid with gus's uid 40100");
  });
});

describe("collisions left from before the rule (issue 11)", () => {
  let t: TestServer | undefined;
  let dataDir = "";
  afterEach(async () => {
    await t?.close();
    t = undefined;
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("are reported at start, and their users' sessions are refused until an operator fixes them", async () => {
    dataDir = makeDataDir("collide");
    const capacity = { capacity: { cores: 1, ramGB: 4 } };
    t = await startTestServer({ dataDir, overrides: capacity });
    await t.addUser("alice", { uid: 10000 });
    const eve = await t.addUser("eve", { uid: 10001 });
    const alice = { token: await tokenFor(t, "alice") };
    // alice's job holds the only core, so eve's waits in the queue across the restart.
    const blocker = (await request("POST", `${t.base()}/session`, { token: alice.token, form: { name: "blocker", image: DEMO_IMAGE, cmd: "sleep", args: "300", cores: "1", ram: "1" } })).text.trim();
    await waitForStatus(t.base(), alice.token, blocker, ["Running"]);
    const queued = (await request("POST", `${t.base()}/session`, { token: eve.token, form: { name: "queued", image: DEMO_IMAGE, cmd: "cat", args: "/arc/home/alice/secret.txt", cores: "1", ram: "1" } })).text.trim();
    expect((await request("GET", `${t.base()}/session/${queued}`, { token: eve.token })).json<SessionJson>().status).toBe("Pending");
    await t.close();
    t = undefined;

    // What an older skyrun allowed: a group evil sharing alice's uid 10000, with eve in it, and eve's queued job carrying it.
    const { default: SQLite } = await import("better-sqlite3");
    const db = new SQLite(`${dataDir}/skyrun.db`);
    db.exec("INSERT INTO posix_groups (name, gid, priority) VALUES ('evil', 10000, 0); INSERT INTO group_members (user_name, group_name) VALUES ('eve', 'evil');");
    db.prepare("UPDATE jobs SET groups_json = '[10000]' WHERE id = ?").run(queued);
    db.close();

    const lines: string[] = [];
    const log = pino({ level: "warn" }, { write: (line: string) => { lines.push(line); } });
    t = await startTestServer({ dataDir, overrides: capacity, log });
    const warning = lines.map((l) => JSON.parse(l) as { level: number; msg: string; collisions?: string[] }).find((l) => l.collisions);
    expect(warning?.level).toBe(40);
    expect(warning?.collisions).toEqual(["10000: user alice's uid and group evil's gid (members: eve)"]);

    for (const token of [alice.token, eve.token]) {
      const refused = await request("POST", `${t.base()}/session`, { token, form: { name: "x", image: DEMO_IMAGE, cmd: "true" } });
      expect(refused.status).toBe(403);
      expect(refused.text).toMatch(/^Refusing to run: (uid|gid) 10000 of .* is also (group evil's gid|user alice's uid), so the session could reach their files\./);
    }
    // The queued job never starts with the shared number: once the core is free it fails, saying why.
    expect((await request("DELETE", `${t.base()}/session/${blocker}`, { token: alice.token })).status).toBe(200);
    const failed = await waitForStatus(t.base(), eve.token, queued, ["Failed", "Succeeded"], 60_000);
    expect(failed.status).toBe("Failed");
    expect(failed.statusMessage).toContain("Refusing to run: gid 10000 of one of eve's groups is also user alice's uid");
    expect(failed).not.toHaveProperty("startTime");

    const fixed = await operator(dataDir, "groups", "remove", "evil");
    expect(fixed.code, fixed.stderr).toBe(0);
    const again = await request("POST", `${t.base()}/session`, { token: alice.token, form: { name: "x", image: DEMO_IMAGE, cmd: "true" } });
    expect(again.status, again.text).toBe(200);
    expect((await waitForStatus(t.base(), alice.token, again.text.trim(), ["Succeeded", "Failed"])).status).toBe("Succeeded");
  });
});
