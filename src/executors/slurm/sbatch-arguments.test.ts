import { describe, expect, it } from "vitest";
import type { JobId } from "../../domain/ids.js";
import type { RunRequest } from "../executor.js";
import { sbatchArguments, timeLimitMinutes } from "./sbatch-arguments.js";

const run = (over: Partial<RunRequest["resources"]> = {}, deadlineSeconds = 1_209_600): RunRequest => ({
  jobId: "abcdefgh" as JobId, attempt: 1, image: "busybox", command: null, args: null, env: [],
  owner: { username: "alice", uid: 20001, gid: 20001, groups: [] },
  accounts: { user: { name: "alice", uid: 20001, gid: 20001, home: "/arc/home/alice", shell: "/bin/sh" }, groups: [{ name: "alice", gid: 20001 }] },
  resources: { coresRequest: 1, coresLimit: 8, ramRequestGB: 4, ramLimitGB: 32, gpus: 0, fixed: false, ...over },
  hostname: "h", workingDir: "/arc/home/alice", mounts: [], logPath: "/data/logs/ab/abcdefgh.log", deadlineSeconds, registryAuth: null,
});
const settings = { partition: "", account: "", chdir: "/data", extraArgs: [], slurmMessages: "/data/slurm/ab/abcdefgh/slurm.err" };

describe("sbatch options", () => {
  it("asks Slurm for the request: whole CPUs rounded up, memory in MiB, the deadline in minutes", () => {
    const a = sbatchArguments(run({ coresRequest: 1.5, ramRequestGB: 0.5 }, 90), settings);
    expect(a).toEqual(expect.arrayContaining(["--parsable", "--job-name=skyrun-abcdefgh", "--cpus-per-task=2", "--mem=512M", "--time=2", "--output=/data/logs/ab/abcdefgh.log", "--error=/data/slurm/ab/abcdefgh/slurm.err", "--chdir=/data", "--no-requeue", "--export=NONE"]));
    expect(a.some((x) => x.startsWith("--gres") || x.startsWith("--partition") || x.startsWith("--account"))).toBe(false);
  });

  it("adds GPUs as GRES, the partition, the account and the site's own options", () => {
    const a = sbatchArguments(run({ gpus: 2 }), { ...settings, partition: "gpu", account: "astro", extraArgs: ["--qos=batch"] });
    expect(a).toEqual(expect.arrayContaining(["--gres=gpu:2", "--partition=gpu", "--account=astro", "--qos=batch"]));
    expect(a.at(-1)).toBe("--qos=batch");
  });

  it("rounds time limits up to whole minutes, at least one", () => {
    expect(timeLimitMinutes(1)).toBe(1);
    expect(timeLimitMinutes(60)).toBe(1);
    expect(timeLimitMinutes(61)).toBe(2);
    expect(timeLimitMinutes(1_209_600)).toBe(20_160);
  });
});
