import { existsSync, mkdirSync, rmdirSync, statSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { request, waitForStatus, waitUntil, type SessionJson } from "../../support/http.js";
import { DEMO_IMAGE } from "../../support/paths.js";
import { startRegistry, type RegistryServer } from "../../support/registry-server.js";
import { startSlurmCluster, type SlurmCluster } from "../../support/slurm-cluster.js";
import { startTestServer, type TestServer, type TestUser } from "../../support/test-server.js";
import { startWebhookReceiver, type WebhookReceiver } from "../../support/webhook-receiver.js";
import type { JobHistoryPageJson } from "../../../src/contracts/accounting.js";

// Issue 6: sessions run as Slurm batch jobs on a real cluster (munge, slurmctld, two slurmd nodes).
let cluster: SlurmCluster;
let registry: RegistryServer;
let t: TestServer;
let alice: TestUser;
let receiver: WebhookReceiver;

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  cluster = await startSlurmCluster();
  registry = await startRegistry({ credentials: { username: "alice", password: "registry-Pa55" } });
  t = await startTestServer({
    overrides: {
      executor: "slurm",
      slurm: {
        conf: cluster.conf, partition: cluster.partition, containersConf: cluster.containersConf, pollIntervalMs: 250,
        // The test registry speaks plain HTTP; a site would set proxies or its registries.conf here.
        podmanEnv: { CONTAINERS_REGISTRIES_CONF: registry.registriesConf },
      },
      sessions: { deadlineSeconds: 600, renewSeconds: 1200 },
      registries: [{ host: registry.host, insecure: true }],
      notifications: { allowedUrls: [`${receiver.url}/hook`], backoffSeconds: 0.2, maxBackoffSeconds: 1 },
    },
  });
  alice = await t.addUser("alice", { uid: 20001, groups: ["astro:30001", "survey:30002"] });
}, 20 * 60_000);
afterAll(async () => {
  await t.close();
  await receiver.close();
  await registry.stop();
  await cluster.stop();
}, 180_000);

async function create(form: Record<string, string | string[]>, version: "v0" | "v1" = "v0"): Promise<string> {
  const r = await request("POST", `${t.base(version)}/session`, { token: alice.token, form: { name: "t", image: DEMO_IMAGE, ...form } });
  expect(r.status, r.text).toBe(200);
  return r.text.trim();
}
const get = async (id: string) => (await request("GET", `${t.base()}/session/${id}`, { token: alice.token })).json<SessionJson>();
const logs = async (id: string) => (await request("GET", `${t.base()}/session/${id}?view=logs`, { token: alice.token })).text;
const events = async (id: string) => (await request("GET", `${t.base()}/session/${id}?view=events`, { token: alice.token })).text;
const del = async (id: string) => expect((await request("DELETE", `${t.base()}/session/${id}`, { token: alice.token })).status).toBe(200);
/** Slurm's view of a session's batch job: `<id> <state> <time limit>`, or "" once Slurm forgot it. */
const slurmJob = (id: string) => cluster.slurm("squeue", ["--noheader", "--states=all", `--name=skyrun-${id}`, "--format=%i %T %l"]).trim();
const waitFor = (id: string, statuses: string[], timeoutMs = 150_000) => waitForStatus(t.base(), alice.token, id, statuses, timeoutMs);

