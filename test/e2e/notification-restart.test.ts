import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JobHistoryPageJson } from "../../src/contracts/accounting.js";
import type { NotificationDeliveryJson, SessionEndedNotification, SetEndedNotification } from "../../src/contracts/notification.js";
import { request, waitForStatus, waitUntil } from "../support/http.js";
import { DEMO_IMAGE } from "../support/paths.js";
import { freePort } from "../support/free-port.js";
import { skyrunCli, startServerProcess, type ServerProcess } from "../support/server-process.js";
import { makeDataDir } from "../support/test-server.js";
import { startWebhookReceiver, type WebhookReceiver } from "../support/webhook-receiver.js";

// Issue 12: notifications and accounting records are restart-safe, kill -9 included.
let dataDir: string;
let port: number;
let server: ServerProcess;
let token: string;
let receiver: WebhookReceiver;
const base = () => `${server.url}/skaha/v1`;
const start = () => startServerProcess(dataDir, port, ["--cores", "2", "--ram", "8", "--config", join(dataDir, "test.yaml")]);

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  dataDir = makeDataDir("notify-restart");
  writeFileSync(join(dataDir, "test.yaml"), `notifications:\n  allowedUrls: ["${receiver.url}/hook"]\n  backoffSeconds: 0.3\n  maxBackoffSeconds: 1\n  maxAttempts: 20\n`);
  port = await freePort();
  skyrunCli(["users", "add", "alice", "--data-dir", dataDir]);
  token = skyrunCli(["tokens", "create", "alice", "--data-dir", dataDir]).trim().split("\n").at(-1)!;
  server = await start();
});
afterAll(async () => {
  await server.kill("SIGTERM");
  await receiver.close();
});

async function create(form: Record<string, string>): Promise<string[]> {
  const r = await request("POST", `${base()}/session`, { token, form: { name: "r", image: DEMO_IMAGE, cores: "1", ram: "1", ...form } });
  expect(r.status, r.text).toBe(200);
  return r.text.trim().split("\n");
}
const deliveries = async () => (await request("GET", `${base()}/notifications`, { token })).json<NotificationDeliveryJson[]>();
const historyIds = async () => (await request("GET", `${base()}/accounting/jobs?from=2000-01-01`, { token })).json<JobHistoryPageJson>().jobs.map((j) => j.id);
/** kill -9, then the next start: nothing is shut down in order. */
async function crashAndRestart(whileDown: () => void = () => undefined): Promise<void> {
  await server.kill("SIGKILL");
  whileDown();
  server = await start();
}

describe("notifications and accounting across kill -9 (issue 12)", { timeout: 240_000 }, () => {
  it("delivers a notification whose attempts were cut by kill -9 after the restart, always with the same delivery id (issue 12)", async () => {
    let accepting = false;
    receiver.answer = (r, n) => (!r.path.startsWith("/hook/cut") ? { status: 204 } : accepting ? { status: 200 } : n === 1 ? { status: 503 } : "hold");
    const [id] = await create({ cmd: "true", notify: `${receiver.url}/hook/cut` });
    // One attempt refused, the next one held open by the receiver when the server dies.
    await receiver.waitFor("/hook/cut", 2);
    await crashAndRestart(() => { accepting = true; });
    const delivered = await waitUntil("a delivery after the restart", async () => receiver.to("/hook/cut").find((r) => r.status === 200), 60_000);
    const all = receiver.to("/hook/cut");
    expect(new Set(all.map((r) => r.headers["x-skyrun-delivery"]))).toEqual(new Set([delivered.headers["x-skyrun-delivery"]]));
    expect(new Set(all.map((r) => r.body)).size).toBe(1);
    expect(JSON.parse(delivered.body)).toMatchObject({ event: "session.ended", session: { id, outcome: "succeeded" } });
    expect((await deliveries()).filter((d) => d.subject === `session:${id}`)).toEqual([expect.objectContaining({ state: "delivered", lastStatus: 200 })]);
  });

  it("notifies and records a session that ended while the server was down, once (issue 12)", async () => {
    const [id] = await create({ cmd: "sh", args: "-c 'sleep 2; exit 4'", notify: `${receiver.url}/hook/down` });
    await waitForStatus(base(), token, id!, ["Running"]);
    await crashAndRestart(() => execFileSync("podman", ["wait", `skyrun-${id}`], { stdio: "ignore" }));
    const [got] = await receiver.waitFor("/hook/down", 1);
    expect(JSON.parse(got!.body) as SessionEndedNotification).toMatchObject({ session: { id, outcome: "failed", exitCode: 4 } });
    await waitUntil("the history entry", async () => ((await historyIds()).includes(id!) ? true : undefined));
    expect((await historyIds()).filter((x) => x === id)).toHaveLength(1);
    expect((await deliveries()).filter((d) => d.subject === `session:${id}`)).toHaveLength(1);
  });

  it("sends a set's one message after a restart when its last session ended while the server was down (issue 12)", async () => {
    const ids = await create({ name: "pair", replicas: "2", cmd: "sh", args: "-c 'sleep $((REPLICA_ID * 3))'", notify: `${receiver.url}/hook/set` });
    await waitForStatus(base(), token, ids[0]!, ["Completed"], 60_000);
    await waitForStatus(base(), token, ids[1]!, ["Running"]);
    expect(receiver.to("/hook/set")).toEqual([]); // one session of two has ended: no message yet
    await crashAndRestart(() => execFileSync("podman", ["wait", `skyrun-${ids[1]}`], { stdio: "ignore" }));
    const [got] = await receiver.waitFor("/hook/set", 1);
    expect(JSON.parse(got!.body) as SetEndedNotification).toMatchObject({ event: "set.ended", set: { name: "pair", total: 2, succeeded: 2, failed: 0 } });
    const setSubjects = (await deliveries()).filter((d) => d.subject.startsWith("set:"));
    expect(setSubjects).toHaveLength(1);
    const history = await historyIds();
    for (const id of ids) expect(history.filter((x) => x === id)).toHaveLength(1);
  });
});
