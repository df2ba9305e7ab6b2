import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { request, waitForStatus, waitUntil, type SessionJson } from "../../support/http.js";
import { DEMO_IMAGE, PYTHON_IMAGE } from "../../support/paths.js";
import { startTestServer, type TestServer, type TestUser } from "../../support/test-server.js";

let t: TestServer;
let alice: TestUser;
let bob: TestUser;
let carol: TestUser;
let erin: TestUser;
let admin: TestUser;

beforeAll(async () => {
  // view=all is kept for administrators here (the operator setting; the default is everyone, as the platform).
  t = await startTestServer({ overrides: { auth: { usersGroup: "skaha-users", adminGroup: "skyrun-admins", viewAll: "admins" } } });
  alice = await t.addUser("alice", { uid: 20001, groups: ["skaha-users:40000", "astro:40001"] });
  bob = await t.addUser("bob", { uid: 20002, groups: ["skaha-users:40000"] });
  carol = await t.addUser("carol", { uid: 20003, groups: ["astro:40001"] });
  // uid 2 is "bin" in Debian's /etc/passwd: inside the job it must be erin.
  erin = await t.addUser("erin", { uid: 2, groups: ["skaha-users:40000", "astro:40001"] });
  admin = await t.addUser("root-of-trust", { uid: 20009, groups: ["skaha-users:40000", "skyrun-admins:40002"] });
});
afterAll(async () => { await t.close(); });

/** Runs `script` with sh as `user` and returns the finished session and its output. */
async function run(user: TestUser, script: string, image = DEMO_IMAGE): Promise<{ id: string; session: SessionJson; logs: string }> {
  const created = await request("POST", `${t.base()}/session`, { token: user.token, form: { name: "probe", image, cmd: "sh", args: ["-c", script].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(" ") } });
  expect(created.status, created.text).toBe(200);
  const id = created.text.trim();
  const session = await waitForStatus(t.base(), user.token, id, ["Succeeded", "Failed"], 60_000);
  const logs = (await request("GET", `${t.base()}/session/${id}?view=logs`, { token: user.token })).text;
  return { id, session, logs };
}

describe("groups and /arc/projects (issue 3)", () => {
  it("lets a member write the group's project directory, which keeps files in the group", async () => {
    const { session, logs } = await run(alice, "echo data > /arc/projects/astro/alice.txt && ls -l /arc/projects/astro/alice.txt");
    expect(session.status, logs).toBe("Succeeded");
    expect(logs).toMatch(/-rw-r--r-- +1 alice +astro .* \/arc\/projects\/astro\/alice.txt/);
    const dir = statSync(join(t.dataDir, "arc", "projects", "astro"));
    expect(dir.uid).toBe(0);
    expect(dir.gid).toBe(40001);
    expect(dir.mode & 0o7777).toBe(0o2770);
  });

  it("keeps a non-member out of the project directory", async () => {
    const { session, logs } = await run(bob, "echo intrusion > /arc/projects/astro/bob.txt");
    expect(session.status).toBe("Failed");
    expect(logs).toMatch(/Permission denied/);
    expect(() => statSync(join(t.dataDir, "arc", "projects", "astro", "bob.txt"))).toThrow();
  });

  it("gives names, not numbers, to the job's user and groups, whatever the image's files say", async () => {
    const busybox = await run(alice, "id; whoami; ls -ld /arc/home/alice");
    expect(busybox.logs).toContain("uid=20001(alice) gid=20001(alice) groups=20001(alice),40000(skaha-users),40001(astro)");
    expect(busybox.logs).toContain("\nalice\n");
    expect(busybox.logs).toMatch(/drwxr-x--- +\d+ alice +alice .* \/arc\/home\/alice/);
    const debian = await run(erin, "id -un; id -Gn; grep -c '^bin:' /etc/passwd || true; grep '^root:' /etc/passwd", PYTHON_IMAGE);
    expect(debian.logs).toBe("erin\nerin skaha-users astro\n0\nroot:x:0:0:root:/root:/bin/bash\n");
    // The generated files go when the job has ended.
    const dir = join(t.dataDir, "accounts", debian.id.slice(0, 2), debian.id);
    await waitUntil("the job's passwd and group files to be removed", async () => (existsSync(dir) ? undefined : true), 10_000);
  });

  it("runs jobs as the user with no capabilities", async () => {
    const { logs } = await run(alice, "grep -E '^(Cap(Eff|Prm|Bnd)|Uid|Gid|NoNewPrivs):' /proc/self/status");
    expect(logs).toMatch(/^Uid:\s+20001\s+20001\s+20001\s+20001$/m);
    expect(logs).toMatch(/^Gid:\s+20001\s+20001\s+20001\s+20001$/m);
    expect(logs).toMatch(/^CapEff:\s+0000000000000000$/m);
    expect(logs).toMatch(/^CapPrm:\s+0000000000000000$/m);
    expect(logs).toMatch(/^NoNewPrivs:\s+1$/m);
  });

  it("refuses users outside the users group with 403 on every route", async () => {
    for (const [method, path] of [["GET", "/session"], ["POST", "/session"], ["GET", "/image"], ["GET", "/context"]] as const) {
      const r = await request(method, `${t.base()}${path}`, { token: carol.token, ...(method === "POST" ? { form: { name: "x", image: DEMO_IMAGE } } : {}) });
      expect(r.status).toBe(403);
      expect(r.text).toBe("Not authorized to use the system: carol is not a member of group skaha-users.\n");
    }
  });

  it("lets an administrator list everyone's sessions in full and delete any; auth.viewAll: admins keeps the listing from others", async () => {
    const created = await request("POST", `${t.base()}/session`, { token: alice.token, form: { name: "long", image: DEMO_IMAGE, cmd: "sleep", args: "300" } });
    const id = created.text.trim();
    await waitForStatus(t.base(), alice.token, id, ["Running"]);
    expect(existsSync(join(t.dataDir, "accounts", id.slice(0, 2), id, "passwd"))).toBe(true);
    const refused = await request("GET", `${t.base()}/session?view=all`, { token: bob.token });
    expect(refused.status).toBe(403);
    expect(refused.text).toBe("view=all (every user's sessions) is for administrators only on this server; leave out view to list your own.\n");
    const all = (await request("GET", `${t.base()}/session?view=all`, { token: admin.token })).json<Record<string, unknown>[]>();
    expect(all.some((s) => s.userid === "alice" && s.status === "Running")).toBe(true);
    expect(all.some((s) => s.userid === "bob")).toBe(true);
    // Administrators get the whole session JSON (ids to act on); others, where allowed, only the public fields.
    expect(all.find((s) => s.id === id)).toMatchObject({ id, userid: "alice", image: DEMO_IMAGE, status: "Running" });
    expect((await request("DELETE", `${t.base()}/session/${id}`, { token: bob.token })).status).toBe(404);
    expect((await request("DELETE", `${t.base()}/session/${id}`, { token: admin.token })).status).toBe(200);
    const ended = await waitForStatus(t.base(), alice.token, id, ["Failed", "Succeeded"]);
    expect(ended.status).toBe("Failed");
  });
});
