/**
 * Issue 6, "done when": the seed pages' curl examples run unchanged through skyrun on
 * a Slurm cluster. Adapted only as DESIGN.md allows: the host, a bearer token instead
 * of `-E ~/.ssl/cadcproxy.pem`, and local images (busybox, python). The files the
 * examples expect on /arc (scripts, data) are put there first, as a user would.
 */
import { execFileSync } from "node:child_process";
import { chownSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitForStatus, type SessionJson } from "../support/http.js";
import { DEMO_IMAGE, PYTHON_IMAGE } from "../support/paths.js";
import { freePort, skyrunCli, startServerProcess, type ServerProcess } from "../support/server-process.js";
import { startSlurmCluster, type SlurmCluster } from "../support/slurm-cluster.js";
import { makeDataDir } from "../support/test-server.js";

const UID = 21001;
let cluster: SlurmCluster;
let dataDir: string;
let server: ServerProcess;
let token: string;
const base = () => `${server.url}/skaha/v0`;

/** Runs a snippet as a user pastes it into bash, with HOST and TOKEN set. */
const sh = (script: string): string =>
  execFileSync("bash", ["-euo", "pipefail", "-c", script], { encoding: "utf8", env: { ...process.env, HOST: server.url, TOKEN: token } });

/** A file the user keeps on /arc before submitting. */
function onArc(path: string, content: string): void {
  const full = join(dataDir, "arc", path.replace(/^\/arc\//, ""));
  mkdirSync(dirname(full), { recursive: true });
  writeFileSync(full, content);
  for (let d = dirname(full); d.startsWith(join(dataDir, "arc", "projects")); d = dirname(d)) chownSync(d, UID, UID);
}

beforeAll(async () => {
  cluster = await startSlurmCluster();
  dataDir = makeDataDir("slurm-seeds");
  writeFileSync(join(dataDir, "skyrun.yaml"), `slurm:\n  containersConf: ${cluster.containersConf}\n  pollIntervalMs: 250\n`);
  skyrunCli(["users", "add", "majorb", "--uid", String(UID), "--data-dir", dataDir]);
  token = skyrunCli(["tokens", "create", "majorb", "--data-dir", dataDir]).trim().split("\n").at(-1)!;
  // Each Slurm node has 4 cores and 16 GB: the largest request the pages make that fits one node.
  server = await startServerProcess(dataDir, await freePort(), ["--executor", "slurm", "--slurm-partition", cluster.partition, "--cores", "4", "--ram", "16", "--config", join(dataDir, "skyrun.yaml")], { SLURM_CONF: cluster.conf });
}, 20 * 60_000);
afterAll(async () => {
  await server.kill("SIGTERM");
  await cluster.stop();
  rmSync(dataDir, { recursive: true, force: true });
}, 180_000);

const wait = (id: string, statuses = ["Succeeded", "Failed"]) => waitForStatus(base(), token, id, statuses, 150_000);

describe("seed 000: headless jobs with curl", { timeout: 180_000 }, () => {
  it("touches two files in the user's home (cmd=touch, two args), then lists, shows, logs and events", async () => {
    const id = sh(`curl -s -H "Authorization: Bearer $TOKEN" $HOST/skaha/v0/session -d "name=headless-test" -d "image=${DEMO_IMAGE}" --data-urlencode "cmd=touch" --data-urlencode "args=/arc/home/majorb/headless-test-1a /arc/home/majorb/headless-test-1b"`).trim();
    expect(id).toMatch(/^[a-z][a-z0-9]{7}$/);
    expect((await wait(id)).status).toBe("Succeeded");
    for (const f of ["headless-test-1a", "headless-test-1b"]) expect(statSync(join(dataDir, "arc/home/majorb", f)).uid).toBe(UID);
    expect((JSON.parse(sh(`curl -s -H "Authorization: Bearer $TOKEN" $HOST/skaha/v0/session`)) as SessionJson[]).map((s) => s.id)).toContain(id);
    expect(JSON.parse(sh(`curl -s -H "Authorization: Bearer $TOKEN" $HOST/skaha/v0/session/${id}`))).toMatchObject({ id, name: "headless-test", status: "Succeeded" });
    expect(sh(`curl -s -H "Authorization: Bearer $TOKEN" "$HOST/skaha/v0/session/${id}?view=logs"`)).toBe("");
    expect(sh(`curl -s -H "Authorization: Bearer $TOKEN" "$HOST/skaha/v0/session/${id}?view=events"`)).toMatch(/Started[\s\S]*Completed/);
  });
});

describe("seed 001: Headless Container Execution Guide", { timeout: 180_000 }, () => {
  it("runs python -c with a quoted argument (kind=headless)", async () => {
    const id = sh(`curl -s -H "Authorization: Bearer $TOKEN" \\
      $HOST/skaha/v0/session \\
      -d "name=my-analysis" \\
      -d "image=${PYTHON_IMAGE}" \\
      -d "kind=headless" \\
      --data-urlencode "cmd=python" \\
      --data-urlencode "args=-c 'print(\\"Hello from headless container\\")'"`).trim();
    expect((await wait(id)).status).toBe("Succeeded");
    expect(sh(`curl -s -H "Authorization: Bearer $TOKEN" "$HOST/skaha/v0/session/${id}?view=logs"`)).toBe("Hello from headless container\n");
  });

  it("asks for 4 cores and 16 GB and runs a script from /arc/projects", async () => {
    onArc("/arc/projects/survey/process_large_dataset.py", "import os\nprint('threads', os.environ['OMP_NUM_THREADS'])\n");
    const id = sh(`curl -s -H "Authorization: Bearer $TOKEN" \\
      $HOST/skaha/v0/session \\
      -d "name=big-analysis" \\
      -d "image=${PYTHON_IMAGE}" \\
      -d "kind=headless" \\
      -d "cores=4" \\
      -d "ram=16" \\
      --data-urlencode "cmd=python" \\
      --data-urlencode "args=/arc/projects/survey/process_large_dataset.py"`).trim();
    const s = await wait(id);
    expect(s).toMatchObject({ status: "Succeeded", requestedCPUCores: "4", isFixedResources: true });
    expect(sh(`curl -s -H "Authorization: Bearer $TOKEN" $HOST/skaha/v0/session/${id}/logs`)).toBe("threads 4\n");
  });

  it("passes environment variables (three env=)", async () => {
    const id = sh(`curl -s -H "Authorization: Bearer $TOKEN" \\
      $HOST/skaha/v0/session \\
      -d "name=parameterized-job" \\
      -d "image=${DEMO_IMAGE}" \\
      -d "kind=headless" \\
      -d "env=PROCESSING_MODE=batch" \\
      -d "env=OUTPUT_FORMAT=fits" \\
      -d "env=VERBOSE=true" \\
      --data-urlencode "cmd=env"`).trim();
    expect((await wait(id)).status).toBe("Succeeded");
    const out = sh(`curl -s -H "Authorization: Bearer $TOKEN" "$HOST/skaha/v0/session/${id}?view=logs"`);
    for (const kv of ["PROCESSING_MODE=batch", "OUTPUT_FORMAT=fits", "VERBOSE=true"]) expect(out.split("\n")).toContain(kv);
  });

  it("monitors and cancels: list, show, stats, events, DELETE", async () => {
    const id = sh(`curl -s -H "Authorization: Bearer $TOKEN" $HOST/skaha/v0/session -d "name=long" -d "image=${DEMO_IMAGE}" --data-urlencode "cmd=sleep" --data-urlencode "args=300"`).trim();
    await wait(id, ["Running"]);
    const stats = JSON.parse(sh(`curl -s "$HOST/skaha/v0/session/${id}/stats" -H "Authorization: Bearer $TOKEN" | jq .`)) as Record<string, unknown>;
    expect(stats).toMatchObject({ id, status: "Running" });
    sh(`curl -s -H "Authorization: Bearer $TOKEN" -X DELETE $HOST/skaha/v0/session/${id}`);
    expect((await wait(id, ["Failed"])).statusMessage).toBe("Deleted by user");
    expect(cluster.slurm("squeue", ["--noheader", "--states=running,pending", `--name=skyrun-${id}`]).trim()).toBe("");
  });
});

describe("seeds 002 and 003: cmd with its arguments in one parameter, form headers as written", { timeout: 180_000 }, () => {
  it("runs `cmd=python <script> <in> <out>` with cores=4 and ram=8 (seed 002)", async () => {
    onArc("/arc/projects/mygroup/scripts/process_data.py", "import sys\nopen(sys.argv[2], 'w').write(open(sys.argv[1]).read().upper())\nprint(f'Processed {sys.argv[1]} -> {sys.argv[2]}')\n");
    onArc("/arc/projects/mygroup/data/input.fits", "simple = t\n");
    mkdirSync(join(dataDir, "arc/projects/mygroup/results"), { recursive: true });
    chownSync(join(dataDir, "arc/projects/mygroup/results"), UID, UID);
    const id = sh(`curl -s -X POST \\
      -H "Authorization: Bearer $TOKEN" \\
      -d "name=data-processing-job" \\
      -d "image=${PYTHON_IMAGE}" \\
      -d "cores=4" \\
      -d "ram=8" \\
      -d "kind=headless" \\
      -d "cmd=python /arc/projects/mygroup/scripts/process_data.py /arc/projects/mygroup/data/input.fits /arc/projects/mygroup/results/output.fits" \\
      $HOST/skaha/v0/session`).trim();
    expect((await wait(id)).status).toBe("Succeeded");
    expect(sh(`curl -s -H "Authorization: Bearer $TOKEN" "$HOST/skaha/v0/session/${id}?view=logs"`)).toBe("Processed /arc/projects/mygroup/data/input.fits -> /arc/projects/mygroup/results/output.fits\n");
    expect(readFileSync(join(dataDir, "arc/projects/mygroup/results/output.fits"), "utf8")).toBe("SIMPLE = T\n");
  });

  it("submits with explicit Content-Type, as seed 003 writes it", async () => {
    onArc("/arc/projects/myproject/scripts/reduce_data.py", "print('reduced')\n");
    const id = sh(`curl -s -X POST "$HOST/skaha/v0/session" \\
      -H "Authorization: Bearer $TOKEN" \\
      -H "Content-Type: application/x-www-form-urlencoded" \\
      -d "name=data-reduction-job" \\
      -d "image=${PYTHON_IMAGE}" \\
      -d "cores=4" \\
      -d "ram=16" \\
      -d "cmd=python /arc/projects/myproject/scripts/reduce_data.py"`).trim();
    expect((await wait(id)).status).toBe("Succeeded");
    expect(sh(`curl -s -X GET "$HOST/skaha/v0/session/${id}/logs" -H "Authorization: Bearer $TOKEN"`)).toBe("reduced\n");
  });
});
