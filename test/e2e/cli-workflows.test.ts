import { execFile, spawn } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { makeCliHome, runCli, type CliResult } from "../support/cli-runner.js";
import { DEMO_IMAGE, PYTHON_IMAGE } from "../support/paths.js";
import { freePort } from "../support/free-port.js";
import { startTestServer, type TestServer, type TestUser } from "../support/test-server.js";

// The seed pages' workflows with the `skyrun` command, one or two commands each, run as a
// user runs them (the built CLI in a child process) against a real skyrun on real Podman.

let t: TestServer;
let alice: TestUser;
let env: Record<string, string>;

beforeAll(async () => {
  t = await startTestServer();
  alice = await t.addUser("alice", { uid: 20501 });
  env = { SKYRUN_URL: t.url, SKYRUN_TOKEN: alice.token };
});
afterAll(async () => { await t.close(); });

const skyrun = (...args: string[]) => runCli(args, { env });
const json = <T>(r: CliResult): T => JSON.parse(r.stdout) as T;
/** A user-facing failure: one or two sentences after "skyrun:", never a stack trace. */
const expectCleanError = (r: CliResult) => {
  expect(r.stderr).toMatch(/^skyrun: /);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(r.stdout).toBe("");
};
const submit = async (...args: string[]) => {
  const r = await skyrun("run", "-q", ...args);
  expect(r.code, r.stderr).toBe(0);
  expect(r.stdout).toMatch(/^([a-z][a-z0-9]{7}\n)+$/);
  return r.stdout.trim().split("\n");
};

describe("submit, wait, fetch logs", () => {
  it("runs a job with one command, waits with a second, and prints its logs", async () => {
    const [id] = await submit("-n", "hello", DEMO_IMAGE, "--", "sh", "-c", "echo hello from skyrun; echo to-stderr >&2");
    const wait = await skyrun("wait", id!);
    expect(wait.code, wait.stderr).toBe(0);
    expect(wait.stdout).toMatch(new RegExp(`^SESSION ID\\s+NAME\\s+STATUS\\s+EXIT\\s+MESSAGE\\n${id}\\s+hello\\s+Completed\\s+0`));
    expect(wait.stderr).toMatch(/Waiting: 1\/1 \| Completed 1/); // plain progress lines when piped
    const logs = await skyrun("logs", id!);
    expect(logs).toMatchObject({ code: 0, stdout: "hello from skyrun\nto-stderr\n", stderr: "" });
  });

  it("create prints a table of what it created, or YAML", async () => {
    const table = await skyrun("create", "-n", "tabled", "-r", "2", "-c", "0.5", DEMO_IMAGE, "--", "true");
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/^SESSION ID\s+NAME\n[a-z][a-z0-9]{7}\s+tabled-1\n[a-z][a-z0-9]{7}\s+tabled-2\n$/);
    const yaml = parseYaml((await skyrun("create", "-n", "yamled", DEMO_IMAGE, "-o", "yaml", "--", "true")).stdout) as { ids: string[]; sessions: { name: string; status: string }[]; failed: unknown[] };
    expect(yaml.ids).toHaveLength(1);
    expect(yaml.sessions[0]).toMatchObject({ name: "yamled", status: "Pending" });
    expect(yaml.failed).toEqual([]);
  });

  it("create --wait exits 0 on success and 6 when the job failed, with its exit code shown", async () => {
    const ok = await skyrun("create", "headless", PYTHON_IMAGE, "--wait", "-n", "py", "--", "python", "-c", "print(6*7)");
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/py\s+Completed\s+0/);
    const bad = await skyrun("create", DEMO_IMAGE, "--wait", "-o", "json", "--", "sh", "-c", "exit 5");
    expect(bad.code).toBe(6);
    const out = json<{ ids: string[]; sessions: { status: string; exitCode: number }[]; failed: unknown[] }>(bad);
    expect(out.ids).toHaveLength(1);
    expect(out.sessions[0]).toMatchObject({ status: "Failed", exitCode: 5 });
    expect(out.failed).toEqual([]);
  });

  it("create --follow streams the logs until the job ends, then exits with its outcome", async () => {
    const started = Date.now();
    const r = await skyrun("run", "--follow", DEMO_IMAGE, "--", "sh", "-c", "echo one; sleep 1; echo two; exit 2");
    expect(r.stdout).toBe("one\ntwo\n");
    expect(r.code).toBe(6);
    expect(Date.now() - started).toBeGreaterThan(1000);
    expect(r.stderr).toMatch(/Failed\s+2/); // the final table goes to stderr, stdout is the log
  });

  it("logs -f stops when the job ends; --tail gives the last lines", async () => {
    const [id] = await submit(DEMO_IMAGE, "--", "sh", "-c", "for i in 1 2 3 4; do echo line $i; sleep 0.4; done");
    const started = Date.now();
    const followed = await skyrun("logs", "-f", id!);
    expect(followed).toMatchObject({ code: 0, stdout: "line 1\nline 2\nline 3\nline 4\n" });
    expect(Date.now() - started).toBeGreaterThan(900);
    expect((await skyrun("info", id!, "-o", "json")).stdout).toContain('"status": "Completed"');
    expect((await skyrun("logs", "--tail", "2", id!)).stdout).toBe("line 3\nline 4\n");
    const asJson = json<{ id: string; logs: string }[]>(await skyrun("logs", id!, "-o", "json"));
    expect(asJson).toEqual([{ id, logs: "line 1\nline 2\nline 3\nline 4\n" }]);
  });
});

