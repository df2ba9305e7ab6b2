import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import type { JobId } from "../../domain/ids.js";
import type { RunRequest } from "../executor.js";
import { buildBatchScript, type WrapperOptions } from "./batch-script.js";
import type { PreparedRunFiles } from "./run-files.js";

const run = (over: Partial<RunRequest> = {}): RunRequest => ({
  jobId: "abcdefgh" as JobId,
  attempt: 1,
  image: "images.example.org/astro/tool:1.0",
  command: ["python", "/opt/x.py"],
  args: ["two words", "$HOME", "it's", "a;b", "$(id)"],
  env: [["TOKEN", "s3cret value"], ["MULTI", "line1\nline2"]],
  owner: { username: "alice", uid: 20001, gid: 20001, groups: [30001, 30002] },
  accounts: { user: { name: "alice", uid: 20001, gid: 20001, home: "/arc/home/alice", shell: "/bin/sh" }, groups: [{ name: "alice", gid: 20001 }] },
  resources: { coresRequest: 1, coresLimit: 2, ramRequestGB: 1, ramLimitGB: 2, gpus: 0, fixed: false },
  hostname: "my-job",
  workingDir: "/arc/home/alice",
  mounts: [{ source: "/data/arc", target: "/arc", readOnly: false }, { source: "/data/scratch/abcdefgh", target: "/scratch", readOnly: false }],
  logPath: "/data/logs/ab/abcdefgh.log",
  deadlineSeconds: 600,
  registryAuth: { username: "alice", secret: "registry-pa55" },
  ...over,
});
const files = (secretKeys: string[] = ["MULTI"], hasAuth = true): PreparedRunFiles => ({
  paths: {
    exitRecord: "/data/logs/ab/abcdefgh.exit",
    privateDir: "/data/slurm/ab/abcdefgh",
    envFile: "/data/slurm/ab/abcdefgh/env",
    authFile: "/data/slurm/ab/abcdefgh/auth.json",
    slurmMessages: "/data/slurm/ab/abcdefgh/slurm.err",
    passwdFile: "/data/slurm/ab/abcdefgh/passwd",
    groupFile: "/data/slurm/ab/abcdefgh/group",
    secretFile: (i) => `/data/slurm/ab/abcdefgh/secret-${i}`,
  },
  secretKeys,
  hasAuth,
});
const podman: WrapperOptions = { mode: "podman", podmanPath: "/usr/bin/podman", containersConf: "/etc/skyrun/containers.conf", podmanEnv: { HTTPS_PROXY: "http://proxy:3128" }, network: "bridge", stopGraceSeconds: 7, seccompProfile: "/data/seccomp.json", registryHosts: ["images.example.org"] };
const bashAccepts = (script: string) => spawnSync("bash", ["-n"], { input: script, encoding: "utf8" });

describe("the podman-mode batch script", () => {
  const script = buildBatchScript(run(), files(), podman);

  it("is valid bash", () => {
    const check = bashAccepts(script);
    expect(check.stderr).toBe("");
    expect(check.status).toBe(0);
  });

  it("never contains an environment value or a registry secret", () => {
    expect(script).not.toContain("s3cret");
    expect(script).not.toContain("line1");
    expect(script).not.toContain("registry-pa55");
  });

  it("runs the image as the user's uid and groups, without capabilities, with limits, mounts and the env file", () => {
    for (const part of ["--user=20001:20001", "--group-add=30001", "--group-add=30002", "--cap-drop=all", "--security-opt=no-new-privileges", "--cpus=2", "--memory=2147483648b",
      "--volume=/data/arc:/arc", "--volume=/data/scratch/abcdefgh:/scratch", "--hostname=my-job", "--workdir=/arc/home/alice", "--env-file=/data/slurm/ab/abcdefgh/env",
      "--secret=skyrun-abcdefgh-env-0,type=env,target=MULTI", "--log-driver=passthrough", "--name=skyrun-abcdefgh"]) {
      expect(script).toContain(part);
    }
    expect(script).toContain("export CONTAINERS_CONF=/etc/skyrun/containers.conf");
    expect(script).toContain("export HTTPS_PROXY=http://proxy:3128");
    expect(script).toContain('"$podman" stop --time=7 -- "$name"');
  });

  it("quotes every word of the argv so the shell passes it unchanged", () => {
    expect(script).toContain(`'--entrypoint=["python","/opt/x.py"]'`);
    expect(script).toContain(`"$image" 'two words' '$HOME' 'it'"'"'s' 'a;b' '$(id)' &`);
  });

  it("pulls a private image with the auth file every time, and removes the file after the pull", () => {
    expect(script).toMatch(/pull --quiet --authfile="\$auth_file" -- "\$image"[^\n]*\nrm -f -- "\$auth_file"/);
    const publicScript = buildBatchScript(run({ registryAuth: null }), files([], false), podman);
    expect(publicScript).toContain('if ! "$podman" image exists -- "$image"; then');
    expect(publicScript).not.toContain("--authfile");
    expect(publicScript).not.toContain("secret create");
  });

  it("hands the node's GPUs Slurm allocated to the container", () => {
    const gpu = buildBatchScript(run({ resources: { ...run().resources, gpus: 2 } }), files(), podman);
    expect(gpu).toContain('IFS=, read -ra gpu_ids <<< "${SLURM_JOB_GPUS:-}"');
    expect(bashAccepts(gpu).status).toBe(0);
  });
});

describe("the direct-mode batch script", () => {
  const direct: WrapperOptions = { ...podman, mode: "direct" };

  it("is valid bash that drops to the user without capabilities and binds /arc and /scratch", () => {
    const script = buildBatchScript(run({ env: [["TOKEN", "s3cret value"]] }), files([], false), direct);
    expect(bashAccepts(script).status).toBe(0);
    expect(script).toContain("setpriv --reuid=20001 --regid=20001 --groups=30001,30002 --inh-caps=-all --bounding-set=-all --no-new-privs");
    expect(script).toContain("mount --bind -- /data/arc /arc");
    expect(script).toContain("cd -- /arc/home/alice");
    expect(script).toContain(`python /opt/x.py 'two words' '$HOME'`);
    expect(script).not.toContain("s3cret");
  });

  it("refuses a session without a command, and variable names a shell cannot export", () => {
    expect(() => buildBatchScript(run({ command: null, args: null }), files([], false), direct)).toThrow(/give the command to run with 'cmd'/);
    expect(() => buildBatchScript(run({ env: [["a.b", "1"]] }), files([], false), direct)).toThrow(/variable names must be letters, digits and '_': a\.b/);
  });
});
