/**
 * The seed pages' headless examples, run as written with bash and curl against a real
 * `skyrun server`, on each backend: the local one (Podman) and Slurm (issue 6: "the seed
 * pages' examples run unchanged through skyrun on a Slurm cluster"). Adapted only as
 * DESIGN.md allows: the host, the credentials (a bearer token here; the `-E
 * ~/.ssl/cadcproxy.pem` forms run in seed-certificates.test.ts), and the images (local
 * stand-ins with the same tools at the same paths). The files the examples expect on
 * /arc (scripts, data) are put there first, as a user would.
 */
import { execFileSync } from "node:child_process";
import { chownSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { request, waitForStatus, waitUntil, type SessionJson } from "../support/http.js";
import { DEMO_IMAGE, PYTHON_IMAGE, SEEDS_IMAGE } from "../support/paths.js";
import { freePort } from "../support/free-port.js";
import { removeJobContainers } from "../support/job-containers.js";
import { skyrunCli, startServerProcess, type ServerProcess } from "../support/server-process.js";
import { startSlurmCluster, type SlurmCluster } from "../support/slurm-cluster.js";
import { makeDataDir } from "../support/test-server.js";

const MAJORB_UID = 21001;

/** How skyrun runs on one backend, for this suite. */
interface Backend {
  readonly name: "local" | "slurm";
  /** How long a trivial job may take to end (Slurm adds its own scheduling). */
  readonly waitMs: number;
  start(dataDir: string): Promise<{ server: ServerProcess; stop(): Promise<void>; isGone(id: string): boolean }>;
}

const BACKENDS: readonly Backend[] = [
  {
    name: "local",
    waitMs: 120_000,
    async start(dataDir) {
      // The pages ask for up to 4 cores and 16 GB per job: this server offers a node of 16 cores and 64 GB.
      const server = await startServerProcess(dataDir, await freePort({ from: "kernel" }), ["--cores", "16", "--ram", "64"]);
      const stop = async () => { await server.kill("SIGTERM"); await removeJobContainers(inject("engineSocket"), dataDir); };
      return { server, stop, isGone: (id) => !existsSync(join(dataDir, "scratch", id)) };
    },
  },
  {
    name: "slurm",
    waitMs: 150_000,
    async start(dataDir) {
      const cluster: SlurmCluster = await startSlurmCluster();
      writeFileSync(join(dataDir, "skyrun.yaml"), `slurm:\n  containersConf: ${cluster.containersConf}\n  pollIntervalMs: 250\n`);
      // Each test node has 4 cores and 16 GB: the largest request the pages make that fits one node.
      const server = await startServerProcess(dataDir, await freePort({ from: "kernel" }), ["--executor", "slurm", "--slurm-partition", cluster.partition, "--cores", "4", "--ram", "16", "--config", join(dataDir, "skyrun.yaml")], { SLURM_CONF: cluster.conf });
      return {
        server,
        stop: async () => { await server.kill("SIGTERM"); await cluster.stop(); },
        isGone: (id) => cluster.slurm("squeue", ["--noheader", "--states=running,pending", `--name=skyrun-${id}`]).trim() === "",
      };
    },
  },
];

describe.each(BACKENDS)("the seed pages' curl examples on the $name backend", (backend) => {
  let dataDir: string;
  let running: Awaited<ReturnType<Backend["start"]>>;
  let token: string;
  const base = () => `${running.server.url}/skaha/v0`;

  /** Runs a shell snippet the way a user would paste it, with HOST and TOKEN set. */
  const sh = (script: string): string =>
    execFileSync("bash", ["-euo", "pipefail", "-c", script], { encoding: "utf8", env: { ...process.env, HOST: running.server.url, TOKEN: token } });

  /** A file the user keeps on /arc before submitting (their scripts and data). */
  const arcFile = (path: string, content: string): void => {
    const full = join(dataDir, path.replace(/^\/arc\//, "arc/"));
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, content);
    for (let d = dirname(full); d.startsWith(join(dataDir, "arc/projects")); d = dirname(d)) chownSync(d, MAJORB_UID, MAJORB_UID);
  };

  const wait = (id: string, statuses = ["Succeeded", "Failed"]) => waitForStatus(base(), token, id, statuses, backend.waitMs);
  const logsOf = async (id: string) => (await request("GET", `${base()}/session/${id}?view=logs`, { token })).text;

  beforeAll(async () => {
    dataDir = makeDataDir(`seeds-${backend.name}`);
    skyrunCli(["users", "add", "majorb", "--uid", String(MAJORB_UID), "--data-dir", dataDir]);
    token = skyrunCli(["tokens", "create", "majorb", "--data-dir", dataDir]).trim().split("\n").at(-1)!;
    running = await backend.start(dataDir);
  }, 20 * 60_000);
  afterAll(async () => {
    await running.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }, 180_000);

  describe("seed 000: CANFAR Science Platform Headless Jobs", { timeout: 240_000 }, () => {
    it("touches two files in the user's home with cmd=touch and two args, then shows the session, logs and events", async () => {
      const id = sh(`curl -s -H "Authorization: Bearer $TOKEN" $HOST/skaha/v0/session -d "name=headless-test" -d "image=${DEMO_IMAGE}" --data-urlencode "cmd=touch" --data-urlencode "args=/arc/home/majorb/headless-test-1a /arc/home/majorb/headless-test-1b"`).trim();
      expect(id).toMatch(/^[a-z][a-z0-9]{7}$/);
      expect((await wait(id)).status).toBe("Succeeded");
      for (const f of ["headless-test-1a", "headless-test-1b"]) expect(statSync(join(dataDir, "arc/home/majorb", f)).uid).toBe(MAJORB_UID);
      const all = JSON.parse(sh(`curl -s -H "Authorization: Bearer $TOKEN" $HOST/skaha/v0/session`)) as SessionJson[];
      expect(all.map((s) => s.id)).toContain(id);
      expect(JSON.parse(sh(`curl -s -H "Authorization: Bearer $TOKEN" $HOST/skaha/v0/session/${id}`))).toMatchObject({ id, name: "headless-test", status: "Succeeded" });
      expect(sh(`curl -s -H "Authorization: Bearer $TOKEN" "$HOST/skaha/v0/session/${id}?view=logs"`)).toBe("");
      expect(sh(`curl -s -H "Authorization: Bearer $TOKEN" "$HOST/skaha/v0/session/${id}?view=events"`)).toMatch(/Started[\s\S]*Completed/);
    });
  });

  describe("seed 001: Headless Container Execution Guide", { timeout: 240_000 }, () => {
    it("runs python -c with a quoted argument (kind=headless)", async () => {
      const id = sh(`curl -s -H "Authorization: Bearer $TOKEN" \\
        $HOST/skaha/v0/session \\
        -d "name=my-analysis" \\
        -d "image=${PYTHON_IMAGE}" \\
        -d "kind=headless" \\
        --data-urlencode "cmd=python" \\
        --data-urlencode "args=-c 'print(\\"Hello from headless container\\")'"`).trim();
      expect((await wait(id)).status).toBe("Succeeded");
      expect(await logsOf(id)).toBe("Hello from headless container\n");
    });

    it("requests 4 cores and 16 GB and runs a script from /arc/projects", async () => {
      arcFile("/arc/projects/survey/process_large_dataset.py", "import os\nprint('processed with', os.environ['OMP_NUM_THREADS'], 'threads')\n");
      const id = sh(`curl -s -H "Authorization: Bearer $TOKEN" \\
        $HOST/skaha/v0/session \\
        -d "name=big-analysis" \\
        -d "image=${PYTHON_IMAGE}" \\
        -d "kind=headless" \\
        -d "cores=4" \\
        -d "ram=16" \\
        --data-urlencode "cmd=python" \\
        --data-urlencode "args=/arc/projects/survey/process_large_dataset.py"`).trim();
      expect(await wait(id)).toMatchObject({ status: "Succeeded", requestedCPUCores: "4", isFixedResources: true });
      expect(await logsOf(id)).toBe("processed with 4 threads\n");
    });

    it("passes repeated env parameters", async () => {
      const id = sh(`curl -s -H "Authorization: Bearer $TOKEN" \\
        $HOST/skaha/v0/session \\
        -d "name=parameterized-job" \\
        -d "image=${SEEDS_IMAGE}" \\
        -d "kind=headless" \\
        -d "env=PROCESSING_MODE=batch" \\
        -d "env=OUTPUT_FORMAT=fits" \\
        -d "env=VERBOSE=true" \\
        --data-urlencode "cmd=/opt/pipeline/run.sh"`).trim();
      await wait(id);
      expect(await logsOf(id)).toBe("run.sh\nPROCESSING_MODE=batch\nOUTPUT_FORMAT=fits\nVERBOSE=true\nOMP_NUM_THREADS=1\n");
    });

    it("passes many arguments in order", async () => {
      const id = sh(`curl -s -H "Authorization: Bearer $TOKEN" \\
        $HOST/skaha/v0/session \\
        -d "name=multi-arg-job" \\
        -d "image=${SEEDS_IMAGE}" \\
        -d "kind=headless" \\
        --data-urlencode "cmd=python" \\
        --data-urlencode "args=/opt/scripts/analyze.py --input /arc/projects/data/raw.fits --output /arc/projects/results/ --format json --verbose --threads 4"`).trim();
      await wait(id);
      expect(await logsOf(id)).toBe("argv: ['--input', '/arc/projects/data/raw.fits', '--output', '/arc/projects/results/', '--format', 'json', '--verbose', '--threads', '4']\n");
    });

    it("terminates a running job with -X DELETE", async () => {
      const id = sh(`curl -s -H "Authorization: Bearer $TOKEN" $HOST/skaha/v0/session -d name=long -d image=${DEMO_IMAGE} -d kind=headless --data-urlencode "cmd=sleep" --data-urlencode "args=600"`).trim();
      await wait(id, ["Running"]);
      sh(`SESSION_ID=${id}
curl -s -H "Authorization: Bearer $TOKEN" \\
  -X DELETE \\
  $HOST/skaha/v0/session/\${SESSION_ID}`);
      expect((await wait(id, ["Failed"])).statusMessage).toBe("Deleted by user");
      await waitUntil(`the run of ${id} to be gone`, async () => (running.isGone(id) ? true : undefined), 20_000);
    });

    it("runs the batch curl script (Example 2) to completion for every input", async () => {
      for (const ms of ["a.ms", "b.ms"]) mkdirSync(join(dataDir, "client/radio/raw", ms), { recursive: true });
      // Adapted: host, credentials, image, the client-side input folder, skyrun's JSON opt-in
      // that the script's JSON parsing needs (skyrun answers text/plain, as the platform does,
      // whatever Accept says), and a 1 s instead of 300 s polling interval.
      const out = sh(`
IMAGE="${SEEDS_IMAGE}"
INPUT_DIR="${dataDir}/client/radio/raw"
OUTPUT_DIR="/arc/projects/radio/processed"
FILES=$(find \${INPUT_DIR} -name "*.ms" -type d)
JOB_IDS=()
for msfile in $FILES; do
    basename=$(basename "$msfile" .ms)
    SESSION_ID=$(curl -s -H "Authorization: Bearer $TOKEN" -H "Accept: application/vnd.skyrun+json" \\
        $HOST/skaha/v0/session \\
        -d "name=casa-\${basename}" \\
        -d "image=\${IMAGE}" \\
        -d "kind=headless" \\
        -d "cores=4" \\
        -d "ram=16" \\
        --data-urlencode "cmd=casa" \\
        --data-urlencode "args=--nogui --nologger -c /opt/scripts/process_ms.py \${msfile} \${OUTPUT_DIR}/\${basename}" \\
        | python3 -c "import sys, json; print(json.load(sys.stdin)['sessionId'])")
    JOB_IDS+=("$SESSION_ID")
done
while true; do
    completed=0
    for job_id in "\${JOB_IDS[@]}"; do
        status=$(curl -s -H "Authorization: Bearer $TOKEN" $HOST/skaha/v0/session/\${job_id} | python3 -c "import sys, json; print(json.load(sys.stdin)['phase'])")
        if [[ "$status" == "Succeeded" || "$status" == "Failed" ]]; then
            completed=$((completed + 1))
        fi
    done
    if [ $completed -eq \${#JOB_IDS[@]} ]; then
        echo "All jobs completed!"
        break
    fi
    sleep 1
done
echo "\${JOB_IDS[*]}"`);
      expect(out).toContain("All jobs completed!");
      const ids = out.trim().split("\n").at(-1)!.split(" ");
      expect(ids).toHaveLength(2);
      const logs = await Promise.all(ids.map(logsOf));
      expect(logs.join("")).toMatch(/casa \[--nogui\] \[--nologger\] \[-c\] \[\/opt\/scripts\/process_ms.py\] \[.*a\.ms\] \[\/arc\/projects\/radio\/processed\/a\]/);
    });
  });

  describe("seed 002: Batch Processing and Headless Jobs", { timeout: 240_000 }, () => {
    it("runs cmd='python script in out' with no args (quick start)", async () => {
      arcFile("/arc/projects/mygroup/scripts/process_data.py", "import sys, shutil\nshutil.copy(sys.argv[1], sys.argv[2])\nprint(f'Processed {sys.argv[1]} -> {sys.argv[2]}')\n");
      arcFile("/arc/projects/mygroup/data/input.fits", "SIMPLE  =                    T\n");
      mkdirSync(join(dataDir, "arc/projects/mygroup/results"), { recursive: true });
      chownSync(join(dataDir, "arc/projects/mygroup/results"), MAJORB_UID, MAJORB_UID);
      const id = sh(`curl -X POST \\
  -H "Authorization: Bearer $TOKEN" \\
  -d "name=data-processing-job" \\
  -d "image=${PYTHON_IMAGE}" \\
  -d "cores=4" \\
  -d "ram=8" \\
  -d "kind=headless" \\
  -d "cmd=python /arc/projects/mygroup/scripts/process_data.py /arc/projects/mygroup/data/input.fits /arc/projects/mygroup/results/output.fits" \\
  -s $HOST/skaha/v0/session`).trim();
      expect((await wait(id)).status).toBe("Succeeded");
      expect(readFileSync(join(dataDir, "arc/projects/mygroup/results/output.fits"), "utf8")).toContain("SIMPLE");
      expect(await logsOf(id)).toContain("Processed /arc/projects/mygroup/data/input.fits -> /arc/projects/mygroup/results/output.fits");
    });
  });

  describe("seed 003: Batch Jobs and Headless Processing", { timeout: 240_000 }, () => {
    it("submits with -X POST and a cmd line, then reads /logs, /stats, lists and cancels", async () => {
      arcFile("/arc/projects/myproject/scripts/reduce_data.py", "import time\nprint('reducing', flush=True)\nprint('ERROR: one frame skipped', flush=True)\ntime.sleep(60)\n");
      const id = sh(`curl -s -X POST "$HOST/skaha/v0/session" \\
  -H "Authorization: Bearer $TOKEN" \\
  -H "Content-Type: application/x-www-form-urlencoded" \\
  -d "name=data-reduction-job" \\
  -d "image=${PYTHON_IMAGE}" \\
  -d "cores=4" \\
  -d "ram=16" \\
  -d "cmd=python /arc/projects/myproject/scripts/reduce_data.py"`).trim();
      await wait(id, ["Running"]);
      let errors = "";
      for (let i = 0; i < 100 && !errors; i++) {
        errors = sh(`curl -s "$HOST/skaha/v0/session/${id}/logs" -H "Authorization: Bearer $TOKEN" | grep -i error || true`);
        if (!errors) await new Promise((r) => setTimeout(r, 200));
      }
      expect(errors).toBe("ERROR: one frame skipped\n");
      const stats = JSON.parse(sh(`curl -s "$HOST/skaha/v0/session/${id}/stats" -H "Authorization: Bearer $TOKEN" | jq .`)) as Record<string, unknown>;
      expect(stats).toMatchObject({ id, status: "Running", requestedCPUCores: 4 });
      expect(sh(`curl -s -X GET "$HOST/skaha/v0/session" -H "Authorization: Bearer $TOKEN"`)).toContain(id);
      expect(sh(`curl -s -X GET "$HOST/skaha/v0/session/${id}" -H "Authorization: Bearer $TOKEN"`)).toContain('"name":"data-reduction-job"');
      sh(`curl -s -X DELETE "$HOST/skaha/v0/session/${id}" -H "Authorization: Bearer $TOKEN"`);
      expect((await wait(id, ["Failed"])).statusMessage).toBe("Deleted by user");
      await waitUntil(`the run of ${id} to be gone`, async () => (running.isGone(id) ? true : undefined), 20_000);
    });
  });
});