describe("in a pipeline", () => {
  it("stops quietly when the reader goes away (logs -f | head -1)", async () => {
    const [id] = await submit(DEMO_IMAGE, "--", "sh", "-c", "seq 1 20000; sleep 1");
    const command = `node ${JSON.stringify(new URL("../../bin/skyrun.js", import.meta.url).pathname)} logs -f ${id!} | head -1; echo "status=\${PIPESTATUS[0]}" >&2`;
    const r = await promisify(execFile)("bash", ["-c", command], { env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: makeCliHome(), ...env } });
    expect(r.stdout).toBe("1\n");
    expect(r.stderr).toBe("status=0\n");
  });
});

describe("interrupting", () => {
  it("Ctrl-C during wait ends it with exit 130 and one line, leaving the job alone", async () => {
    const [id] = await submit(DEMO_IMAGE, "--", "sleep", "20");
    const child = spawn("node", [new URL("../../bin/skyrun.js", import.meta.url).pathname, "wait", id!], { env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: makeCliHome(), ...env } });
    let stderr = "";
    child.stderr.on("data", (b: Buffer) => { stderr += b.toString(); });
    await new Promise<void>((resolve) => child.stderr.once("data", () => resolve())); // the first progress line: it is waiting
    child.kill("SIGINT");
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    expect(code).toBe(130);
    expect(stderr.trim().split("\n").at(-1)).toBe("skyrun: Interrupted.");
    expect(["Pending", "Running"]).toContain(json<{ status: string }[]>(await skyrun("info", id!, "-o", "json"))[0]!.status);
    await skyrun("rm", "-f", id!);
  });
});

describe("parameter sweep and bulk submit and monitor", () => {
  it("runs a sweep of replicas with one command and reads the result as JSON", async () => {
    const r = await skyrun("create", "-n", "sweep", "-r", "4", "-c", "0.5", "--wait", "-o", "json", DEMO_IMAGE, "--", "sh", "-c", "echo param=$REPLICA_ID of $REPLICA_COUNT");
    expect(r.code, r.stderr).toBe(0);
    const out = json<{ ids: string[]; sessions: { name: string; status: string }[] }>(r);
    expect(out.sessions.map((s) => [s.name, s.status])).toEqual([1, 2, 3, 4].map((i) => [`sweep-${i}`, "Completed"]));
    expect(r.stderr).toMatch(/Waiting: 4\/4 \| Completed 4/);
    const logs = await skyrun("logs", ...out.ids);
    expect(logs.stdout).toBe(out.ids.map((id, i) => `==> ${id} <==\nparam=${i + 1} of 4\n`).join("\n"));
  });

  it("submits jobs in a loop, then one wait watches them all, exiting 6 because one failed", async () => {
    const ids = (await Promise.all([1, 2, 3, 4, 5].map((i) => submit("-n", `param-study-${i}`, "-c", "0.5", DEMO_IMAGE, "--", "sh", "-c", `echo param=${i}; sleep 0.5; [ ${i} != 4 ]`)))).flat();
    const r = await skyrun("wait", ...ids, "-o", "json");
    expect(r.code).toBe(6);
    const out = json<{ reached: boolean; timedOut: boolean; sessions: { id: string; name: string; status: string }[] }>(r);
    expect(out).toMatchObject({ reached: true, timedOut: false });
    expect(out.sessions.filter((s) => s.status === "Failed").map((s) => s.name)).toEqual(["param-study-4"]);
    const progress = r.stderr.trim().split("\n").filter((l) => l.startsWith("Waiting: "));
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.at(-1)).toMatch(/^Waiting: 5\/5 \| Completed 4 · Failed 1 \| \d+s$/);
  });

  it("gives up waiting after --timeout with exit 7, and --until running returns once it runs", async () => {
    const [id] = await submit(DEMO_IMAGE, "--", "sleep", "20");
    const running = await skyrun("wait", "--until", "running", id!);
    expect(running.code, running.stderr).toBe(0);
    expect(running.stdout).toMatch(/Running/);
    const started = Date.now();
    const r = await skyrun("wait", "--timeout", "1", id!);
    expect(r.code).toBe(7);
    expect(Date.now() - started).toBeLessThan(8000);
    expect(r.stderr).toContain("gave up after 1 s: 1 of 1 session(s) not ended yet");
    expect((await skyrun("rm", "-f", id!)).code).toBe(0);
  });
});

