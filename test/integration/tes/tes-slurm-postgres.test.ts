import { chownSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { request, waitUntil } from "../../support/http.js";
import { DEMO_IMAGE } from "../../support/paths.js";
import { startSlurmCluster, type SlurmCluster } from "../../support/slurm-cluster.js";
import { startTestServer, type TestServer, type TestUser } from "../../support/test-server.js";
import { expectTesSchema } from "./tes-schema.js";

// Issue 16 on the other engine and the other store: TES tasks as Slurm batch jobs (raw
// logs, both streams in one file) with their records in PostgreSQL.
let cluster: SlurmCluster;
let t: TestServer;
let alice: TestUser;
const UID = 20171;

beforeAll(async () => {
  cluster = await startSlurmCluster();
  t = await startTestServer({
    store: "postgres",
    overrides: { executor: "slurm", slurm: { conf: cluster.conf, partition: cluster.partition, containersConf: cluster.containersConf, pollIntervalMs: 250 } },
  });
  alice = await t.addUser("alice", { uid: UID });
}, 20 * 60_000);
afterAll(async () => {
  await t.close();
  await cluster.stop();
}, 180_000);

const tes = (path: string) => `${t.url}/ga4gh/tes/v1${path}`;

async function waitForEnd(id: string): Promise<{ state: string; logs: { logs: { exit_code: number; stdout: string }[]; outputs: { size_bytes: string }[] }[] }> {
  await waitUntil(`task ${id} to end`, async () => {
    const r = await request("GET", tes(`/tasks/${id}`), { token: alice.token });
    const state = r.json<{ state: string }>().state;
    return ["COMPLETE", "EXECUTOR_ERROR", "SYSTEM_ERROR", "CANCELED"].includes(state) ? state : undefined;
  }, 300_000, 500);
  const full = await request("GET", tes(`/tasks/${id}?view=FULL`), { token: alice.token });
  expectTesSchema("tesTask", full.json());
  return full.json();
}

it("runs a two-executor task on Slurm: inputs placed, executors in order, outputs copied, states and logs reported", async () => {
  const dir = join(t.dataDir, "arc", "home", "alice", "slurm-tes");
  for (const d of [join(t.dataDir, "arc", "home", "alice"), dir]) {
    mkdirSync(d, { recursive: true });
    chownSync(d, UID, UID);
  }
  writeFileSync(join(dir, "in.txt"), "from arc\n");
  chownSync(join(dir, "in.txt"), UID, UID);
  const created = await request("POST", tes("/tasks"), { token: alice.token, json: {
    name: "slurm-pg", tags: { engine: "slurm" },
    inputs: [{ url: "file:///arc/home/alice/slurm-tes/in.txt", path: "/arc/home/alice/slurm-tes/work/in.txt" }, { content: "inline\n", path: "/tmp/inline.txt" }],
    outputs: [{ url: "file:///arc/home/alice/slurm-tes/result.txt", path: "/arc/home/alice/slurm-tes/work/out.txt" }],
    executors: [
      { image: DEMO_IMAGE, command: ["sh", "-c", "cat /tmp/inline.txt in.txt > out.txt; echo first-executor"], workdir: "/arc/home/alice/slurm-tes/work" },
      { image: DEMO_IMAGE, command: ["sh", "-c", "tr a-z A-Z < out.txt > out2.txt && mv out2.txt out.txt; echo second-executor >&2"], workdir: "/arc/home/alice/slurm-tes/work" },
    ],
  } });
  expect(created.status, created.text).toBe(200);
  const { id } = created.json<{ id: string }>();
  const task = await waitForEnd(id);
  expect(task.state, JSON.stringify(task.logs)).toBe("COMPLETE");
  expect(readFileSync(join(dir, "result.txt"), "utf8")).toBe("INLINE\nFROM ARC\n");
  expect(task.logs[0]!.logs.map((l) => l.exit_code)).toEqual([0, 0]);
  expect(task.logs[0]!.logs[0]!.stdout).toContain("first-executor");
  expect(task.logs[0]!.logs[1]!.stdout).toContain("second-executor");
  expect(task.logs[0]!.logs[1]!.stdout).not.toContain("##skyrun-tes");
  expect(task.logs[0]!.outputs).toEqual([expect.objectContaining({ size_bytes: "16" })]);

  const failing = await request("POST", tes("/tasks"), { token: alice.token, json: { name: "slurm-pg-fail", executors: [{ image: DEMO_IMAGE, command: ["sh", "-c", "exit 9"] }] } });
  expect((await waitForEnd(failing.json<{ id: string }>().id)).state).toBe("EXECUTOR_ERROR");

  // The records are in PostgreSQL: listed by name prefix and tag, newest first.
  const listed = await request("GET", tes("/tasks?name_prefix=slurm-pg&view=BASIC"), { token: alice.token });
  expectTesSchema("tesListTasksResponse", listed.json());
  expect(listed.json<{ tasks: { name: string }[] }>().tasks.map((x) => x.name)).toEqual(["slurm-pg-fail", "slurm-pg"]);
  const tagged = await request("GET", tes("/tasks?tag_key=engine&tag_value=slurm"), { token: alice.token });
  expect(tagged.json<{ tasks: { id: string }[] }>().tasks).toEqual([{ id, state: "COMPLETE" }]);
});
