import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { request, waitForStatus } from "../../support/http.js";
import { DEMO_IMAGE } from "../../support/paths.js";
import { startTestServer, type TestServer, type TestUser } from "../../support/test-server.js";

let t: TestServer;
let mallory: TestUser;

beforeAll(async () => {
  t = await startTestServer();
  mallory = await t.addUser("mallory", { uid: 20031 });
});
afterAll(async () => { await t.close(); });

/** Runs a shell line in a real job and returns its exit code and output. */
async function run(script: string): Promise<{ exitCode: number | undefined; output: string }> {
  const r = await request("POST", `${t.base()}/session`, { token: mallory.token, form: { name: "probe", image: DEMO_IMAGE, cmd: "sh", args: `-c '${script}'` } });
  expect(r.status, r.text).toBe(200);
  const id = r.text.trim();
  const s = await waitForStatus(t.base(), mallory.token, id, ["Succeeded", "Failed"]);
  return { exitCode: s.exitCode, output: (await request("GET", `${t.base()}/session/${id}?view=logs`, { token: mallory.token })).text };
}

describe("what a job cannot do (issue 11)", () => {
  it("cannot create a user namespace, with or without mapping itself to root", async () => {
    const r = await run("unshare -U -r id -u; echo rc=$?; unshare -U true; echo rc=$?");
    expect(r.output).toMatch(/rc=[1-9]/);
    expect(r.output).not.toMatch(/^0$/m); // never root inside a new namespace
    expect(r.output.match(/rc=(\d+)/g)?.every((m) => m !== "rc=0")).toBe(true);
  });

  it("cannot create mount, network or PID namespaces, nor mount anything", async () => {
    const r = await run("unshare -m true; echo m=$?; unshare -n true; echo n=$?; unshare -p -f true; echo p=$?; mount -t tmpfs none /tmp; echo mount=$?");
    for (const step of ["m", "n", "p", "mount"]) expect(r.output).toMatch(new RegExp(`^${step}=[1-9]`, "m"));
  });

  it("still forks, runs threads and child processes as usual", async () => {
    const r = await run("for i in 1 2 3; do (echo child $i) & done; wait; echo done");
    expect(r.exitCode).toBe(0);
    expect(r.output).toMatch(/child 1[\s\S]*done/);
  });

  it("runs with no capabilities and no way to gain privileges", async () => {
    const r = await run("grep -E \"^(CapEff|CapPrm|CapBnd|NoNewPrivs|Seccomp):\" /proc/self/status");
    expect(r.output).toMatch(/CapEff:\s+0{16}/);
    expect(r.output).toMatch(/CapBnd:\s+0{16}/);
    expect(r.output).toMatch(/NoNewPrivs:\s+1/);
    expect(r.output).toMatch(/Seccomp:\s+2/);
  });
});
