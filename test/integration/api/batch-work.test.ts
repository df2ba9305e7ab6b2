import { existsSync, lchownSync, mkdirSync, mkdtempSync, chownSync, readFileSync, rmSync, statSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SessionJson as WireSession } from "../../../src/contracts/session.js";
import { request, waitForStatus as waitForAny, waitUntil } from "../../support/http.js";
import { DEMO_IMAGE } from "../../support/paths.js";
import { startTestServer, type TestServer, type TestUser } from "../../support/test-server.js";

/** The sessions as the contracts type them: this suite reads skyrun's batch fields. */
type SessionJson = WireSession;
const waitForStatus = async (base: string, token: string, id: string, statuses: readonly string[]) => (await waitForAny(base, token, id, statuses)) as unknown as SessionJson;

let t: TestServer;
let alice: TestUser;
let bob: TestUser;

beforeAll(async () => {
  t = await startTestServer({ overrides: { capacity: { cores: 4, ramGB: 16 }, scheduler: { retryBackoffSeconds: 1, retryMaxBackoffSeconds: 2 } } });
  alice = await t.addUser("alice", { uid: 20061, groups: ["lens:30061"] });
  bob = await t.addUser("bob", { uid: 20062 });
});
afterAll(async () => { await t.close(); });

const JSON_OPT_IN = { accept: "application/vnd.skyrun+json" };
const create = async (user: TestUser, form: Record<string, string | string[]>) => {
  const r = await request("POST", `${t.base()}/session`, { token: user.token, form: { name: "batch", image: DEMO_IMAGE, cores: "1", ram: "1", ...form } });
  expect(r.status, r.text).toBe(200);
  return r.text.trim().split("\n");
};
const get = async (user: TestUser, id: string) => (await request("GET", `${t.base()}/session/${id}`, { token: user.token })).json<SessionJson>();
const list = async (user: TestUser, query: string) => (await request("GET", `${t.base()}/session?${query}`, { token: user.token })).json<SessionJson[]>();
const logs = async (user: TestUser, id: string, query = "") => (await request("GET", `${t.base()}/session/${id}?view=logs${query}`, { token: user.token })).text;

describe("retries (issue 12)", () => {
  it("retries a failed attempt after a back-off, keeping each attempt's exit code, times and log", async () => {
    const [id] = await create(alice, { name: "flaky", retries: "2", cmd: "sh", args: "-c 'if [ -f $HOME/flaky-flag ]; then echo second; else touch $HOME/flaky-flag; echo first; exit 3; fi'" });
    const done = await waitForStatus(t.base(), alice.token, id!, ["Succeeded", "Failed"]);
    expect(done).toMatchObject({ status: "Succeeded", attempt: 2, retries: 2, exitCode: 0 });
    expect(done.attempts).toHaveLength(2);
    expect(done.attempts![0]).toMatchObject({ attempt: 1, status: "Failed", exitCode: 3, statusMessage: "Error: container exited with code 3" });
    expect(done.attempts![1]).toMatchObject({ attempt: 2, status: "Succeeded", exitCode: 0 });
    expect(await logs(alice, id!, "&attempt=1")).toBe("first\n");
    expect(await logs(alice, id!)).toBe("second\n");
    expect((await request("GET", `${t.base()}/session/${id}?view=events`, { token: alice.token })).text).toMatch(/Normal\s+Retrying\s+Attempt 1 of 3 failed/);
    expect((await request("GET", `${t.base()}/session/${id}?view=logs&attempt=3`, { token: alice.token })).status).toBe(400);
  });

  it("gives up once the retries are used, with the last attempt's reason", async () => {
    const [id] = await create(alice, { name: "always-fails", retries: "1", cmd: "sh", args: "-c 'exit 7'" });
    expect(await waitForStatus(t.base(), alice.token, id!, ["Succeeded", "Failed"])).toMatchObject({ status: "Failed", attempt: 2, exitCode: 7 });
  });

  it("never retries a deleted session", async () => {
    const [id] = await create(alice, { name: "deleted", retries: "3", cmd: "sleep", args: "300" });
    await waitForStatus(t.base(), alice.token, id!, ["Running"]);
    expect((await request("DELETE", `${t.base()}/session/${id}`, { token: alice.token })).status).toBe(200);
    expect(await waitForStatus(t.base(), alice.token, id!, ["Failed"])).toMatchObject({ statusMessage: "Deleted by user", attempt: 1 });
  });
});