// Podman on this shared machine can wait on image-store locks held by other tests: generous limits.
describe("sessions on Slurm", { timeout: 180_000 }, () => {
  it("runs a session as a Slurm job to Succeeded (v0) and Completed (v1), stdout and stderr in order in the logs", async () => {
    const id = await create({ cmd: "sh", args: "-c 'echo to-stdout; echo to-stderr >&2; sleep 1; echo done'" });
    const job = await waitUntil("the Slurm job", async () => slurmJob(id) || undefined);
    expect(job).toMatch(/^\d+ (PENDING|RUNNING|COMPLETING|COMPLETED) /);
    const v0 = await waitFor(id, ["Succeeded", "Failed"]);
    expect(v0).toMatchObject({ status: "Succeeded", exitCode: 0, userid: "alice", type: "headless" });
    expect(v0.startTime).toBeDefined();
    expect((await request("GET", `${t.base("v1")}/session/${id}`, { token: alice.token })).json<SessionJson>().status).toBe("Completed");
    expect(await logs(id)).toBe("to-stdout\nto-stderr\ndone\n");
    expect(await events(id)).toMatch(/Normal\s+Started[\s\S]*Normal\s+Completed/);
  });

  it("runs the container as the user with their groups, no capabilities, HOME on /arc, a private /scratch and every env value intact", async () => {
    const id = await create({
      cmd: "sh",
      args: "-c 'id -u; id -g; id -G; grep CapEff /proc/self/status; echo $HOME; pwd; hostname; echo $OMP_NUM_THREADS; ls -ld /scratch; echo \"[$QUERY|$EMPTY|$LINES]\"; id -un; id -Gn; grep -c ^root: /etc/passwd'",
      name: "who-am-i",
      cores: "2",
      ram: "2",
      env: ["QUERY=a=b&c=d", "EMPTY=", "LINES=one\ntwo"],
    });
    await waitFor(id, ["Succeeded"]);
    const out = (await logs(id)).split("\n");
    expect(out.slice(0, 3)).toEqual(["20001", "20001", "20001 30001 30002"]);
    expect(out[3]).toMatch(/CapEff:\s+0000000000000000/);
    expect(out.slice(4, 8)).toEqual(["/arc/home/alice", "/arc/home/alice", "who-am-i", "2"]);
    // The container's /etc/passwd and /etc/group name the user and their groups, as on the local engine (issue 15).
    expect(out[8]).toMatch(/^drwx------\s+\d+\s+alice\s+alice/);
    expect(out.slice(9, 11)).toEqual(["[a=b&c=d||one", "two]"]);
    expect(out.slice(11, 14)).toEqual(["alice", "alice astro survey", "1"]); // the image's own entries are kept
    expect(statSync(`${t.dataDir}/arc/home/alice`).uid).toBe(20001);
    expect(existsSync(`${t.dataDir}/scratch/${id}`)).toBe(false);
    expect(existsSync(`${t.dataDir}/slurm/${id.slice(0, 2)}/${id}`)).toBe(false); // the env file is gone with the job
  });

  it("passes args as argv: quotes kept, nothing expanded by the batch script", async () => {
    const id = await create({ cmd: "printf", args: `'[%s]\\n' "two words" '$HOME' 'a;b' "it's" '$(id)' '\`id\`'` });
    await waitFor(id, ["Succeeded"]);
    expect(await logs(id)).toBe("[two words]\n[$HOME]\n[a;b]\n[it's]\n[$(id)]\n[`id`]\n");
  });

  it("ends Failed with the program's exit code, and says so", async () => {
    const id = await create({ cmd: "sh", args: "-c 'echo oops >&2; exit 3'" });
    const s = await waitFor(id, ["Succeeded", "Failed"]);
    expect(s).toMatchObject({ status: "Failed", exitCode: 3, statusMessage: "Error: container exited with code 3" });
    expect(await logs(id)).toBe("oops\n");
    expect(await events(id)).toMatch(/Warning\s+Failed\s+Container exited with code 3/);
  });

  it("shows Slurm's pending reason while Slurm holds the job, and deletes it there with scancel", async () => {
    // Two 4-core jobs fill both 4-core nodes; the third waits for resources in Slurm's queue.
    const holders = [await create({ cmd: "sleep", args: "300", cores: "4", ram: "1" }), await create({ cmd: "sleep", args: "300", cores: "4", ram: "1" })];
    for (const h of holders) await waitFor(h, ["Running"]);
    const waiting = await create({ cmd: "echo", args: "never", cores: "4", ram: "1" });
    const pending = await waitUntil("Slurm's reason", async () => {
      const s = await get(waiting);
      return s.statusMessage?.startsWith("Slurm: ") ? s : undefined;
    });
    expect(pending.status).toBe("Pending");
    expect(pending.statusMessage).toMatch(/^Slurm: (Resources — waiting for resources|Priority — jobs with higher priority are ahead in the queue)$/);
    expect(await events(waiting)).toMatch(/Normal\s+Pending\s+Slurm: (Resources|Priority)/);
    expect(slurmJob(waiting)).toMatch(/ PENDING /);

    await del(waiting);
    const gone = await waitFor(waiting, ["Failed"]);
    expect(gone.statusMessage).toBe("Deleted by user");
    expect(await events(waiting)).toMatch(/Deleted\s+Session deleted before it started/);
    expect(slurmJob(waiting)).toMatch(/^(\d+ CANCELLED .*)?$/);
    for (const h of holders) await del(h);
    for (const h of holders) await waitFor(h, ["Failed"]);
  });

  it("deletes a running session: scancel, the wrapper stops the container, the logs stay", async () => {
    const id = await create({ cmd: "sh", args: "-c 'trap \"echo got-term; exit 0\" TERM; echo started; while :; do sleep 1; done'" });
    await waitFor(id, ["Running"]);
    await waitUntil("output", async () => ((await logs(id)).includes("started") ? true : undefined));
    await del(id);
    expect(["Terminating", "Failed"]).toContain((await get(id)).status);
    const done = await waitFor(id, ["Failed"]);
    expect(done.statusMessage).toBe("Deleted by user");
    expect(await logs(id)).toMatch(/^started\ngot-term\n/); // the program got SIGTERM and could clean up
    expect(slurmJob(id)).toMatch(/^(\d+ CANCELLED .*)?$/);
    const containers = cluster.slurm("podman", ["ps", "--all", "--quiet", "--filter", `label=skyrun.slurm.job=${id}`]).trim();
    expect(containers).toBe("");
  });

  it("streams logs with follow=true while the Slurm job runs, and ends the stream when it ends", async () => {
    const id = await create({ cmd: "sh", args: "-c 'echo first; sleep 3; echo second'" });
    const res = await fetch(`${t.base()}/session/${id}?view=logs&follow=true`, { headers: { authorization: `Bearer ${alice.token}` } });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let seen = "";
    let sawRunningWithOutput = false;
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      seen += decoder.decode(value, { stream: true });
      if (!sawRunningWithOutput && seen.includes("first")) sawRunningWithOutput = (await get(id)).status === "Running";
    }
    expect(seen).toBe("first\nsecond\n");
    expect(sawRunningWithOutput).toBe(true);
    expect((await get(id)).status).toBe("Succeeded");
  });

  it("renews a running session by extending the Slurm job's time limit", async () => {
    const id = await create({ cmd: "sleep", args: "300" });
    await waitFor(id, ["Running"]);
    expect(slurmJob(id)).toMatch(/ RUNNING 10:00$/); // the 600 s deadline, in Slurm's minutes
    const r = await request("POST", `${t.base()}/session/${id}`, { token: alice.token, form: { action: "renew" } });
    expect(r.status, r.text).toBe(200);
    expect(slurmJob(id)).toMatch(/ RUNNING (20|21):00$/); // time used + 1200 s
    const expiry = new Date((await get(id)).expiryTime as string).getTime() - new Date((await get(id)).startTime as string).getTime();
    expect(expiry).toBeGreaterThanOrEqual(1200_000);
    await del(id);
    await waitFor(id, ["Failed"]);
  });

  it("reports the cluster's capacity from sinfo in view=stats", async () => {
    type Stats = { cores: Record<string, unknown>; ram: Record<string, unknown> };
    const stats = async () => (await request("GET", `${t.base()}/session?view=stats`, { token: alice.token })).json<Stats>();
    const idle = await waitUntil("an idle cluster", async () => { const s = await stats(); return s.cores.requestedCPUCores === 0 ? s : undefined; });
    expect(idle.cores).toMatchObject({ cpuCoresAvailable: 8 });
    expect(idle.ram).toMatchObject({ ramAvailable: "32G", requestedRAM: "0G" });
    const id = await create({ cmd: "sleep", args: "300", cores: "3", ram: "2" });
    await waitFor(id, ["Running"]);
    expect((await stats()).cores).toMatchObject({ requestedCPUCores: 3, cpuCoresAvailable: 8 });
    expect((await stats()).ram).toMatchObject({ requestedRAM: "2G" });
    await del(id);
    await waitFor(id, ["Failed"]);
  });

  it("pulls a private image on the node with the user's registry credentials, which reach neither the log, the script nor the session", async () => {
    const image = await registry.pushFromEngine(DEMO_IMAGE, "private/demo:1");
    const submit = async (secret: string, args: string) => {
      const r = await request("POST", `${t.base()}/session`, { token: alice.token, form: { name: "private", image, cmd: "sh", args }, headers: { "x-skaha-registry-auth": Buffer.from(`alice:${secret}`).toString("base64") } });
      expect(r.status, r.text).toBe(200);
      return r.text.trim();
    };
    const leaks = (text: string) => text.includes("registry-Pa55") || text.includes("wrong-Pa55");

    const denied = await submit("wrong-Pa55", "-c 'echo never'");
    const failed = await waitFor(denied, ["Failed", "Succeeded"]);
    expect(failed.statusMessage).toMatch(/^ImagePullFailed: image pull failed: .*(unauthorized|authentication required)/);
    expect(await events(denied)).toMatch(/Warning\s+ImagePullFailed/);

    const id = await submit("registry-Pa55", "-c 'echo from a private image; sleep 2'");
    await waitFor(id, ["Running"]);
    const slurmId = slurmJob(id).split(" ")[0]!;
    const script = cluster.slurm("scontrol", ["write", "batch_script", slurmId, "-"]);
    expect(script).toContain("--authfile");
    expect(leaks(script)).toBe(false);
    // The credentials file is gone once the image is pulled.
    await waitUntil("the auth file to go", async () => (existsSync(`${t.dataDir}/slurm/${id.slice(0, 2)}/${id}/auth.json`) ? undefined : true));
    expect((await waitFor(id, ["Succeeded", "Failed"])).status).toBe("Succeeded");
    expect(await logs(id)).toBe("from a private image\n");
    for (const text of [await logs(denied), await events(denied), await events(id), JSON.stringify(await get(id)), JSON.stringify(failed)]) expect(leaks(text)).toBe(false);
    expect(existsSync(`${t.dataDir}/slurm/${id.slice(0, 2)}/${id}`)).toBe(false);
    cluster.slurm("podman", ["rmi", "--force", image]);
  });
});

