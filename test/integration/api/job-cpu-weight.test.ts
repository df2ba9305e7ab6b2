import { existsSync, readdirSync, readFileSync, rmdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { request, waitForStatus, waitUntil } from "../../support/http.js";
import { DEMO_IMAGE } from "../../support/paths.js";
import { startTestServer, type TestServer, type TestUser } from "../../support/test-server.js";

/** Its own name, so that other servers' jobs on this host never count here. */
const JOBS_CGROUP = `skyrun_jobs_test_${process.pid}`;
const V2 = existsSync("/sys/fs/cgroup/cgroup.controllers");
/** The cpu controller's hierarchy. */
const CPU_ROOT = V2 ? "/sys/fs/cgroup" : ["/sys/fs/cgroup/cpu", "/sys/fs/cgroup/cpu,cpuacct"].find((d) => existsSync(join(d, "cpu.shares")))!;

/** CPU weight of a cgroup in v2 units (v1 shares 1024 = weight 100); the root's is the default. */
function weightOf(path: string): number {
  const dir = join(CPU_ROOT, path);
  if (V2) return existsSync(join(dir, "cpu.weight")) ? Number(readFileSync(join(dir, "cpu.weight"), "utf8")) : 100;
  return (Number(readFileSync(join(dir, "cpu.shares"), "utf8")) * 100) / 1024;
}

/** The cpu cgroup this process (the server runs in it) belongs to. */
function ownCpuCgroup(): string {
  const lines = readFileSync("/proc/self/cgroup", "utf8").trim().split("\n");
  const line = V2 ? lines.find((l) => l.startsWith("0::")) : lines.find((l) => l.split(":")[1]!.split(",").includes("cpu"));
  return line!.split(":")[2]!;
}

/** Every process in a cgroup and its descendants. */
function processesUnder(dir: string): number[] {
  if (!existsSync(dir)) return [];
  const own = readFileSync(join(dir, "cgroup.procs"), "utf8").split("\n").filter(Boolean).map(Number);
  return [...own, ...readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).flatMap((e) => processesUnder(join(dir, e.name)))];
}

let t: TestServer;
let alice: TestUser;

beforeAll(async () => {
  t = await startTestServer({ overrides: { local: { stopTimeoutSeconds: 2, jobsCgroup: JOBS_CGROUP, jobsCpuWeight: 10 } } });
  alice = await t.addUser("alice", { uid: 20041 });
});
afterAll(async () => {
  await t.close();
  // Podman leaves its conmon cgroup under the parent; an empty cgroup is removed with rmdir.
  const hierarchies = V2 ? ["/sys/fs/cgroup"] : readdirSync("/sys/fs/cgroup").map((h) => join("/sys/fs/cgroup", h));
  for (const dir of hierarchies.flatMap((h) => [join(h, JOBS_CGROUP, "conmon"), join(h, JOBS_CGROUP)])) {
    try {
      rmdirSync(dir);
    } catch { /* still in use or already gone */ }
  }
});

describe("jobs cannot starve the server of CPU (issue 11)", () => {
  it("runs every job container in the jobs' cgroup, whose CPU weight is below the server's", async () => {
    const r = await request("POST", `${t.base()}/session`, { token: alice.token, form: { name: "spin", image: DEMO_IMAGE, cmd: "sh", args: "-c 'echo up; sleep 600'" } });
    expect(r.status, r.text).toBe(200);
    const id = r.text.trim();
    await waitForStatus(t.base(), alice.token, id, ["Running"]);
    try {
      // The job's sleep (once its shell has started it) runs inside the jobs' cgroup …
      const sleeping = () => processesUnder(join(CPU_ROOT, JOBS_CGROUP)).filter((pid) => {
        try {
          return readFileSync(`/proc/${pid}/cmdline`, "utf8").startsWith("sleep");
        } catch {
          return false;
        }
      });
      await waitUntil("the job's sleep in the jobs' cgroup", async () => (sleeping().length === 1 ? true : undefined), 30_000);
      // … and this server is not, and weighs ten times more.
      expect(ownCpuCgroup().startsWith(`/${JOBS_CGROUP}`)).toBe(false);
      expect(weightOf(JOBS_CGROUP)).toBeCloseTo(10, 0);
      expect(weightOf(ownCpuCgroup())).toBeGreaterThanOrEqual(10 * weightOf(JOBS_CGROUP) - 1);
    } finally {
      await request("DELETE", `${t.base()}/session/${id}`, { token: alice.token });
    }
  });
});