describe("throttled sets (issue 12)", () => {
  it("never runs more than maxRunning of a set at once, and says why the others wait", async () => {
    const ids = await create(alice, { name: "throttled", replicas: "4", maxRunning: "1", cmd: "sh", args: "-c 'sleep 2'" });
    let most = 0;
    let sawReason = false;
    await waitUntil("the throttled set to finish", async () => {
      const all = await list(alice, `name=throttled*`);
      most = Math.max(most, all.filter((s) => s.status === "Running").length);
      sawReason ||= all.some((s) => s.waiting?.kind === "throttle" && /set limit: 1 of its set's sessions run, maxRunning is 1/.test(s.statusMessage ?? ""));
      return all.length === 4 && all.every((s) => s.status === "Succeeded") ? true : undefined;
    }, 180_000, 200);
    expect(most).toBe(1);
    expect(sawReason).toBe(true);
    expect(new Set((await Promise.all(ids.map((id) => get(alice, id)))).map((s) => s.setId)).size).toBe(1);
  });

  it("throttles a label group across requests with maxRunningLabel", async () => {
    const first = await create(alice, { name: "grp-a", label: "campaign=c1", maxRunning: "1", maxRunningLabel: "campaign", cmd: "sleep", args: "30" });
    await waitForStatus(t.base(), alice.token, first[0]!, ["Running"]);
    const [second] = await create(alice, { name: "grp-b", label: "campaign=c1", maxRunning: "1", maxRunningLabel: "campaign", cmd: "true" });
    const waiting = await waitUntil("the second to say why it waits", async () => {
      const s = await get(alice, second!);
      return s.waiting?.kind === "throttle" ? s : undefined;
    });
    expect(waiting.statusMessage).toMatch(/^label limit: 1 of your sessions labelled campaign=c1 run, maxRunning is 1/);
    await request("DELETE", `${t.base()}/session?label=campaign=c1`, { token: alice.token });
  });
});

describe("labels, listing and bulk actions (issue 12)", () => {
  it("filters by label and name prefix, pages with a cursor, and lists what changed since an instant", async () => {
    const tagged = await create(alice, { name: "survey-1", label: ["survey=m31", "band=r"], cmd: "true" });
    await create(alice, { name: "survey-2", label: "survey=m33", cmd: "true" });
    await waitForStatus(t.base(), alice.token, tagged[0]!, ["Succeeded"]);
    expect((await list(alice, "label=survey=m31")).map((s) => s.id)).toEqual(tagged);
    expect((await list(alice, "label=survey=m31&label=band=g"))).toEqual([]);
    expect((await get(alice, tagged[0]!)).labels).toEqual({ survey: "m31", band: "r" });
    expect((await list(alice, "name=survey-*")).map((s) => s.name).sort()).toEqual(["survey-1", "survey-2"]);
    const page = await request("GET", `${t.base()}/session?name=survey-*&limit=1&sort=name`, { token: alice.token });
    expect(page.json<SessionJson[]>().map((s) => s.name)).toEqual(["survey-1"]);
    expect(page.headers.get("x-skyrun-total")).toBe("2");
    const next = await request("GET", `${t.base()}/session?name=survey-*&limit=1&sort=name&cursor=${page.headers.get("x-skyrun-next-cursor")}`, { token: alice.token });
    expect(next.json<SessionJson[]>().map((s) => s.name)).toEqual(["survey-2"]);
    expect(next.headers.get("x-skyrun-next-cursor")).toBeNull();
    const mark = new Date().toISOString();
    const [later] = await create(alice, { name: "after-mark", cmd: "true" });
    expect((await list(alice, `changedSince=${mark}`)).map((s) => s.id)).toContain(later);
    expect((await list(alice, `changedSince=${mark}`)).map((s) => s.id)).not.toContain(tagged[0]);
    expect((await request("GET", `${t.base()}/session?changedSince=yesterday`, { token: alice.token })).status).toBe(400);
  });

  it("deletes a whole label group in one request, answering per session, and touches nobody else's", async () => {
    const mine = await create(alice, { name: "sweep", replicas: "3", label: "run=42", cmd: "sleep", args: "300" });
    const [bobs] = await create(bob, { name: "sweep-bob", label: "run=42", cmd: "sleep", args: "300" });
    const r = await request("DELETE", `${t.base()}/session?label=run=42`, { token: alice.token, headers: JSON_OPT_IN });
    expect(r.status, r.text).toBe(200);
    const outcomes = r.json<{ id: string; outcome: string; status: number }[]>();
    expect(outcomes.map((o) => o.id).sort()).toEqual([...mine].sort());
    expect(outcomes.every((o) => ["deleted", "terminating"].includes(o.outcome) && o.status === 200)).toBe(true);
    for (const id of mine) await waitForStatus(t.base(), alice.token, id, ["Failed"]);
    expect((await get(bob, bobs!)).status).not.toBe("Failed");
    const text = await request("DELETE", `${t.base()}/session?label=run=42`, { token: bob.token });
    expect(text.text).toMatch(new RegExp(`^${bobs} (deleted|terminating)\\n$`));
    expect((await request("DELETE", `${t.base()}/session`, { token: alice.token })).status).toBe(400);
  });
});

describe("one request, one set; walltime, workdir and output files (issue 12)", () => {
  it("creates differently specified sessions from a JSON array as one set, keeping each one's name", async () => {
    const r = await request("POST", `${t.base()}/session`, {
      token: alice.token,
      json: [{ name: "arr-a", image: DEMO_IMAGE, cmd: ["echo", "a"] }, { name: "arr-b", image: DEMO_IMAGE, cmd: ["echo", "b"], labels: { part: "b" } }],
      headers: JSON_OPT_IN,
    });
    expect(r.status, r.text).toBe(200);
    const created = r.json<SessionJson[]>();
    expect(created.map((s) => s.name)).toEqual(["arr-a", "arr-b"]);
    expect(created[0]!.setId).toBeDefined();
    expect(created[0]!.setId).toBe(created[1]!.setId);
    expect(created[1]!.labels).toEqual({ part: "b" });
    await waitForStatus(t.base(), alice.token, created[1]!.id, ["Succeeded"]);
    expect(await logs(alice, created[1]!.id)).toBe("b\n");
  });

  it("sets the deadline from walltime in Slurm's forms, within the server's", async () => {
    const [id] = await create(alice, { name: "short", walltime: "1:30", cmd: "sleep", args: "300" });
    const running = await waitForStatus(t.base(), alice.token, id!, ["Running"]);
    expect(running.walltime).toBe(90);
    expect(new Date(running.expiryTime!).getTime() - new Date(running.startTime!).getTime()).toBe(90_000);
    await request("DELETE", `${t.base()}/session/${id}`, { token: alice.token });
    const bad = await request("POST", `${t.base()}/session`, { token: alice.token, form: { name: "x", image: DEMO_IMAGE, walltime: "100-00:00:00" } });
    expect(bad.status).toBe(400);
    expect(bad.text).toMatch(/^Invalid value for 'walltime': 100-00:00:00/);
  });

  it("works in workdir and writes stdout and stderr there as the user, and refuses paths outside what they own", async () => {
    const run = join(t.dataDir, "arc", "home", "alice", "run1");
    mkdirSync(run, { recursive: true });
    chownSync(run, 20061, 20061);
    const [id] = await create(alice, { name: "files", workdir: "/arc/home/alice/run1", stdout: "out.txt", stderr: "err.txt", cmd: "sh", args: "-c 'pwd; echo oops >&2'" });
    const done = await waitForStatus(t.base(), alice.token, id!, ["Succeeded", "Failed"]);
    expect(done).toMatchObject({ status: "Succeeded", workdir: "/arc/home/alice/run1", stdout: "/arc/home/alice/run1/out.txt", stderr: "/arc/home/alice/run1/err.txt" });
    await waitUntil("the output files", async () => {
      try {
        return readFileSync(join(run, "err.txt"), "utf8") === "oops\n" ? true : undefined;
      } catch {
        return undefined;
      }
    });
    expect(readFileSync(join(run, "out.txt"), "utf8")).toBe("/arc/home/alice/run1\n");
    expect(statSync(join(run, "out.txt")).uid).toBe(20061);
    for (const [field, value] of [["workdir", "/arc/home/bob"], ["stdout", "/arc/home/bob/steal.txt"], ["stdout", "../bob/x"], ["workdir", "relative/dir"]] as const) {
      const r = await request("POST", `${t.base()}/session`, { token: alice.token, form: { name: "x", image: DEMO_IMAGE, [field]: value } });
      expect(r.status, `${field}=${value}`).toBe(400);
      expect(r.text).toContain(`'${field}'`);
    }
    const project = await request("POST", `${t.base()}/session`, { token: alice.token, form: { name: "x", image: DEMO_IMAGE, stdout: "/arc/projects/lens/out.txt", cmd: "true" } });
    expect(project.status, project.text).toBe(200);
  });

  it("never follows a link the user planted to write their output outside /arc", async () => {
    const outside = mkdtempSync(join(tmpdir(), "skyrun-outside-"));
    chownSync(outside, 20061, 20061); // writable by alice on the host, but not part of /arc
    const run = join(t.dataDir, "arc", "home", "alice", "run2");
    mkdirSync(run, { recursive: true });
    chownSync(run, 20061, 20061);
    symlinkSync(join(outside, "stolen.txt"), join(run, "out.txt"));
    lchownSync(join(run, "out.txt"), 20061, 20061);
    symlinkSync(outside, join(t.dataDir, "arc", "home", "alice", "away"));
    try {
      // A link in the file's place is replaced by the file itself…
      const [inPlace] = await create(alice, { name: "linked", stdout: "/arc/home/alice/run2/out.txt", cmd: "echo", args: "secret" });
      await waitForStatus(t.base(), alice.token, inPlace!, ["Succeeded"]);
      await waitUntil("the output file", async () => (statSync(join(run, "out.txt"), { throwIfNoEntry: false })?.isFile() ? true : undefined));
      expect(readFileSync(join(run, "out.txt"), "utf8")).toBe("secret\n");
      // …and a linked directory that leads off /arc is refused, with a warning.
      const [away] = await create(alice, { name: "linked", stdout: "/arc/home/alice/away/x.txt", cmd: "echo", args: "secret" });
      await waitForStatus(t.base(), alice.token, away!, ["Succeeded"]);
      const events = await waitUntil("the warning", async () => {
        const text = (await request("GET", `${t.base()}/session/${away}?view=events`, { token: alice.token })).text;
        return /OutputNotWritten/.test(text) ? text : undefined;
      });
      expect(events).toContain("leads outside /arc");
      expect(existsSync(join(outside, "stolen.txt"))).toBe(false);
      expect(existsSync(join(outside, "x.txt"))).toBe(false);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it("retries an ended session as a new one with the same request", async () => {
    const [id] = await create(alice, { name: "again", label: "k=v", cmd: "sh", args: "-c 'echo $skaha_sessionid'" });
    await waitForStatus(t.base(), alice.token, id!, ["Succeeded"]);
    const r = await request("POST", `${t.base()}/session/${id}`, { token: alice.token, form: { action: "retry" } });
    expect(r.status, r.text).toBe(200);
    const copy = r.text.trim();
    expect(copy).not.toBe(id);
    const done = await waitForStatus(t.base(), alice.token, copy, ["Succeeded"]);
    expect(done).toMatchObject({ name: "again", labels: { k: "v" } });
    expect(await logs(alice, copy)).toBe(`${copy}\n`);
    const running = await create(alice, { name: "busy", cmd: "sleep", args: "300" });
    expect((await request("POST", `${t.base()}/session/${running[0]}`, { token: alice.token, form: { action: "retry" } })).status).toBe(400);
    await request("DELETE", `${t.base()}/session/${running[0]}`, { token: alice.token });
  });

  it("refuses a notification to a URL the operator has not allowed", async () => {
    const r = await request("POST", `${t.base()}/session`, { token: alice.token, form: { name: "x", image: DEMO_IMAGE, notify: "https://example.org/hook" } });
    expect(r.status).toBe(400);
    expect(r.text).toMatch(/^Invalid value for 'notify': https:\/\/example.org\/hook is not allowed here/);
  });
});