describe("sessions on Slurm without containers (slurm.mode: direct)", { timeout: 180_000 }, () => {
  let direct: TestServer;
  let bob: TestUser;
  /** Direct mode binds the shared /arc and the job's scratch at /arc and /scratch, which must exist on nodes. */
  const made: string[] = [];

  beforeAll(async () => {
    for (const d of ["/arc", "/scratch"]) {
      if (!existsSync(d)) {
        mkdirSync(d);
        made.push(d);
      }
    }
    direct = await startTestServer({ overrides: { executor: "slurm", slurm: { conf: cluster.conf, partition: cluster.partition, mode: "direct", pollIntervalMs: 250 } } });
    bob = await direct.addUser("bob", { uid: 20002, groups: ["astro:30001"] });
  }, 120_000);
  afterAll(async () => {
    await direct.close();
    for (const d of made) rmdirSync(d);
  });

  const submit = async (form: Record<string, string | string[]>) => {
    const r = await request("POST", `${direct.base()}/session`, { token: bob.token, form: { name: "direct", image: DEMO_IMAGE, ...form } });
    expect(r.status, r.text).toBe(200);
    return r.text.trim();
  };
  const output = async (id: string) => (await request("GET", `${direct.base()}/session/${id}?view=logs`, { token: bob.token })).text;

  it("runs the command itself as the user, without capabilities, with /arc, /scratch, HOME and the environment", async () => {
    const id = await submit({ cmd: "sh", args: "-c 'id -u; id -G; grep CapEff /proc/self/status; echo $HOME; pwd; hostname; ls -ld /scratch; echo \"[$LINES]\"; exit 4'", name: "plain", env: ["LINES=one\ntwo"] });
    const s = await waitForStatus(direct.base(), bob.token, id, ["Succeeded", "Failed"], 150_000);
    expect(s).toMatchObject({ status: "Failed", exitCode: 4 });
    const out = (await output(id)).split("\n");
    expect(out.slice(0, 2)).toEqual(["20002", "20002 30001"]);
    expect(out[2]).toMatch(/CapEff:\s+0000000000000000/);
    expect(out.slice(3, 6)).toEqual(["/arc/home/bob", "/arc/home/bob", "plain"]);
    expect(out[6]).toMatch(/^drwx------\s+\d+\s+20002\s+20002\s.*\/scratch$/);
    expect(out.slice(7, 9)).toEqual(["[one", "two]"]);
  });

  it("refuses, with the reason, variables a shell cannot export", async () => {
    const id = await submit({ cmd: "true", env: ["dotted.name=1"] });
    const s = await waitForStatus(direct.base(), bob.token, id, ["Succeeded", "Failed"], 150_000);
    expect(s.status).toBe("Failed");
    expect(s.statusMessage).toMatch(/variable names must be letters, digits and '_': dotted\.name/);
  });
});

