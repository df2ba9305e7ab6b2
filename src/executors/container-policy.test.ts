import { describe, expect, it } from "vitest";
import type { JobId } from "../domain/ids.js";
import { containerPolicyOf, type ContainerPolicy } from "./container-policy.js";
import type { RunRequest } from "./executor.js";
import { localEngineLabels, toEngineContainerSpec } from "./local/engine-container-spec.js";
import { podmanRunArguments, slurmEngineLabels } from "./slurm/podman-arguments.js";
import type { PreparedRunFiles } from "./slurm/run-files.js";

const run: RunRequest = {
  jobId: "pol00001" as JobId,
  attempt: 1,
  image: "localhost/skyrun-demo:latest",
  command: ["python3", "-u"],
  args: ["/arc/x.py", "a b"],
  env: [["A", "1"], ["B", "x=y"]],
  owner: { username: "alice", uid: 20001, gid: 20001, groups: [30001, 30002] },
  accounts: { user: { name: "alice", uid: 20001, gid: 20001, home: "/arc/home/alice", shell: "/bin/sh" }, groups: [{ name: "alice", gid: 20001 }, { name: "astro", gid: 30001 }] },
  resources: { coresRequest: 1.5, coresLimit: 2, ramRequestGB: 2, ramLimitGB: 4, gpus: 0, fixed: true },
  hostname: "job-1",
  workingDir: "/arc/home/alice",
  mounts: [{ source: "/data/arc", target: "/arc", readOnly: false }, { source: "/data/scratch/pol00001", target: "/scratch", readOnly: false }],
  logPath: "/data/logs/pol00001.log",
  deadlineSeconds: 600,
  registryAuth: null,
};
const files: PreparedRunFiles = {
  paths: {
    exitRecord: "/data/logs/pol00001.exit", privateDir: "/data/slurm/po/pol00001", envFile: "/data/slurm/po/pol00001/env", authFile: "/data/slurm/po/pol00001/auth.json",
    slurmMessages: "/data/slurm/po/pol00001/slurm.err", passwdFile: "/data/slurm/po/pol00001/passwd", groupFile: "/data/slurm/po/pol00001/group",
    secretFile: (i) => `/data/slurm/po/pol00001/secret-${i}`,
  },
  secretKeys: [],
  hasAuth: false,
};
const seccomp = "/data/seccomp.json";
const cgroupParent = "/skyrun_jobs";
const local = containerPolicyOf(run, { network: "bridge", engineLabels: localEngineLabels(run.jobId, "inst1"), seccompProfile: seccomp, cgroupParent });
const slurm = containerPolicyOf(run, { network: "bridge", engineLabels: slurmEngineLabels(run.jobId), seccompProfile: seccomp, cgroupParent });
const spec = toEngineContainerSpec(local, { logPath: run.logPath, accountFiles: { passwd: "/data/accounts/pol00001/passwd", group: "/data/accounts/pol00001/group" } });
const argv = podmanRunArguments(slurm, run.jobId, files);
const has = (flag: string) => argv.includes(flag);

type Check = (p: ContainerPolicy) => void;
/**
 * Every field of the policy, and where each rendering carries it. Adding a field to
 * ContainerPolicy without saying how both engines render it fails to compile.
 */
