import Docker from "dockerode";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LABEL_ACCOUNTS_PROBE } from "../../../src/executors/local/image-accounts.js";
import { loadOrCreateInstanceId } from "../../../src/storage/instance-id.js";
import { request, waitForStatus, waitUntil, type SessionJson } from "../../support/http.js";
import { DEMO_IMAGE } from "../../support/paths.js";
import { startPodmanService, type PodmanService } from "../../support/podman-service.js";
import { makeDataDir, startTestServer, type TestServer, type TestUser } from "../../support/test-server.js";

let podman: PodmanService;
let t: TestServer;
let alice: TestUser;
let dataDir: string;
let docker: Docker;

beforeAll(async () => {
  dataDir = makeDataDir("engine-faults");
  podman = await startPodmanService(join(dataDir, "own-podman"));
  docker = new Docker({ socketPath: podman.socket });
  // A probe container a killed server left behind: created, never started, never removed (issue 11).
  const leftover = await docker.createContainer({ Image: DEMO_IMAGE, name: `skyrun-accounts-left${Date.now()}`, Entrypoint: ["/nonexistent"], Labels: { [LABEL_ACCOUNTS_PROBE]: loadOrCreateInstanceId(dataDir) }, HostConfig: { NetworkMode: "none" } });
  t = await startTestServer({ dataDir, overrides: { capacity: { cores: 1, ramGB: 4 }, local: { socketPath: podman.socket, stopTimeoutSeconds: 2 } } });
  alice = await t.addUser("alice", { uid: 20041 });
  await waitUntil("the leftover probe to be removed", async () => ((await docker.listContainers({ all: true, filters: { id: [leftover.id] } })).length === 0 ? true : undefined), 30_000);
}, 120_000);
afterAll(async () => {
  await t.close();
  await podman.kill();
});

const create = async (args: string) => {
  const r = await request("POST", `${t.base()}/session`, { token: alice.token, form: { name: "fault", image: DEMO_IMAGE, cores: "1", ram: "1", cmd: "sh", args } });
  expect(r.status, r.text).toBe(200);
  return r.text.trim();
};
const get = async (id: string) => (await request("GET", `${t.base()}/session/${id}`, { token: alice.token })).json<SessionJson>();

describe("when the container engine fails under skyrun (issue 11)", () => {
  it("removes account-file probes a killed server left on the engine", async () => {
    // The storage is the machine's, shared with other servers: only this data directory's probes count.
    const mine = { label: [`${LABEL_ACCOUNTS_PROBE}=${loadOrCreateInstanceId(dataDir)}`] };
    await waitUntil("no account-file probe of this server to be left", async () => ((await docker.listContainers({ all: true, filters: mine })).length === 0 ? true : undefined), 60_000);
  });

  it("loses nothing when the Podman service is killed mid-run: the running job's end is found, the queued one runs", async () => {
    const running = await create("-c 'echo started; sleep 5; echo finished; exit 7'");
    await waitForStatus(t.base(), alice.token, running, ["Running"], 60_000);
    const queued = await create("-c 'echo queued-ran'");
    expect((await get(queued)).status).toBe("Pending");

    await podman.kill();
    // Until the engine answers again nothing can start, and the waiting job says why.
    await waitUntil("the queue to say the engine is gone", async () => ((await get(queued)).statusMessage?.includes("container engine unavailable") ? true : undefined), 60_000);
    expect((await request("POST", `${t.base()}/session`, { token: alice.token, form: { name: "refused", image: DEMO_IMAGE, cmd: "true" } })).status).toBe(503);

    // The running container ends on its own while nobody listens (conmon keeps it, and its log).
    await podman.start();
    const ended = await waitForStatus(t.base(), alice.token, running, ["Failed", "Succeeded"], 90_000);
    expect(ended).toMatchObject({ status: "Failed", exitCode: 7 });
    expect((await request("GET", `${t.base()}/session/${running}?view=logs`, { token: alice.token })).text).toBe("started\nfinished\n");
    await waitForStatus(t.base(), alice.token, queued, ["Succeeded"], 90_000);
    expect((await request("GET", `${t.base()}/session/${queued}?view=logs`, { token: alice.token })).text).toBe("queued-ran\n");
  }, 240_000);
});