describe("deadlines on Slurm", { timeout: 180_000 }, () => {
  let short: TestServer;
  let carol: TestUser;

  beforeAll(async () => {
    short = await startTestServer({
      overrides: { executor: "slurm", slurm: { conf: cluster.conf, partition: cluster.partition, containersConf: cluster.containersConf, pollIntervalMs: 250 }, sessions: { deadlineSeconds: 8 } },
    });
    carol = await short.addUser("carol", { uid: 20003 });
  }, 120_000);
  afterAll(async () => { await short.close(); });

  it("stops a session at its deadline (Slurm's time limit is the deadline rounded up to a minute) and says DeadlineExceeded", async () => {
    const r = await request("POST", `${short.base()}/session`, { token: carol.token, form: { name: "overrun", image: DEMO_IMAGE, cmd: "sh", args: "-c 'echo start; sleep 300'" } });
    expect(r.status, r.text).toBe(200);
    const id = r.text.trim();
    await waitForStatus(short.base(), carol.token, id, ["Running"], 150_000);
    expect(slurmJob(id)).toMatch(/ RUNNING 1:00$/);
    const s = await waitForStatus(short.base(), carol.token, id, ["Failed", "Succeeded"], 150_000);
    expect(s.statusMessage).toBe("DeadlineExceeded: active longer than 8s");
    expect((await request("GET", `${short.base()}/session/${id}?view=logs`, { token: carol.token })).text).toBe("start\n");
    expect(slurmJob(id)).toMatch(/^(\d+ (CANCELLED|COMPLETING) .*)?$/);
  });
});

