import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { request, waitForStatus, type SessionJson } from "../support/http.js";
import { DEMO_IMAGE } from "../support/paths.js";
import { freePort, skyrunCli, startServerProcess, type ServerProcess } from "../support/server-process.js";
import { makeDataDir } from "../support/test-server.js";

let dataDir: string;
let port: number;
let server: ServerProcess;
let token: string;
const base = () => `${server.url}/skaha/v0`;

beforeAll(async () => {
  dataDir = makeDataDir("restart");
  port = await freePort();
  skyrunCli(["users", "add", "alice", "--data-dir", dataDir]);
  token = skyrunCli(["tokens", "create", "alice", "--data-dir", dataDir]).trim().split("\n").at(-1)!;
  server = await startServerProcess(dataDir, port, ["--cores", "2", "--ram", "8"]);
});
afterAll(async () => { await server.kill("SIGTERM"); });

const create = async (form: Record<string, string>) => {
  const r = await request("POST", `${base()}/session`, { token, form: { name: "r", image: DEMO_IMAGE, cores: "1", ram: "1", ...form } });
  expect(r.status, r.text).toBe(200);
  return r.text.trim();
};

describe("kill -9 of the server while jobs run, then restart", () => {
  it("loses nothing: finished-while-down jobs get their exit code and logs, running ones are followed, queued ones run", async () => {
    const finishesWhileDown = await create({ cmd: "sh", args: "-c 'echo before; sleep 2; echo after; exit 7'" });
    const keepsRunning = await create({ cmd: "sh", args: "-c 'echo long; sleep 300'" });
    const queued = await create({ cmd: "sh", args: "-c 'echo queued-ran'" });
    await waitForStatus(base(), token, finishesWhileDown, ["Running"]);
    await waitForStatus(base(), token, keepsRunning, ["Running"]);
    expect((await request("GET", `${base()}/session/${queued}`, { token })).json<SessionJson>().status).toBe("Pending");

    await server.kill("SIGKILL");
    // While skyrun is down the first container ends on its own.
    execFileSync("podman", ["wait", `skyrun-${finishesWhileDown}`], { stdio: "ignore" });

    server = await startServerProcess(dataDir, port, ["--cores", "2", "--ram", "8"]);
    const ended = await waitForStatus(base(), token, finishesWhileDown, ["Failed", "Succeeded"]);
    expect(ended).toMatchObject({ status: "Failed", exitCode: 7 });
    expect((await request("GET", `${base()}/session/${finishesWhileDown}?view=logs`, { token })).text).toBe("before\nafter\n");

    expect((await request("GET", `${base()}/session/${keepsRunning}`, { token })).json<SessionJson>().status).toBe("Running");
    await waitForStatus(base(), token, queued, ["Succeeded"]);
    expect((await request("GET", `${base()}/session/${queued}?view=logs`, { token })).text).toBe("queued-ran\n");

    expect((await request("DELETE", `${base()}/session/${keepsRunning}`, { token })).status).toBe(200);
    await waitForStatus(base(), token, keepsRunning, ["Failed"]);
    expect((await request("GET", `${base()}/session/${keepsRunning}?view=logs`, { token })).text).toBe("long\n");
  });

  it("shuts down cleanly on SIGTERM without touching running jobs", async () => {
    const id = await create({ cmd: "sleep", args: "300" });
    await waitForStatus(base(), token, id, ["Running"]);
    await server.kill("SIGTERM");
    expect(server.child.exitCode).toBe(0);
    const state = execFileSync("podman", ["inspect", "--format", "{{.State.Status}}", `skyrun-${id}`], { encoding: "utf8" }).trim();
    expect(state).toBe("running");
    server = await startServerProcess(dataDir, port, ["--cores", "2", "--ram", "8"]);
    expect((await request("GET", `${base()}/session/${id}`, { token })).json<SessionJson>().status).toBe("Running");
    await request("DELETE", `${base()}/session/${id}`, { token });
  });
});
