import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { request, waitForStatus, type SessionJson } from "../support/http.js";
import { DEMO_IMAGE } from "../support/paths.js";
import { freePort } from "../support/free-port.js";
import { skyrunCli, startServerProcess, type ServerProcess } from "../support/server-process.js";
import { makeDataDir } from "../support/test-server.js";

let dataDir: string;
let port: number;
let server: ServerProcess;
let token: string;
const base = () => `${server.url}/skaha/v0`;

beforeAll(async () => {
  dataDir = makeDataDir("restart");
  port = await freePort({ from: "kernel" });
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

  it("keeps every create whole across a kill -9 in the middle of many: all of a request's sessions exist, or none (issue 11)", async () => {
    const replicas = 40;
    const sent = Array.from({ length: 30 }, (_, i) => request("POST", `${base()}/session`, { token, form: { name: `burst${i}`, image: DEMO_IMAGE, cmd: "true", cores: "1", ram: "1", replicas: String(replicas) } }).then((r) => r.status, () => 0));
    // Kill as soon as the first create is answered, while the rest are in flight.
    await Promise.race(sent);
    await server.kill("SIGKILL");
    const answered = await Promise.all(sent);
    server = await startServerProcess(dataDir, port, ["--cores", "2", "--ram", "8"]);
    const stored = (await request("GET", `${base()}/session`, { token })).json<SessionJson[]>().filter((s) => s.name.startsWith("burst"));
    const perRequest = new Map<string, number>();
    for (const s of stored) {
      const request = s.name.replace(/-\d+$/, "");
      perRequest.set(request, (perRequest.get(request) ?? 0) + 1);
    }
    for (const [name, count] of perRequest) expect(count, name).toBe(replicas);
    // Every create that was answered 200 is there in full; others may be there or not, but never in part.
    answered.forEach((status, i) => { if (status === 200) expect(perRequest.get(`burst${i}`)).toBe(replicas); });
    expect(answered.filter((s) => s === 200).length).toBeGreaterThan(0);
    expect(stored.every((s) => s.replicaCount === replicas)).toBe(true);
    await Promise.all(stored.map((s) => request("DELETE", `${base()}/session/${s.id}`, { token })));
  }, 240_000);

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
