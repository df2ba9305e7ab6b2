import { existsSync, statSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { request, waitForStatus, waitUntil, type SessionJson } from "../../support/http.js";
import { DEMO_IMAGE } from "../../support/paths.js";
import { startTestServer, type TestServer, type TestUser } from "../../support/test-server.js";

let t: TestServer;
let alice: TestUser;

beforeAll(async () => {
  t = await startTestServer();
  alice = await t.addUser("alice", { uid: 20001, groups: ["astro:30001", "survey:30002"] });
});
afterAll(async () => { await t.close(); });

async function create(form: Record<string, string | string[]>, version: "v0" | "v1" = "v0"): Promise<string> {
  const r = await request("POST", `${t.base(version)}/session`, { token: alice.token, form: { name: "t", image: DEMO_IMAGE, ...form } });
  expect(r.status, r.text).toBe(200);
  expect(r.headers.get("content-type")).toMatch(/^text\/plain/);
  expect(r.text).toMatch(/^[a-z][a-z0-9]{7}\n$/);
  return r.text.trim();
}
const logs = async (id: string, query = "view=logs") => (await request("GET", `${t.base()}/session/${id}?${query}`, { token: alice.token })).text;

describe("a session's life", () => {
  it("runs to Succeeded on v0 and Completed on v1, with exit code 0 and its output in the logs", async () => {
    const id = await create({ cmd: "sh", args: "-c 'echo to-stdout; echo to-stderr >&2'" });
    const v0 = await waitForStatus(t.base("v0"), alice.token, id, ["Succeeded", "Failed"]);
    expect(v0).toMatchObject({ status: "Succeeded", phase: "Succeeded", exitCode: 0, userid: "alice", type: "headless" });
    expect(v0.endTime).toBeDefined();
    const v1 = (await request("GET", `${t.base("v1")}/session/${id}`, { token: alice.token })).json<SessionJson>();
    expect(v1.status).toBe("Completed");
    expect(await logs(id)).toBe("to-stdout\nto-stderr\n");
    expect((await request("GET", `${t.base()}/session/${id}/logs`, { token: alice.token })).text).toBe("to-stdout\nto-stderr\n");
  });

  it("ends Failed with the container's exit code, and says so in the events", async () => {
    const id = await create({ cmd: "sh", args: "-c 'exit 3'" });
    const s = await waitForStatus(t.base(), alice.token, id, ["Succeeded", "Failed"]);
    expect(s).toMatchObject({ status: "Failed", exitCode: 3, statusMessage: "Error: container exited with code 3" });
    const events = (await request("GET", `${t.base()}/session/${id}?view=events`, { token: alice.token })).text;
    expect(events).toMatch(/^TYPE\s+REASON\s+MESSAGE\s+FIRST-TIME\s+LAST-TIME\n/);
    expect(events).toMatch(/Normal\s+Queued/);
    expect(events).toMatch(/Normal\s+Started/);
    expect(events).toMatch(/Warning\s+Failed\s+Container exited with code 3/);
  });

  it("runs as the user, with their groups, no capabilities, HOME on /arc and a private /scratch", async () => {
    const id = await create({
      cmd: "sh",
      args: "-c 'id -u; id -g; id -G; grep CapEff /proc/self/status; echo $HOME; echo $PWD; pwd; echo $skaha_username $skaha_sessionid $SKAHA_SESSION_ID; echo $OMP_NUM_THREADS; touch /scratch/x && ls -ld /scratch'",
      cores: "2",
      ram: "2",
    });
    await waitForStatus(t.base(), alice.token, id, ["Succeeded"]);
    const out = (await logs(id)).split("\n");
    expect(out.slice(0, 3)).toEqual(["20001", "20001", "20001 30001 30002"]);
    expect(out[3]).toMatch(/CapEff:\s+0000000000000000/);
    expect(out.slice(4, 7)).toEqual(["/arc/home/alice", "/arc/home/alice", "/arc/home/alice"]);
    expect(out[7]).toBe(`alice ${id} ${id}`);
    expect(out[8]).toBe("2");
    expect(out[9]).toMatch(/^drwx------\s+\d+\s+alice\s+alice\s/); // names from the job's /etc/passwd (issue 3)
    const home = statSync(`${t.dataDir}/arc/home/alice`);
    expect(home.uid).toBe(20001);
    expect(existsSync(`${t.dataDir}/scratch/${id}`)).toBe(false); // removed when the job ended
  });

  it("passes args as argv: quotes kept, nothing expanded, no shell", async () => {
    const id = await create({ cmd: "printf", args: `'[%s]\\n' "two words" '$HOME' 'a;b' "it's"` });
    await waitForStatus(t.base(), alice.token, id, ["Succeeded"]);
    expect(await logs(id)).toBe("[two words]\n[$HOME]\n[a;b]\n[it's]\n");
  });

  it("keeps env values containing '=' and empty values", async () => {
    const id = await create({ cmd: "sh", args: `-c 'echo "$QUERY|$EMPTY|$MODE"'`, env: ["QUERY=a=b&c=d", "EMPTY=", "MODE=batch"] });
    await waitForStatus(t.base(), alice.token, id, ["Succeeded"]);
    expect(await logs(id)).toBe("a=b&c=d||batch\n");
  });

  it("accepts parameters from the query string, a JSON body, a multipart body, in any letter case", async () => {
    const q = new URLSearchParams({ NAME: "query", Image: DEMO_IMAGE, CMD: "echo from-query" });
    const byQuery = await request("POST", `${t.base()}/session?${q.toString()}`, { token: alice.token });
    expect(byQuery.status, byQuery.text).toBe(200);
    const byJson = await request("POST", `${t.base()}/session`, { token: alice.token, json: { name: "json", image: DEMO_IMAGE, cmd: ["echo"], args: ["from json", "x"], env: { A: "1" } }, headers: { accept: "application/vnd.skyrun+json" } });
    expect(byJson.status, byJson.text).toBe(200);
    const created = byJson.json<SessionJson & { sessionId: string }>();
    expect(created.sessionId).toBe(created.id);
    expect(created.status).toBe("Pending");
    const form = new FormData();
    form.append("name", "multipart");
    form.append("image", DEMO_IMAGE);
    form.append("cmd", "echo from-multipart");
    const byMultipart = await fetch(`${t.base()}/session`, { method: "POST", body: form, headers: { authorization: `Bearer ${alice.token}` } });
    expect(byMultipart.status).toBe(200);
    const ids = [byQuery.text.trim(), created.id, (await byMultipart.text()).trim()];
    for (const id of ids) await waitForStatus(t.base(), alice.token, id, ["Succeeded"]);
    expect(await logs(ids[0]!)).toBe("from-query\n");
    expect(await logs(ids[1]!)).toBe("from json x\n");
    expect(await logs(ids[2]!)).toBe("from-multipart\n");
  });

  it("keeps the complete log of a job that prints 10 MB", async () => {
    const id = await create({ cmd: "sh", args: "-c 'yes 0123456789abcdefghijklmnopqrstuvwxyz | head -n 280000; echo END'" });
    await waitForStatus(t.base(), alice.token, id, ["Succeeded"], 60_000);
    const text = await logs(id);
    expect(text.length).toBe(280_000 * 37 + 4);
    expect(text.endsWith("0123456789abcdefghijklmnopqrstuvwxyz\nEND\n")).toBe(true);
    expect(await logs(id, "view=logs&tail=2")).toBe("0123456789abcdefghijklmnopqrstuvwxyz\nEND\n");
  });

  it("streams logs with follow=true while the job runs, and ends the stream when it ends", async () => {
    const id = await create({ cmd: "sh", args: "-c 'echo first; sleep 2; echo second'" });
    const res = await fetch(`${t.base()}/session/${id}?view=logs&follow=true`, { headers: { authorization: `Bearer ${alice.token}` } });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let seen = "";
    let firstAt = 0;
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      seen += decoder.decode(value, { stream: true });
      if (!firstAt && seen.includes("first")) {
        firstAt = Date.now();
        const now = (await request("GET", `${t.base()}/session/${id}`, { token: alice.token })).json<SessionJson>();
        expect(now.status).toBe("Running"); // output arrived before the job ended
      }
    }
    expect(seen).toBe("first\nsecond\n");
    expect((await request("GET", `${t.base()}/session/${id}`, { token: alice.token })).json<SessionJson>().status).toBe("Succeeded");
  });

  it("deletes a running job: Terminating, then gone from the listing, container removed, logs kept", async () => {
    const id = await create({ cmd: "sh", args: "-c 'echo started; sleep 300'" });
    await waitForStatus(t.base(), alice.token, id, ["Running"]);
    await waitUntil("output", async () => ((await logs(id)).includes("started") ? true : undefined));
    const del = await request("DELETE", `${t.base()}/session/${id}`, { token: alice.token });
    expect(del.status).toBe(200);
    const after = (await request("GET", `${t.base()}/session/${id}`, { token: alice.token })).json<SessionJson>();
    expect(["Terminating", "Failed"]).toContain(after.status);
    const done = await waitForStatus(t.base(), alice.token, id, ["Failed"]);
    expect(done.statusMessage).toBe("Deleted by user");
    const list = (await request("GET", `${t.base()}/session`, { token: alice.token })).json<SessionJson[]>();
    expect(list.map((s) => s.id)).not.toContain(id);
    expect(await logs(id)).toBe("started\n");
    expect((await request("GET", `${t.base()}/session/${id}?view=events`, { token: alice.token })).text).toMatch(/Killing[\s\S]*Deleted/);
    expect((await request("DELETE", `${t.base()}/session/${id}`, { token: alice.token })).status).toBe(200); // again: harmless
  });

  it("lists the user's sessions with type and status filters", async () => {
    const id = await create({ cmd: "true" });
    await waitForStatus(t.base(), alice.token, id, ["Succeeded"]);
    const all = (await request("GET", `${t.base()}/session?type=headless`, { token: alice.token })).json<SessionJson[]>();
    expect(all.map((s) => s.id)).toContain(id);
    const completed = (await request("GET", `${t.base("v1")}/session?status=Completed`, { token: alice.token })).json<SessionJson[]>();
    expect(completed.every((s) => s.status === "Completed")).toBe(true);
    expect(completed.map((s) => s.id)).toContain(id);
    expect((await request("GET", `${t.base()}/session?type=notebook`, { token: alice.token })).json()).toEqual([]);
  });

  it("shows cpuCoresInUse and ramInUse of every running session in the listing, as GET /session/{id} does (issue 14)", async () => {
    const busy = await Promise.all([1, 2].map(() => create({ cmd: "sleep", args: "300", cores: "1", ram: "1" })));
    const ended = await create({ cmd: "true" });
    await waitForStatus(t.base(), alice.token, ended, ["Succeeded"]);
    for (const id of busy) await waitForStatus(t.base(), alice.token, id, ["Running"]);
    const listed = await waitUntil("usage of both running sessions in the listing", async () => {
      const all = (await request("GET", `${t.base()}/session`, { token: alice.token })).json<SessionJson[]>();
      const running = all.filter((s) => busy.includes(s.id));
      return running.length === 2 && running.every((s) => s.cpuCoresInUse !== undefined && s.ramInUse !== undefined) ? all : undefined;
    }, 60_000);
    for (const s of listed.filter((x) => busy.includes(x.id))) {
      expect(s.cpuCoresInUse).toMatch(/^\d+\.\d{3}$/);
      expect(s.ramInUse).toMatch(/^\d+\.\d{2}$/);
      expect(Object.keys(s).indexOf("cpuCoresInUse")).toBeLessThan(Object.keys(s).indexOf("isFixedResources"));
    }
    const finished = listed.find((s) => s.id === ended)!;
    expect(finished).not.toHaveProperty("cpuCoresInUse");
    expect(finished).not.toHaveProperty("ramInUse");
    const one = (await request("GET", `${t.base()}/session/${busy[0]!}`, { token: alice.token })).json<SessionJson>();
    expect(one.cpuCoresInUse).toMatch(/^\d+\.\d{3}$/);
    for (const id of busy) await request("DELETE", `${t.base()}/session/${id}`, { token: alice.token });
    for (const id of busy) await waitForStatus(t.base(), alice.token, id, ["Failed"]);
  });

  it("answers /context, /image, /repository, view=stats and per-session stats", async () => {
    const ctx = (await request("GET", `${t.base()}/context`, { token: alice.token })).json<{ cores: { options: number[] }; memoryGB: { options: number[] } }>();
    expect(ctx.cores.options).toEqual([1, 2, 3, 4]);
    expect(Math.max(...ctx.memoryGB.options)).toBe(16);
    const images = (await request("GET", `${t.base()}/image?type=headless`, { token: alice.token })).json<{ id: string; types: string[] }[]>();
    expect(images.find((i) => i.id === DEMO_IMAGE)?.types).toContain("headless");
    expect((await request("GET", `${t.base()}/image?type=bogus`, { token: alice.token })).status).toBe(400);
    expect((await request("GET", `${t.base()}/repository`, { token: alice.token })).status).toBe(200);
    const stats = (await request("GET", `${t.base()}/session?view=stats`, { token: alice.token })).json<Record<string, Record<string, unknown>>>();
    expect(stats.cores).toMatchObject({ cpuCoresAvailable: 4 });
    expect(stats.instances).toHaveProperty("headless");
    const id = await create({ cmd: "sh", args: "-c 'while :; do :; done'", cores: "1", ram: "1" });
    await waitForStatus(t.base(), alice.token, id, ["Running"]);
    const usage = await waitUntil("CPU usage", async () => {
      const u = (await request("GET", `${t.base()}/session/${id}/stats`, { token: alice.token })).json<{ cpuCoresInUse: number; ramInUseBytes: number }>();
      // Any use shows the reading works; how much a busy loop gets depends on what else the machine runs.
      return u.cpuCoresInUse > 0.05 && u.ramInUseBytes > 0 ? u : undefined;
    }, 90_000, 500);
    expect(usage.cpuCoresInUse).toBeLessThanOrEqual(1.2); // the 1-core limit is enforced
    await request("DELETE", `${t.base()}/session/${id}`, { token: alice.token });
    await waitForStatus(t.base(), alice.token, id, ["Failed"]);
  });
});