// Issue 12 on Slurm: the batch features are the scheduler's and the lifecycle's, so they must hold on this engine too.
describe("batch work on Slurm", { timeout: 240_000 }, () => {
  it("retries a failed attempt and keeps each attempt's exit code and log", async () => {
    const id = await create({ name: "flaky", retries: "1", cmd: "sh", args: "-c 'if [ -f $HOME/slurm-flaky ]; then echo second; else touch $HOME/slurm-flaky; echo first; exit 3; fi'" });
    const done = await waitFor(id, ["Succeeded", "Failed"], 200_000);
    expect(done).toMatchObject({ status: "Succeeded", attempt: 2 });
    expect((done.attempts as { exitCode?: number }[]).map((a) => a.exitCode)).toEqual([3, 0]);
    expect((await request("GET", `${t.base()}/session/${id}?view=logs&attempt=1`, { token: alice.token })).text).toBe("first\n");
    expect(await logs(id)).toBe("second\n");
  });

  it("never runs more than maxRunning of a replica set at once, labels them, and deletes the group in one request", async () => {
    const r = await request("POST", `${t.base()}/session`, { token: alice.token, form: { name: "throttled", image: DEMO_IMAGE, replicas: "3", maxRunning: "1", label: "run=slurm-t", cmd: "sleep", args: "300" } });
    expect(r.status, r.text).toBe(200);
    const ids = r.text.trim().split("\n");
    await waitFor(ids[0]!, ["Running"]);
    const listed = (await request("GET", `${t.base()}/session?label=run=slurm-t`, { token: alice.token })).json<SessionJson[]>();
    expect(listed.map((s) => s.id).sort()).toEqual([...ids].sort());
    expect(listed.filter((s) => s.status === "Running")).toHaveLength(1);
    expect(listed.find((s) => s.status === "Pending")?.statusMessage).toMatch(/maxRunning|1 of 1 running/);
    const bulk = await request("DELETE", `${t.base()}/session?label=run=slurm-t`, { token: alice.token });
    expect(bulk.status, bulk.text).toBe(200);
    // The running one is stopped (`terminating`), the waiting ones are deleted at once.
    const outcomes = new Map(bulk.text.trim().split("\n").map((l) => l.split(" ") as [string, string]));
    expect(outcomes.get(ids[0]!)).toBe("terminating");
    expect([outcomes.get(ids[1]!), outcomes.get(ids[2]!)]).toEqual(["deleted", "deleted"]);
    for (const id of ids) await waitFor(id, ["Failed"]);
    await waitUntil("Slurm to forget the running one", async () => (/RUNNING|PENDING/.test(slurmJob(ids[0]!)) ? undefined : true));
  });

  it("writes stdout to the file asked for under /arc, as the user", async () => {
    const id = await create({ name: "to-file", stdout: "/arc/home/alice/slurm-out.txt", cmd: "echo", args: "on-slurm" });
    await waitFor(id, ["Succeeded"]);
    const file = `${t.dataDir}/arc/home/alice/slurm-out.txt`;
    await waitUntil("the output file", async () => (existsSync(file) ? true : undefined));
    expect(statSync(file).uid).toBe(20001);
  });

  it("notifies the end of a Slurm job once, signed, and accounts for it", async () => {
    const id = await create({ name: "noted", notify: `${receiver.url}/hook/slurm`, cmd: "sh", args: "-c 'exit 4'" });
    await waitFor(id, ["Failed"]);
    const [got] = await receiver.waitFor("/hook/slurm", 1, 120_000);
    expect(JSON.parse(got!.body)).toMatchObject({ event: "session.ended", session: { id, status: "Failed", exitCode: 4 } });
    expect(got!.headers["x-skyrun-signature"]).toMatch(/^t=\d+,\s*v1=[0-9a-f]{64}$/);
    const today = new Date().toISOString().slice(0, 10);
    const history = await waitUntil("the accounting record", async () => {
      const page = (await request("GET", `${t.base("v1")}/accounting/jobs?from=${today}`, { token: alice.token })).json<JobHistoryPageJson>();
      return page.jobs.find((j) => j.id === id);
    });
    expect(history).toMatchObject({ owner: "alice", exitCode: 4, attempts: 1 });
    expect(receiver.requests.filter((r) => r.path.startsWith("/hook/slurm"))).toHaveLength(1);
  });
});
