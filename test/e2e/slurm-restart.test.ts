import { existsSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { request, waitForStatus, waitUntil, type SessionJson } from "../support/http.js";
import { DEMO_IMAGE } from "../support/paths.js";
import { freePort } from "../support/free-port.js";
import { skyrunCli, startServerProcess, type ServerProcess } from "../support/server-process.js";
import { startSlurmCluster, type SlurmCluster } from "../support/slurm-cluster.js";
import { makeDataDir } from "../support/test-server.js";

// Issue 6: restarts lose nothing on Slurm — neither skyrun's nor slurmctld's.
let cluster: SlurmCluster;
let dataDir: string;
let port: number;
let server: ServerProcess;
let token: string;
const base = () => `${server.url}/skaha/v0`;

/** `skyrun server --executor slurm`, as an operator starts it: flags, SLURM_CONF, a config file for the rest. */
const startSkyrun = () => startServerProcess(dataDir, port, ["--executor", "slurm", "--slurm-partition", cluster.partition, "--cores", "4", "--ram", "16", "--config", join(dataDir, "skyrun.yaml")], { SLURM_CONF: cluster.conf });

beforeAll(async () => {
  cluster = await startSlurmCluster();
  dataDir = makeDataDir("slurm-restart");
  writeFileSync(join(dataDir, "skyrun.yaml"), `slurm:\n  containersConf: ${cluster.containersConf}\n  pollIntervalMs: 250\nlocal:\n  stopTimeoutSeconds: 2\n`);
  port = await freePort({ from: "kernel" });
  skyrunCli(["users", "add", "alice", "--data-dir", dataDir]);
  token = skyrunCli(["tokens", "create", "alice", "--data-dir", dataDir]).trim().split("\n").at(-1)!;
  server = await startSkyrun();
}, 20 * 60_000);
afterAll(async () => {
  await server.kill("SIGTERM");
  await cluster.stop();
  rmSync(dataDir, { recursive: true, force: true });
}, 180_000);

const create = async (form: Record<string, string>) => {
  const r = await request("POST", `${base()}/session`, { token, form: { name: "r", image: DEMO_IMAGE, cores: "1", ram: "1", ...form } });
  expect(r.status, r.text).toBe(200);
  return r.text.trim();
};
const get = async (id: string) => (await request("GET", `${base()}/session/${id}`, { token })).json<SessionJson>();
const logs = async (id: string) => (await request("GET", `${base()}/session/${id}?view=logs`, { token })).text;
const wait = (id: string, statuses: string[], timeoutMs = 150_000) => waitForStatus(base(), token, id, statuses, timeoutMs);
const slurmKnows = (id: string) => cluster.slurm("squeue", ["--noheader", "--states=all", `--name=skyrun-${id}`, "--format=%T"]).trim();

describe("skyrun restarted in the middle of Slurm jobs", () => {
  it("finds the exit code of a job that ended (and that Slurm forgot) while skyrun was down, and keeps following running ones", async () => {
    const endsWhileDown = await create({ cmd: "sh", args: "-c 'echo before; sleep 3; echo after; exit 7'" });
    const keepsRunning = await create({ cmd: "sh", args: "-c 'echo long; sleep 300'" });
    await wait(endsWhileDown, ["Running"]);
    await wait(keepsRunning, ["Running"]);

    await server.kill("SIGKILL");
    // The job ends on its node, then Slurm drops it (MinJobAge): only the wrapper's exit record is left.
    await waitUntil("Slurm to forget the finished job", async () => (slurmKnows(endsWhileDown) === "" ? true : undefined), 120_000, 500);
    expect(slurmKnows(keepsRunning)).toBe("RUNNING");

    server = await startSkyrun();
    const ended = await wait(endsWhileDown, ["Failed", "Succeeded"]);
    expect(ended).toMatchObject({ status: "Failed", exitCode: 7, statusMessage: "Error: container exited with code 7" });
    expect(await logs(endsWhileDown)).toBe("before\nafter\n");
    expect((await get(keepsRunning)).status).toBe("Running");

    const fresh = await create({ cmd: "echo", args: "after the restart" });
    expect((await wait(fresh, ["Succeeded", "Failed"])).status).toBe("Succeeded");
    expect(await logs(fresh)).toBe("after the restart\n");

    expect((await request("DELETE", `${base()}/session/${keepsRunning}`, { token })).status).toBe(200);
    expect((await wait(keepsRunning, ["Failed"])).statusMessage).toBe("Deleted by user");
    expect(await logs(keepsRunning)).toBe("long\n");
  }, 300_000);
});

describe("slurmctld restarted in the middle of a job", () => {
  it("keeps the job, takes new sessions while the controller is down, and reports the right exit code once it is back", async () => {
    const id = await create({ cmd: "sh", args: "-c 'echo one; sleep 4; echo two; exit 5'" });
    await wait(id, ["Running"]);
    await cluster.stopController();

    const submittedWhileDown = await create({ cmd: "echo", args: "queued while slurmctld was down" });
    // The job ends on its node while nobody can ask Slurm about it.
    const exitRecord = join(dataDir, "logs", id.slice(0, 2), `${id}.exit`);
    await waitUntil("the run to end on its node", async () => (existsSync(exitRecord) ? true : undefined), 150_000, 250);
    expect((await get(id)).status).toBe("Running"); // not lost: skyrun waits for Slurm
    expect((await get(submittedWhileDown)).status).toBe("Pending");

    await cluster.startController();
    const ended = await wait(id, ["Failed", "Succeeded"], 120_000);
    expect(ended).toMatchObject({ status: "Failed", exitCode: 5 });
    expect(await logs(id)).toBe("one\ntwo\n");
    expect((await wait(submittedWhileDown, ["Succeeded", "Failed"], 120_000)).status).toBe("Succeeded");
    expect(await logs(submittedWhileDown)).toBe("queued while slurmctld was down\n");
  }, 300_000);
});