const RENDERED: Record<keyof ContainerPolicy, { engineApi: Check; podmanCli: Check }> = {
  name: { engineApi: (p) => expect(spec.name).toBe(p.name), podmanCli: (p) => expect(has(`--name=${p.name}`)).toBe(true) },
  image: { engineApi: (p) => expect(spec.Image).toBe(p.image), podmanCli: () => expect(argv).not.toContain(run.image) /* the wrapper adds it, quoted, after the options */ },
  user: { engineApi: (p) => expect(spec.User).toBe(`${p.user.uid}:${p.user.gid}`), podmanCli: (p) => expect(has(`--user=${p.user.uid}:${p.user.gid}`)).toBe(true) },
  groups: { engineApi: (p) => expect(spec.HostConfig?.GroupAdd).toEqual(p.groups.map(String)), podmanCli: (p) => expect(argv.filter((a) => a.startsWith("--group-add="))).toEqual(p.groups.map((g) => `--group-add=${g}`)) },
  accounts: {
    engineApi: () => expect(spec.HostConfig?.Binds).toEqual(expect.arrayContaining(["/data/accounts/pol00001/passwd:/etc/passwd:ro", "/data/accounts/pol00001/group:/etc/group:ro"])),
    podmanCli: () => expect(argv).toEqual(expect.arrayContaining([`--volume=${files.paths.passwdFile}:/etc/passwd:ro`, `--volume=${files.paths.groupFile}:/etc/group:ro`])),
  },
  dropCapabilities: { engineApi: () => expect(spec.HostConfig?.CapDrop).toEqual(["ALL"]), podmanCli: () => expect(has("--cap-drop=all")).toBe(true) },
  noNewPrivileges: { engineApi: () => expect(spec.HostConfig?.SecurityOpt).toContain("no-new-privileges"), podmanCli: () => expect(has("--security-opt=no-new-privileges")).toBe(true) },
  seccompProfile: { engineApi: () => expect(spec.HostConfig?.SecurityOpt).toContain(`seccomp=${seccomp}`), podmanCli: () => expect(has(`--security-opt=seccomp=${seccomp}`)).toBe(true) },
  init: { engineApi: () => expect(spec.HostConfig?.Init).toBe(true), podmanCli: () => expect(has("--init")).toBe(true) },
  limits: {
    engineApi: (p) => expect(spec.HostConfig).toMatchObject({ NanoCpus: p.limits.nanoCpus, CpuShares: p.limits.cpuShares, Memory: p.limits.memoryBytes, MemorySwap: p.limits.memorySwapBytes, PidsLimit: p.limits.pids }),
    podmanCli: (p) => expect(argv).toEqual(expect.arrayContaining(["--cpus=2", `--cpu-shares=${p.limits.cpuShares}`, `--memory=${p.limits.memoryBytes}b`, `--memory-swap=${p.limits.memorySwapBytes}b`, `--pids-limit=${p.limits.pids}`])),
  },
  cgroupParent: { engineApi: (p) => expect(spec.HostConfig?.CgroupParent).toBe(p.cgroupParent), podmanCli: (p) => expect(has(`--cgroup-parent=${p.cgroupParent}`)).toBe(true) },
  mounts: { engineApi: (p) => expect(spec.HostConfig?.Binds?.slice(0, 2)).toEqual(p.mounts.map((m) => `${m.source}:${m.target}`)), podmanCli: (p) => expect(argv).toEqual(expect.arrayContaining(p.mounts.map((m) => `--volume=${m.source}:${m.target}`))) },
  env: { engineApi: (p) => expect(spec.Env).toEqual(p.env.map(([k, v]) => `${k}=${v}`)), podmanCli: () => expect(has(`--env-file=${files.paths.envFile}`)).toBe(true) /* values never on a command line */ },
  labels: { engineApi: (p) => expect(spec.Labels).toEqual(p.labels), podmanCli: (p) => expect(argv).toEqual(expect.arrayContaining(Object.entries(p.labels).map(([k, v]) => `--label=${k}=${v}`))) },
  hostname: { engineApi: (p) => expect(spec.Hostname).toBe(p.hostname), podmanCli: (p) => expect(has(`--hostname=${p.hostname}`)).toBe(true) },
  workingDir: { engineApi: (p) => expect(spec.WorkingDir).toBe(p.workingDir), podmanCli: (p) => expect(has(`--workdir=${p.workingDir}`)).toBe(true) },
  network: { engineApi: (p) => expect(spec.HostConfig?.NetworkMode).toBe(p.network), podmanCli: (p) => expect(has(`--network=${p.network}`)).toBe(true) },
  entrypoint: { engineApi: (p) => expect(spec.Entrypoint).toEqual(p.entrypoint), podmanCli: (p) => expect(has(`--entrypoint=${JSON.stringify(p.entrypoint)}`)).toBe(true) },
  args: { engineApi: (p) => expect(spec.Cmd).toEqual(p.args), podmanCli: () => expect(argv).not.toContain("a b") /* the wrapper adds them, quoted, after the image */ },
};

describe("the one container policy (issue 15)", () => {
  it("is the same for both engines but for the labels by which each finds its containers", () => {
    expect({ ...local, labels: {} }).toEqual({ ...slurm, labels: {} });
    expect(local.labels["skyrun.owner"]).toBe("alice");
    expect(slurm.labels["skyrun.owner"]).toBe("alice");
  });

  for (const [field, { engineApi, podmanCli }] of Object.entries(RENDERED) as [keyof ContainerPolicy, (typeof RENDERED)[keyof ContainerPolicy]][]) {
    it(`carries '${field}' into the Engine API body and the podman command line`, () => {
      engineApi(local);
      podmanCli(slurm);
    });
  }

  it("gives an entrypoint override without args an empty CMD, so the image's CMD is not appended", () => {
    const p = containerPolicyOf({ ...run, args: null }, { network: "none", engineLabels: {}, seccompProfile: null });
    expect(p.args).toEqual([]);
    expect(toEngineContainerSpec(p, { logPath: "x", accountFiles: { passwd: "p", group: "g" } }).Cmd).toEqual([]);
  });

  it("uses the engine's default seccomp profile when none is given", () => {
    const p = containerPolicyOf(run, { network: "none", engineLabels: {}, seccompProfile: null });
    expect(toEngineContainerSpec(p, { logPath: "x", accountFiles: { passwd: "p", group: "g" } }).HostConfig?.SecurityOpt).toEqual(["no-new-privileges"]);
    expect(podmanRunArguments(p, run.jobId, files).some((a) => a.includes("seccomp"))).toBe(false);
  });
});