describe("list and filter", () => {
  it("ps shows running ones by default, all with -a, filters with -s and -k, ids with -q, and JSON or YAML", async () => {
    const [done] = await submit("-n", "listed-done", DEMO_IMAGE, "--", "true");
    const [live] = await submit("-n", "listed-live", DEMO_IMAGE, "--", "sleep", "20");
    await skyrun("wait", done!);
    await skyrun("wait", "--until", "running", live!);
    const table = await skyrun("ps");
    expect(table.stdout.split("\n")[0]).toMatch(/^SESSION ID\s+NAME\s+KIND\s+STATUS\s+EXIT\s+IMAGE\s+AGE$/);
    expect(table.stdout).toContain(live!);
    expect(table.stdout).not.toContain(done!);
    expect((await skyrun("ps", "-a")).stdout).toContain(done!);
    const quiet = (await skyrun("ps", "-a", "-q", "-s", "Completed")).stdout.split("\n");
    expect(quiet).toContain(done!);
    expect(quiet).not.toContain(live!);
    expect((await skyrun("ps", "-k", "notebook", "-a")).stdout.trim().split("\n")).toHaveLength(1);
    const asJson = json<{ id: string; status: string }[]>(await skyrun("ps", "-a", "-o", "json"));
    expect(asJson.find((s) => s.id === done)).toMatchObject({ status: "Completed", name: "listed-done", type: "headless" });
    const asYaml = parseYaml((await skyrun("ps", "-o", "yaml")).stdout) as { id: string }[];
    expect(asYaml.map((s) => s.id)).toContain(live);
    expect((await skyrun("rm", "-f", live!)).stdout).toMatch(new RegExp(`${live!}\\s+deleted`));
  });

  it("prunes finished sessions by name prefix, after showing them with --dry-run", async () => {
    const ids = await submit("-n", "prune-me", "-r", "2", DEMO_IMAGE, "--", "true");
    const [keep] = await submit("-n", "keep-me", DEMO_IMAGE, "--", "true");
    await skyrun("wait", ...ids, keep!);
    const dry = await skyrun("prune", "prune-me", "--dry-run");
    expect(dry.stdout).toMatch(/prune-me-1\s+Completed/);
    expect(dry.stdout).not.toContain("keep-me");
    const r = await skyrun("prune", "prune-me", "-f", "-o", "json");
    expect(r.code, r.stderr).toBe(0);
    expect(json<{ id: string; name: string; deleted: boolean }[]>(r).map((x) => [x.name, x.deleted]).sort()).toEqual([["prune-me-1", true], ["prune-me-2", true]]);
    const none = await skyrun("prune", "prune-me", "-f");
    expect(none.code).toBe(0);
    expect(none.stderr).toContain("no headless session that ended matches");
  });
});

