import { chownSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, type CliResult } from "../support/cli-runner.js";
import { PYTHON_IMAGE, TEST_ROOT } from "../support/paths.js";
import { startTestServer, type TestServer } from "../support/test-server.js";

// The legacy batch commands as users run them: the built CLI, in the directory of the
// files, on the examples of docs/migration.md (which must show each one as it is).
// A dry run needs no server; the docker example runs for real on Podman.

const ROOT = new URL("../../", import.meta.url).pathname;
const EXAMPLES = join(ROOT, "docs/examples");
const MIGRATION = readFileSync(join(ROOT, "docs/migration.md"), "utf8");
const example = (path: string): string => readFileSync(join(EXAMPLES, path), "utf8");

let root: string;
/** The examples copied under a local mount of /arc, as /arc/home/alice/<folder>. */
let home: string;

beforeAll(() => {
  mkdirSync(TEST_ROOT, { recursive: true });
  root = mkdtempSync(join(TEST_ROOT, "cli-submit-"));
  home = join(root, "arc/home/alice");
  mkdirSync(home, { recursive: true });
  cpSync(EXAMPLES, home, { recursive: true });
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** skyrun run in an example's folder, /arc being the test's mount. */
const inFolder = (folder: string, ...args: string[]): Promise<CliResult> => runCli(args, { cwd: join(home, folder), env: { SKYRUN_ARC_MOUNT: join(root, "arc") } });

function allFiles(dir: string, prefix = ""): string[] {
  return readdirSync(dir).flatMap((name) => (statSync(join(dir, name)).isDirectory() ? allFiles(join(dir, name), `${prefix}${name}/`) : [`${prefix}${name}`]));
}

describe("docs/migration.md", () => {
  it("shows every example file as it is", () => {
    for (const file of allFiles(EXAMPLES)) expect(MIGRATION, file).toContain(example(file).trimEnd());
  });
});

describe("skyrun submit --dry-run (HTCondor, canfar_submit)", () => {
  it("prints the canfar quick start's sessions as the migration guide shows, and warns about the event log", async () => {
    const r = await inFolder("canfar-submit", "submit", "--dry-run", "quick_start.sub", "images.canfar.net/skaha/astroml:latest", "c2-7.5gb-31");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(example("canfar-submit/quick_start.dry-run.txt"));
    expect(r.stderr).toBe("skyrun: warning: quick_start.sub:6: log: skyrun does not write HTCondor's job event log yet; follow the jobs with skyrun ps, skyrun events and skyrun wait\n");
  });

  it("prints the sweep queued from a file of items, and the same plan as JSON for machines", async () => {
    const table = await inFolder("htcondor", "submit", "--dry-run", "sweep.sub", "images.canfar.net/skaha/astroml:latest");
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toBe(example("htcondor/sweep.dry-run.txt"));
    const json = await inFolder("htcondor", "submit", "--dry-run", "-o", "json", "sweep.sub", "images.canfar.net/skaha/astroml:latest");
    const plan = JSON.parse(json.stdout) as { kind: string; jobNumber: number; sets: { key: string; maxRunning: number; sessions: { name: string; args: string[]; labels: Record<string, string>; stderr: string }[] }[] };
    expect(plan).toMatchObject({ kind: "htcondor", jobNumber: 1, sets: [{ key: "1", maxRunning: 2 }] });
    expect(plan.sets[0]!.sessions.map((s) => s.args)).toEqual([
      ["fit.py", "--target", "m31", "--bands", "g r i"], ["fit.py", "--target", "m33", "--bands", "g r"], ["fit.py", "--target", "ngc253", "--bands", "z"],
    ]);
    expect(plan.sets[0]!.sessions[2]).toMatchObject({ labels: { project: "cosmology", "htcondor.cluster": "1" }, stderr: "/arc/home/alice/htcondor/logs/ngc253.err" });
  });

  it("refuses a CloudScheduler Requirements line with the file, line and a hint, exit status 2, and creates nothing", async () => {
    const r = await inFolder("htcondor", "submit", "vmtype.sub", "images.canfar.net/skaha/terminal:1.1.2", "c2-7.5gb-31");
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(example("htcondor/vmtype.stderr.txt"));
  });

  it("takes canfar_submit's -u, -V and -h, says what -u means here, and names a missing file", async () => {
    const u = await inFolder("canfar-submit", "submit", "--dry-run", "-u", "alice", "quick_start.sub", "images.canfar.net/skaha/astroml:latest");
    expect(u.code, u.stderr).toBe(0);
    expect(u.stderr).toContain("skyrun: warning: -u alice: skyrun runs jobs as the account your credentials name");
    const v = await runCli(["submit", "-V"]);
    expect(v.stdout).toBe("skyrun submit (skyrun CLI 0.1.0)\n");
    const h = await runCli(["submit", "-h"]);
    expect(h.stdout).toMatch(/Usage: skyrun submit \[options\] <JOB_FILE> \[VM_IMAGE\] \[VM_FLAVOR\]/);
    expect(h.stdout).toMatch(/-c, --cert <pem>/);
    const missing = await inFolder("htcondor", "submit", "--dry-run", "nope.sub", "img");
    expect(missing).toMatchObject({ code: 2, stderr: "skyrun: nope.sub: cannot read it (ENOENT)\n" });
  });

  it("refuses files outside /arc when the mount is not where they are", async () => {
    const r = await runCli(["submit", "--dry-run", "quick_start.sub", "img"], { cwd: join(home, "canfar-submit") });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^skyrun: quick_start.sub:4: Executable = quick_start.bash: .*quick_start.bash is not on \/arc/);
  });
});

describe("skyrun submit-dag --dry-run (DAGMan)", () => {
  it("prints each node's session after its parents, as the migration guide shows", async () => {
    const r = await inFolder("dagman", "submit-dag", "--dry-run", "diamond.dag", "images.canfar.net/skaha/terminal:1.1.2");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe(example("dagman/diamond.dry-run.txt"));
    const json = JSON.parse((await inFolder("dagman", "submit-dag", "--dry-run", "-o", "json", "diamond.dag", "img")).stdout) as { sets: { key: string; after?: string[]; sessions: { labels: Record<string, string>; retries?: number }[] }[] };
    expect(json.sets.map((s) => [s.key, s.after ?? [], s.sessions[0]!.labels["dag.node"], s.sessions[0]!.retries])).toEqual([
      ["split", [], "split", undefined], ["fit-a", ["split"], "fit-a", 2], ["fit-b", ["split"], "fit-b", 2], ["merge", ["fit-a", "fit-b"], "merge", undefined],
    ]);
    expect(json.sets[0]!.sessions[0]!.labels).toMatchObject({ dag: "diamond", "dag.id": "1" });
  });
});

describe("skyrun sbatch --dry-run (Slurm)", () => {
  it("prints the seed page's script as one session running it, and warns about module load", async () => {
    const r = await inFolder("slurm", "sbatch", "--dry-run", "analysis.sh", "images.canfar.net/skaha/astroml:latest");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(example("slurm/analysis.dry-run.txt"));
    expect(r.stderr).toBe("skyrun: warning: analysis.sh:7: module: environment modules exist in an image only if it provides them; use an image that has the software\n");
  });

  it("prints an array's tasks, and lets command-line sbatch options win, with -o keeping sbatch's meaning", async () => {
    const r = await inFolder("slurm", "sbatch", "--test-only", "array.sh", "images.canfar.net/skaha/astroml:latest");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(example("slurm/array.dry-run.txt"));
    const over = await inFolder("slurm", "sbatch", "--dry-run", "--format", "json", "-a", "1-2", "-o", "out-%a.txt", "-J", "short", "array.sh", "img", "--", "x");
    const plan = JSON.parse(over.stdout) as { sets: { sessions: { name: string; stdout: string; args: string[]; env: Record<string, string> }[] }[] };
    expect(plan.sets[0]!.sessions.map((s) => [s.name, s.stdout, s.env.SLURM_ARRAY_TASK_ID, s.args.at(-1)])).toEqual([
      ["short-1", "/arc/home/alice/slurm/out-1.txt", "1", "x"], ["short-2", "/arc/home/alice/slurm/out-2.txt", "2", "x"],
    ]);
  });

  it("refuses what it cannot run, naming the line, and answers -V and -h", async () => {
    writeFileSync(join(home, "slurm/mpi.sh"), "#!/bin/bash\n#SBATCH --nodes=4\nsrun ./mpi_app\n");
    const r = await inFolder("slurm", "sbatch", "mpi.sh", "img");
    expect(r).toMatchObject({ code: 2, stdout: "" });
    expect(r.stderr).toBe("skyrun: mpi.sh:2: --nodes=4: a skyrun job runs on one machine\n  hint: ask for one node, and more cores with --cpus-per-task.\n");
    expect((await runCli(["sbatch", "-V"])).stdout).toBe("skyrun sbatch (skyrun CLI 0.1.0)\n");
    expect((await runCli(["sbatch", "--help"])).stdout).toMatch(/^Usage: skyrun sbatch \[OPTIONS\] SCRIPT \[IMAGE\] \[-- ARGS…\]/);
    expect(await runCli(["sbatch"])).toMatchObject({ code: 2, stderr: "skyrun: give the batch script: skyrun sbatch [OPTIONS] SCRIPT [IMAGE] [-- ARGS…]\n" });
  });
});

describe("the docker run example", () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => { await t.close(); });

  it("runs as the migration guide writes it, reading and writing /arc", async () => {
    const alice = await t.addUser("alice", { uid: 20711 });
    const data = join(t.dataDir, "arc/home/alice/data");
    mkdirSync(data, { recursive: true });
    writeFileSync(join(data, "process.py"), example("docker/process.py"));
    writeFileSync(join(data, "input"), "faint galaxy\n");
    for (const d of [join(t.dataDir, "arc/home/alice"), data, join(data, "process.py"), join(data, "input")]) chownSync(d, 20711, 20711);
    // The line as written, after "skyrun", with the test's image for the platform's.
    const words = example("docker/skyrun-run.txt").trim().split(/\s+/).slice(1).map((w) => (w.startsWith("images.canfar.net/") ? PYTHON_IMAGE : w));
    const r = await runCli(words, { env: { SKYRUN_URL: t.url, SKYRUN_TOKEN: alice.token } });
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(data, "output"), "utf8")).toBe("FAINT GALAXY\n");
  });
});
