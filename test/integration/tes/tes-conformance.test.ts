import { chmodSync, chownSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { request, waitUntil, type TestResponse } from "../../support/http.js";
import { DEMO_IMAGE, PYTHON_IMAGE } from "../../support/paths.js";
import { startSlurmCluster, type SlurmCluster } from "../../support/slurm-cluster.js";
import { startTestServer, type TestServer, type TestUser } from "../../support/test-server.js";
import { expectTesSchema } from "./tes-schema.js";

// Issue 16: GA4GH TES v1.1 on skyrun, driven the way workflow engines drive it, every
// answer checked against the published schema, on each backend: real Podman with SQLite,
// and the real Slurm cluster with PostgreSQL; real files on /arc.

type Task = { id: string; state: string; name?: string; tags?: Record<string, string>; inputs?: { content?: string }[]; logs?: { logs: { exit_code: number; stdout?: string; start_time?: string; end_time?: string }[]; outputs: { url: string; path: string; size_bytes: string }[]; system_logs?: string[]; metadata?: Record<string, string> }[] };

let t: TestServer;
let alice: TestUser;
let bob: TestUser;
let tes: string;
const ALICE = 20161;
const BOB = 20162;
const FINAL = ["COMPLETE", "EXECUTOR_ERROR", "SYSTEM_ERROR", "CANCELED"];

/** Where the tasks run: a server and what it needs, and how to stop them. */
interface Backend {
  readonly name: string;
  start(): Promise<{ server: TestServer; stop(): Promise<void> }>;
}

const BACKENDS: readonly Backend[] = [
  {
    name: "Podman and SQLite",
    async start() {
      const server = await startTestServer({ overrides: { capacity: { cores: 4, ramGB: 16 } } });
      return { server, stop: () => server.close() };
    },
  },
  {
    name: "Slurm and PostgreSQL",
    async start() {
      const cluster: SlurmCluster = await startSlurmCluster();
      const server = await startTestServer({
        store: "postgres",
        overrides: { executor: "slurm", slurm: { conf: cluster.conf, partition: cluster.partition, containersConf: cluster.containersConf, pollIntervalMs: 250 } },
      });
      return { server, stop: async () => { await server.close(); await cluster.stop(); } };
    },
  },
];

/** A directory of alice's (or bob's) on /arc, made on the host as its owner would have it. */
function arcDir(user: "alice" | "bob", ...parts: string[]): string {
  const uid = user === "alice" ? ALICE : BOB;
  let dir = join(t.dataDir, "arc", "home", user);
  for (const part of ["", ...parts]) {
    dir = part ? join(dir, part) : dir;
    mkdirSync(dir, { recursive: true });
    chownSync(dir, uid, uid);
  }
  return dir;
}

async function call(method: string, path: string, user: TestUser, json?: unknown): Promise<TestResponse> {
  return request(method, `${tes}${path}`, { token: user.token, ...(json === undefined ? {} : { json }) });
}

async function createTask(user: TestUser, task: unknown): Promise<string> {
  const r = await call("POST", "/tasks", user, task);
  expect(r.status, r.text).toBe(200);
  expectTesSchema("tesCreateTaskResponse", r.json());
  return r.json<{ id: string }>().id;
}

async function getTask(user: TestUser, id: string, view = "FULL"): Promise<Task> {
  const r = await call("GET", `/tasks/${id}?view=${view}`, user);
  expect(r.status, r.text).toBe(200);
  expectTesSchema(view === "MINIMAL" ? "tesTaskMinimal" : "tesTask", r.json());
  return r.json<Task>();
}

/** Polls as Snakemake's TES executor does: MINIMAL views until the task ends, then the FULL one. */
async function waitForEnd(user: TestUser, id: string): Promise<Task> {
  await waitUntil(`task ${id} to end`, async () => {
    const m = await getTask(user, id, "MINIMAL");
    expect(Object.keys(m).sort()).toEqual(["id", "state"]);
    return FINAL.includes(m.state) ? m : undefined;
  }, 180_000, 300);
  return getTask(user, id, "FULL");
}

describe.each(BACKENDS)("TES on $name", (backend) => {
  let stop: () => Promise<void>;
  beforeAll(async () => {
    const started = await backend.start();
    t = started.server;
    stop = () => started.stop();
    alice = await t.addUser("alice", { uid: ALICE });
    bob = await t.addUser("bob", { uid: BOB });
    tes = `${t.url}/ga4gh/tes/v1`;
  }, 20 * 60_000);
  afterAll(async () => { await stop(); }, 180_000);

  describe("service-info", () => {
    it("describes a TES 1.1 service, valid against the schema", async () => {
      const r = await call("GET", "/service-info", alice);
      expect(r.status, r.text).toBe(200);
      expectTesSchema("tesServiceInfo", r.json());
      expect(r.json()).toMatchObject({ type: { group: "org.ga4gh", artifact: "tes", version: "1.1.0" }, storage: ["file:///arc"] });
    });
  });

  describe("a task's life (cwl-tes: inputs and outputs as file URLs)", () => {
    it("stages file and inline inputs, runs, copies outputs to /arc as the user, and reports each step", async () => {
      const dir = arcDir("alice", "cwl");
      writeFileSync(join(dir, "in.txt"), "hello from arc\n");
      chownSync(join(dir, "in.txt"), ALICE, ALICE);
      const id = await createTask(alice, {
        name: "cwl-step", tags: { WORKFLOW_ID: "cwl-01", "run": "r1" },
        resources: { cpu_cores: 1, ram_gb: 1 },
        inputs: [
          { url: "file:///arc/home/alice/cwl/in.txt", path: "/tmp/inputs/in.txt" },
          { content: "inline content\n", path: "/tmp/inputs/inline.txt" },
        ],
        outputs: [{ url: "file:///arc/home/alice/cwl/out/result.txt", path: "/tmp/work/result.txt" }],
        executors: [{ image: DEMO_IMAGE, command: ["sh", "-c", "cat /tmp/inputs/in.txt /tmp/inputs/inline.txt | tr a-z A-Z > result.txt; echo done; echo to-stderr >&2"], workdir: "/tmp/work", env: { STEP: "one" } }],
      });
      const task = await waitForEnd(alice, id);
      expect(task.state, JSON.stringify(task.logs)).toBe("COMPLETE");
      const result = join(dir, "out", "result.txt");
      expect(readFileSync(result, "utf8")).toBe("HELLO FROM ARC\nINLINE CONTENT\n");
      expect(statSync(result).uid).toBe(ALICE);
      const log = task.logs![0]!;
      expect(log.logs).toHaveLength(1);
      expect(log.logs[0]).toMatchObject({ exit_code: 0 });
      expect(log.logs[0]!.stdout).toContain("done");
      expect(log.logs[0]!.stdout).not.toContain("##skyrun-tes");
      expect(log.outputs).toEqual([{ url: "file:///arc/home/alice/cwl/out/result.txt", path: "/tmp/work/result.txt", size_bytes: "30" }]);
      expect(task.inputs![1]!.content).toBe("inline content\n");
      // BASIC leaves out inline contents and the executors' output.
      const basic = await getTask(alice, id, "BASIC");
      expect(basic.inputs![1]!.content).toBeUndefined();
      expect(basic.logs![0]!.logs[0]!.stdout).toBeUndefined();
      expect(basic.logs![0]!.system_logs).toBeUndefined();
      // The task is a session of the skaha API too, labelled with the task.
      const sessions = await request("GET", `${t.base("v1")}/session?label=ga4gh-tes/task=${id}`, { token: alice.token });
      expect(sessions.json<{ id: string; status: string }[]>()).toEqual([expect.objectContaining({ id: log.metadata!.skyrun_sessions, status: "Completed" })]);
    });

    it("copies directory inputs, and directory and wildcard outputs, each file reported with its size", async () => {
      const dir = arcDir("alice", "dirs");
      const data = arcDir("alice", "dirs", "data", "sub");
      writeFileSync(join(data, "a.fits"), "aaaa");
      chownSync(join(data, "a.fits"), ALICE, ALICE);
      const id = await createTask(alice, {
        name: "dirs",
        inputs: [{ url: "file:///arc/home/alice/dirs/data", path: "/tmp/in", type: "DIRECTORY" }],
        outputs: [
          { url: "file:///arc/home/alice/dirs/copy", path: "/tmp/in", type: "DIRECTORY" },
          { url: "file:///arc/home/alice/dirs/logs", path: "/tmp/work/*.log", path_prefix: "/tmp/work" },
        ],
        executors: [{ image: DEMO_IMAGE, command: ["sh", "-c", "mkdir -p /tmp/work && echo 1 > /tmp/work/one.log && echo 22 > /tmp/work/two.log && echo x > /tmp/work/skip.txt && ls /tmp/in/sub"] }],
      });
      const task = await waitForEnd(alice, id);
      expect(task.state, JSON.stringify(task.logs)).toBe("COMPLETE");
      expect(task.logs![0]!.logs[0]!.stdout).toContain("a.fits");
      expect(readFileSync(join(dir, "copy", "sub", "a.fits"), "utf8")).toBe("aaaa");
      expect(readFileSync(join(dir, "logs", "two.log"), "utf8")).toBe("22\n");
      expect(statSync(join(dir, "logs", "skip.txt"), { throwIfNoEntry: false })).toBeUndefined();
      expect([...task.logs![0]!.outputs].sort((a, b) => a.url.localeCompare(b.url))).toEqual([
        { url: "file:///arc/home/alice/dirs/copy/sub/a.fits", path: "/tmp/in/sub/a.fits", size_bytes: "4" },
        { url: "file:///arc/home/alice/dirs/logs/one.log", path: "/tmp/work/one.log", size_bytes: "2" },
        { url: "file:///arc/home/alice/dirs/logs/two.log", path: "/tmp/work/two.log", size_bytes: "3" },
      ]);
    });

    it("runs executors of different images in order, sharing a volume on /arc, and goes on past an ignored error", async () => {
      arcDir("alice", "vol");
      const id = await createTask(alice, {
        name: "chain",
        volumes: ["/arc/home/alice/vol/shared"],
        outputs: [{ url: "file:///arc/home/alice/vol/final.txt", path: "/arc/home/alice/vol/shared/b.txt" }],
        executors: [
          { image: DEMO_IMAGE, command: ["sh", "-c", "echo first > /arc/home/alice/vol/shared/a.txt"] },
          { image: DEMO_IMAGE, command: ["sh", "-c", "echo failing on purpose; exit 3"], ignore_error: true },
          { image: PYTHON_IMAGE, command: ["python3", "-c", "open('/arc/home/alice/vol/shared/b.txt','w').write(open('/arc/home/alice/vol/shared/a.txt').read().upper())"] },
        ],
      });
      const task = await waitForEnd(alice, id);
      expect(task.state, JSON.stringify(task.logs)).toBe("COMPLETE");
      expect(task.logs![0]!.logs.map((l) => l.exit_code)).toEqual([0, 3, 0]);
      const [a, b, c] = task.logs![0]!.logs;
      expect(new Date(a!.end_time!).getTime()).toBeLessThanOrEqual(new Date(b!.start_time!).getTime());
      expect(new Date(b!.end_time!).getTime()).toBeLessThanOrEqual(new Date(c!.start_time!).getTime());
      expect(readFileSync(join(t.dataDir, "arc", "home", "alice", "vol", "final.txt"), "utf8")).toBe("FIRST\n");
    });

    it("stops at the first failing executor: EXECUTOR_ERROR, the next never runs, no outputs", async () => {
      const id = await createTask(alice, {
        name: "fails",
        outputs: [{ url: "file:///arc/home/alice/never.txt", path: "/tmp/x" }],
        executors: [{ image: DEMO_IMAGE, command: ["sh", "-c", "echo about to fail; exit 5"] }, { image: DEMO_IMAGE, command: ["touch", "/arc/home/alice/second-ran"] }],
      });
      const task = await waitForEnd(alice, id);
      expect(task.state).toBe("EXECUTOR_ERROR");
      expect(task.logs![0]!.logs.map((l) => l.exit_code)).toEqual([5]);
      expect(task.logs![0]!.logs[0]!.stdout).toContain("about to fail");
      expect(statSync(join(t.dataDir, "arc", "home", "alice", "second-ran"), { throwIfNoEntry: false })).toBeUndefined();
      expect(statSync(join(t.dataDir, "arc", "home", "alice", "never.txt"), { throwIfNoEntry: false })).toBeUndefined();
    });

    it("cancels a running task: CANCELING, then CANCELED, its later executors never start", async () => {
      const id = await createTask(alice, { name: "long", executors: [{ image: DEMO_IMAGE, command: ["sleep", "300"] }, { image: DEMO_IMAGE, command: ["true"] }] });
      await waitUntil("the task to run", async () => ((await getTask(alice, id, "MINIMAL")).state === "RUNNING" ? true : undefined), 120_000, 300);
      const r = await call("POST", `/tasks/${id}:cancel`, alice);
      expect(r.status, r.text).toBe(200);
      expectTesSchema("tesCancelTaskResponse", r.json());
      expect(["CANCELING", "CANCELED"]).toContain((await getTask(alice, id, "BASIC")).state);
      const task = await waitForEnd(alice, id);
      expect(task.state).toBe("CANCELED");
      expect((await call("POST", `/tasks/${id}:cancel`, alice)).status).toBe(200);
    });
  });

  describe("Nextflow: a work directory on /arc with staged command scripts", () => {
    it("runs the staged .command.run in the work directory and leaves its files in place", async () => {
      const work = arcDir("alice", "work", "ab", "0123456789");
      writeFileSync(join(work, ".command.sh"), "#!/bin/sh\necho nextflow-task-output\n");
      writeFileSync(join(work, ".command.run"), "#!/bin/sh\nsh .command.sh > .command.out 2> .command.err\necho $? > .exitcode\n");
      for (const f of [".command.sh", ".command.run"]) chownSync(join(work, f), ALICE, ALICE);
      const w = "/arc/home/alice/work/ab/0123456789";
      const id = await createTask(alice, {
        name: "nf-hello-1", resources: { cpu_cores: 1, ram_gb: 1 },
        inputs: [{ url: `${w}/.command.run`, path: `${w}/.command.run` }, { url: `file://${w}/.command.sh`, path: `${w}/.command.sh` }],
        outputs: [{ url: `file://${w}/.exitcode`, path: `${w}/.exitcode` }],
        executors: [{ image: DEMO_IMAGE, command: ["/bin/sh", "-c", `cd ${w} && sh .command.run`], workdir: w }],
      });
      const task = await waitForEnd(alice, id);
      expect(task.state, JSON.stringify(task.logs)).toBe("COMPLETE");
      expect(readFileSync(join(work, ".command.out"), "utf8")).toBe("nextflow-task-output\n");
      expect(readFileSync(join(work, ".exitcode"), "utf8")).toBe("0\n");
      expect(task.logs![0]!.outputs).toEqual([{ url: `file://${w}/.exitcode`, path: `${w}/.exitcode`, size_bytes: "2" }]);
    });
  });

  describe("Snakemake: many tasks polled, listed by name, state and tags, page by page", () => {
    it("lists only the caller's tasks, newest first, filtered, in pages that join up", async () => {
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push(await createTask(alice, { name: `smk-job-${i}`, tags: { rule: i % 2 === 0 ? "even" : "odd", snakemake: "" }, executors: [{ image: DEMO_IMAGE, command: ["true"] }] }));
      await Promise.all(ids.map((id) => waitForEnd(alice, id)));
      const seen: string[] = [];
      let token: string | undefined;
      for (let page = 0; page < 5; page++) {
        const r = await call("GET", `/tasks?name_prefix=smk-job-&page_size=2${token ? `&page_token=${token}` : ""}`, alice);
        expect(r.status, r.text).toBe(200);
        expectTesSchema("tesListTasksResponseMinimal", r.json());
        const body = r.json<{ tasks: Task[]; next_page_token?: string }>();
        expect(body.tasks.length).toBeLessThanOrEqual(2);
        body.tasks.forEach((x) => expect(Object.keys(x).sort()).toEqual(["id", "state"]));
        seen.push(...body.tasks.map((x) => x.id));
        token = body.next_page_token;
        if (!token) break;
      }
      expect(seen).toEqual([...ids].reverse());
      const even = await call("GET", "/tasks?name_prefix=smk-&tag_key=rule&tag_value=even&view=BASIC", alice);
      expectTesSchema("tesListTasksResponse", even.json());
      expect(even.json<{ tasks: Task[] }>().tasks.map((x) => x.name).sort()).toEqual(["smk-job-0", "smk-job-2", "smk-job-4"]);
      const anyValue = await call("GET", "/tasks?name_prefix=smk-&tag_key=snakemake&state=COMPLETE", alice);
      expectTesSchema("tesListTasksResponseMinimal", anyValue.json());
      expect(anyValue.json<{ tasks: Task[] }>().tasks).toHaveLength(5);
      expect((await call("GET", "/tasks?name_prefix=smk-&state=QUEUED", alice)).json<{ tasks: Task[] }>().tasks).toEqual([]);
      // Bob sees none of them.
      const bobs = await call("GET", "/tasks?view=FULL", bob);
      expectTesSchema("tesListTasksResponse", bobs.json());
      expect(bobs.json<{ tasks: Task[] }>().tasks).toEqual([]);
    });
  });

  describe("boundaries between users", () => {
    it("bob can neither get nor cancel alice's task, and is told exactly what a missing one tells", async () => {
      const id = await createTask(alice, { name: "private", executors: [{ image: DEMO_IMAGE, command: ["true"] }] });
      for (const [method, path] of [["GET", `/tasks/${id}`], ["GET", `/tasks/${id}?view=FULL`], ["POST", `/tasks/${id}:cancel`]] as const) {
        const r = await call(method, path, bob);
        expect(r.status, `${method} ${path}`).toBe(404);
        expect(r.json()).toEqual({ message: `task ${id} not found`, status_code: 404 });
      }
      expect((await call("GET", "/tasks/zzzzzzzz", bob)).json()).toEqual({ message: "task zzzzzzzz not found", status_code: 404 });
      expect((await waitForEnd(alice, id)).state).toBe("COMPLETE");
    });

    it("an input alice may not read fails the task as SYSTEM_ERROR without its content reaching her", async () => {
      const dir = arcDir("bob", "private");
      chmodSync(dir, 0o700);
      writeFileSync(join(dir, "secret.txt"), "bob's secret\n", { mode: 0o600 });
      chownSync(join(dir, "secret.txt"), BOB, BOB);
      arcDir("alice", "stolen");
      const id = await createTask(alice, {
        name: "steal",
        inputs: [{ url: "file:///arc/home/bob/private/secret.txt", path: "/tmp/secret.txt" }],
        outputs: [{ url: "file:///arc/home/alice/stolen/copy.txt", path: "/tmp/secret.txt" }],
        executors: [{ image: DEMO_IMAGE, command: ["cat", "/tmp/secret.txt"] }],
      });
      const task = await waitForEnd(alice, id);
      expect(task.state).toBe("SYSTEM_ERROR");
      expect(task.logs![0]!.system_logs!.join("\n")).toContain("/arc/home/bob/private/secret.txt");
      expect(JSON.stringify(task)).not.toContain("bob's secret");
      expect(statSync(join(t.dataDir, "arc", "home", "alice", "stolen", "copy.txt"), { throwIfNoEntry: false })).toBeUndefined();
    });

    it("an output alice may not write to fails as SYSTEM_ERROR and writes nothing there", async () => {
      const dir = arcDir("bob", "target");
      chmodSync(dir, 0o755);
      const id = await createTask(alice, {
        name: "plant",
        outputs: [{ url: "file:///arc/home/bob/target/planted.txt", path: "/tmp/p.txt" }],
        executors: [{ image: DEMO_IMAGE, command: ["sh", "-c", "echo planted > /tmp/p.txt"] }],
      });
      const task = await waitForEnd(alice, id);
      expect(task.state).toBe("SYSTEM_ERROR");
      expect(task.logs![0]!.system_logs!.join("\n")).toMatch(/cannot copy \/tmp\/p.txt to \/arc\/home\/bob\/target\/planted.txt/);
      expect(statSync(join(dir, "planted.txt"), { throwIfNoEntry: false })).toBeUndefined();
    });

    it("answers an unknown TES path or action with a JSON 404", async () => {
      for (const [method, path] of [["GET", "/nothing"], ["POST", "/tasks/abc:pause"], ["DELETE", "/tasks/abc"]] as const) {
        const r = await call(method, path, alice);
        expect(r.status, `${method} ${path}`).toBe(404);
        expect(r.json<{ message: string; status_code: number }>()).toMatchObject({ status_code: 404, message: expect.stringContaining("No such endpoint") });
      }
    });

    it("needs authentication", async () => {
      const r = await request("GET", `${tes}/tasks`);
      expect(r.status).toBe(401);
      expect(r.json()).toMatchObject({ status_code: 401 });
    });
  });

  describe("bad requests: a 400 naming the field and what is allowed", () => {
    const ok = { image: DEMO_IMAGE, command: ["true"] };
    it.each([
      [{}, "executors"],
      [{ executors: [{ image: DEMO_IMAGE }] }, "executors[0].command"],
      [{ executors: [ok], inputs: [{ url: "https://example.org/x", path: "/tmp/x" }] }, "inputs[0].url"],
      [{ executors: [ok], inputs: [{ url: "file:///etc/passwd", path: "/tmp/x" }] }, "inputs[0].url"],
      [{ executors: [ok], inputs: [{ url: "file:///arc/../etc/passwd", path: "/tmp/x" }] }, "inputs[0].url"],
      [{ executors: [ok], inputs: [{ url: "s3://bucket/x", path: "/tmp/x" }] }, "inputs[0].url"],
      [{ executors: [ok], inputs: [{ content: "x", path: "relative" }] }, "inputs[0].path"],
      [{ executors: [ok], outputs: [{ url: "file:///tmp/out", path: "/tmp/x" }] }, "outputs[0].url"],
      [{ executors: [ok], outputs: [{ url: "file:///arc/home/alice/o/", path: "/tmp/*.txt" }] }, "outputs[0].path_prefix"],
      [{ executors: [ok], resources: { cpu_cores: 64 } }, "resources.cpu_cores"],
      [{ executors: [ok], resources: { ram_gb: 4096 } }, "resources.ram_gb"],
      [{ executors: [ok], resources: { cpu_cores: 1.5 } }, "resources.cpu_cores"],
      [{ executors: [{ ...ok, env: { HOME: "/x" } }] }, "executors[0].env"],
      [{ executors: [{ ...ok, image: "Not An Image" }] }, "executors[0].image"],
    ])("%j names %s", async (task, field) => {
      const r = await call("POST", "/tasks", alice, task);
      expect(r.status, r.text).toBe(400);
      expect(r.json<{ message: string }>().message).toContain(field);
    });

    it("refuses an unknown view, state or page size by name", async () => {
      for (const [query, name] of [["view=EVERYTHING", "view"], ["state=DONE", "state"], ["page_size=0", "page_size"], ["page_size=5000", "page_size"], ["page_token=garbage", "page_token"]]) {
        const r = await call("GET", `/tasks?${query}`, alice);
        expect(r.status, query).toBe(400);
        expect(r.json<{ message: string }>().message).toContain(`'${name}'`);
      }
    });
  });
});