describe("each command's table and JSON", () => {
  it("info and events: a table for people, JSON for machines; an unknown id fails alone with exit 3", async () => {
    const [id] = await submit("-n", "described", DEMO_IMAGE, "--", "sh", "-c", "exit 3");
    await skyrun("wait", id!);
    const info = await skyrun("info", id!);
    expect(info.stdout).toMatch(/^FIELD\s+VALUE\n/);
    expect(info.stdout).toMatch(/\nstatus\s+Failed\n/);
    expect(info.stdout).toMatch(/exitCode\s+3/);
    const mixed = await skyrun("info", id!, "zzzzzzzz", "-o", "json");
    expect(mixed.code).toBe(3);
    expect(json<{ id: string }[]>(mixed).map((s) => s.id)).toEqual([id]);
    expect(mixed.stderr).toBe("skyrun: zzzzzzzz: session zzzzzzzz not found\n");
    const events = await skyrun("events", id!);
    expect(events.stdout).toMatch(/^TYPE\s+REASON\s+MESSAGE\s+FIRST-SEEN\s+LAST-SEEN\s+COUNT\n/);
    expect(events.stdout).toMatch(/Warning\s+Failed\s+Container exited with code 3/);
    const ej = json<{ id: string; events: { reason: string; type: string }[] }[]>(await skyrun("events", id!, "-o", "json"));
    expect(ej[0]!.id).toBe(id);
    expect(ej[0]!.events.map((e) => e.reason)).toEqual(expect.arrayContaining(["Queued", "Started", "Failed"]));
  });

  it("delete, renew, stats, context and image ls", async () => {
    const [id] = await submit(DEMO_IMAGE, "--", "sleep", "20");
    await skyrun("wait", "--until", "running", id!);
    const renew = await skyrun("renew", id!);
    expect(renew.code, renew.stderr).toBe(0);
    expect(renew.stdout).toMatch(new RegExp(`^SESSION ID\\s+RESULT\\s+EXPIRES\\n${id!}\\s+renewed\\s+\\d{4}-`));
    const renewedJson = json<{ id: string; renewed: boolean; expiryTime: string }[]>(await skyrun("renew", id!, "-o", "json"));
    expect(renewedJson).toEqual([{ id, renewed: true, expiryTime: expect.stringMatching(/^\d{4}-/) as unknown }]);
    const stats = await skyrun("stats", id!, "-o", "json");
    expect(json<{ id: string; status: string }[]>(stats)[0]).toMatchObject({ id, status: "Running" });
    const del = await skyrun("delete", "-f", id!, "zzzzzzzz", "-o", "json");
    expect(del.code).toBe(3);
    expect(json<{ id: string; deleted: boolean }[]>(del).map((x) => [x.id, x.deleted])).toEqual([[id, true], ["zzzzzzzz", false]]);
    const platform = await skyrun("stats");
    expect(platform.stdout).toMatch(/^RESOURCE\s+REQUESTED\s+AVAILABLE\s+LARGEST SESSION\ncores\s+/);
    expect(json<{ cores: { cpuCoresAvailable: number } }>(await skyrun("stats", "-o", "json")).cores.cpuCoresAvailable).toBe(4);
    const ctx = await skyrun("context");
    expect(ctx.stdout).toMatch(/^RESOURCE\s+DEFAULT\s+REQUEST\s+LIMIT\s+OPTIONS\ncores\s+/);
    expect(json<{ cores: { options: number[] } }>(await skyrun("context", "-o", "json")).cores.options).toContain(1);
    const images = await skyrun("image", "ls");
    expect(images.stdout).toMatch(new RegExp(`^IMAGE\\s+TYPES\\s+DIGEST\\n(.*\\n)*${DEMO_IMAGE.replace(/[/.]/g, "\\$&")}\\s+headless\\s+[0-9a-f]{12}\\n`));
    const iy = parseYaml((await skyrun("image", "ls", "-o", "yaml")).stdout) as { id: string }[];
    expect(iy.map((i) => i.id)).toContain(DEMO_IMAGE);
  });
});

describe("exit codes and messages", () => {
  it("says what is wrong and exits non-zero, never with a stack trace", async () => {
    const badParam = await skyrun("run", "-c", "99", DEMO_IMAGE, "--", "true");
    expect(badParam.code).toBe(2);
    expectCleanError(badParam);
    expect(badParam.stderr).toContain("Invalid value for 'cores': 99");

    const unknown = await skyrun("logs", "abcdefgh");
    expect(unknown.code).toBe(3);
    expectCleanError(unknown);

    const badToken = await runCli(["ps"], { env: { SKYRUN_URL: t.url, SKYRUN_TOKEN: "skyrun_00000000_nope" } });
    expect(badToken.code).toBe(4);
    expectCleanError(badToken);
    expect(badToken.stderr).toContain("skyrun login");

    const down = await runCli(["ps"], { env: { SKYRUN_URL: `http://127.0.0.1:${await freePort({ from: "kernel" })}`, SKYRUN_TOKEN: "x" } });
    expect(down.code).toBe(5);
    expectCleanError(down);
    expect(down.stderr).toContain("connection refused");

    const noServer = await runCli(["ps"]);
    expect(noServer.code).toBe(2);
    expect(noServer.stderr).toContain("skyrun login URL");

    const usage = await skyrun("ps", "-q", "-o", "json");
    expect(usage.code).toBe(2);
    expectCleanError(usage);

    const badName = await skyrun("run", "-n", "no spaces!", DEMO_IMAGE);
    expect(badName.code).toBe(2);
    expect(badName.stderr).toContain("Invalid value for 'name'");
  });
});
