import { describe, expect, it } from "vitest";
import { memoryHost } from "../../../test/support/memory-submit-host.js";
import { BatchFileError } from "../batch-file-error.js";
import { translateSbatchScript, type SbatchOptions } from "./sbatch-translator.js";

/** The environment the translator builds, which is always a map. */
const envOf = (s: { env?: unknown }): Record<string, string> => s.env as Record<string, string>;

const dir = "/arc/projects/cosmo/analysis";
const IMAGE = "images.canfar.net/skaha/astroml:latest";

function translate(text: string, o: Partial<SbatchOptions> & { env?: Record<string, string> } = {}) {
  const host = memoryHost({ [`${dir}/job.sh`]: text }, o.env ?? { USER: "alice" });
  return translateSbatchScript({ text, name: "job.sh", path: `${dir}/job.sh` }, { host, submitDir: dir, arc: { localRoot: "/arc" }, jobNumber: 7000, image: IMAGE, ...o });
}

function refusal(text: string, o: Parameters<typeof translate>[1] = {}): string {
  try {
    translate(text, o);
  } catch (e) {
    if (e instanceof BatchFileError) return e.report;
    throw e;
  }
  return "translated without a refusal";
}

/** The seed page's "Traditional SLURM" script, as written there. */
const SEED_SCRIPT = `#!/bin/bash
#SBATCH --job-name=analysis
#SBATCH --time=02:00:00
#SBATCH --cpus-per-task=4
#SBATCH --mem=8G

module load python/3.9
python analysis.py input.dat output.txt
`;

describe("the seed page's Slurm script", () => {
  const plan = translate(SEED_SCRIPT);
  const s = plan.sets[0]!.sessions[0]!;

  it("runs the script's text with its interpreter, with the #SBATCH resources and deadline", () => {
    expect(plan).toMatchObject({ kind: "slurm", jobNumber: 7000 });
    expect(plan.sets[0]).toMatchObject({ key: "7000", title: "job 7000", name: "analysis" });
    expect(s).toMatchObject({ name: "analysis", image: IMAGE, cores: 4, ram: 8, walltime: 7200, cmd: ["/bin/bash"], workdir: dir });
    expect(s.args).toEqual(["-c", SEED_SCRIPT, `${dir}/job.sh`]);
  });

  it("writes stdout and stderr together to slurm-%j.out in the submitting directory, and sets SLURM_* variables", () => {
    expect(s).toMatchObject({ stdout: `${dir}/slurm-7000.out`, stderr: `${dir}/slurm-7000.out`, labels: { "slurm.job": "7000" } });
    expect(s.env).toMatchObject({ SLURM_JOB_ID: "7000", SLURM_JOB_NAME: "analysis", SLURM_CPUS_PER_TASK: "4", SLURM_MEM_PER_NODE: "8192", SLURM_SUBMIT_DIR: dir, SLURM_NTASKS: "1" });
  });

  it("notes that the image must provide what 'module load' would", () => {
    expect(plan.warnings).toEqual([{ file: "job.sh", line: 7, message: "module: environment modules exist in an image only if it provides them; use an image that has the software" }]);
  });
});

describe("arrays, outputs, dependencies, the environment", () => {
  it("makes one session per array task with SLURM_ARRAY_* set, %A_%a outputs and %K as the running limit", () => {
    const plan = translate(`#!/bin/sh
# sweep over parameters
#SBATCH -J sweep
#SBATCH --array=1-7:3%2   # three tasks, two at a time
#SBATCH -o logs/%x-%A_%a.out
#SBATCH -e logs/%x-%A_%3a.err
#SBATCH -c 2
python3 fit.py --index "$SLURM_ARRAY_TASK_ID"
`);
    const set = plan.sets[0]!;
    expect(set).toMatchObject({ title: "array job 7000", maxRunning: 2 });
    expect(set.sessions.map((s) => [s.name, s.stdout, s.stderr, envOf(s).SLURM_ARRAY_TASK_ID, envOf(s).SLURM_JOB_ID, s.labels!["slurm.array-task"]])).toEqual([
      ["sweep-1", `${dir}/logs/sweep-7000_1.out`, `${dir}/logs/sweep-7000_001.err`, "1", "7000", "1"],
      ["sweep-4", `${dir}/logs/sweep-7000_4.out`, `${dir}/logs/sweep-7000_004.err`, "4", "7001", "4"],
      ["sweep-7", `${dir}/logs/sweep-7000_7.out`, `${dir}/logs/sweep-7000_007.err`, "7", "7002", "7"],
    ]);
    expect(set.sessions[2]!.env).toMatchObject({ SLURM_ARRAY_JOB_ID: "7000", SLURM_ARRAY_TASK_COUNT: "3", SLURM_ARRAY_TASK_MIN: "1", SLURM_ARRAY_TASK_MAX: "7", SLURM_ARRAY_TASK_STEP: "3" });
    expect(translate("#!/bin/bash\n#SBATCH --array=0,6,16-18\necho\n").sets[0]!.sessions.map((s) => s.stdout)).toEqual([0, 6, 16, 17, 18].map((i) => `${dir}/slurm-7000_${i}.out`));
  });

  it("reads --gres=gpu:N, --mem-per-cpu, --tmp, days in --time, --chdir and afterok dependencies", () => {
    const plan = translate(`#!/bin/bash -l
#SBATCH --gres=gpu:v100:2
#SBATCH --cpus-per-task=3 --mem-per-cpu=1500M
#SBATCH --tmp=20G
#SBATCH --time=1-12:30
#SBATCH --chdir=run1
#SBATCH --dependency=afterok:6990:6991_2,afterok:k3x9ab1z
#SBATCH --mail-type=END,FAIL --mail-user=alice@example.org
srun ./train
`);
    const set = plan.sets[0]!;
    expect(set).toMatchObject({ afterJobs: ["6990", "6991_2", "k3x9ab1z"], notify: "mailto:alice@example.org" });
    expect(set.sessions[0]).toMatchObject({ gpus: 2, cores: 3, ram: 4.395, disk: 20, walltime: 131400, workdir: `${dir}/run1`, stdout: `${dir}/run1/slurm-7000.out`, cmd: ["/bin/bash"] });
    expect(set.sessions[0]!.args!.slice(0, 2)).toEqual(["-l", "-c"]);
    expect(plan.warnings.map((w) => w.message)).toEqual(["srun: a skyrun job is one container with no Slurm inside; run the program directly"]);
  });

  it("lets the command line's options win over the script's, and passes the script's arguments", () => {
    const s = translate("#!/bin/bash\n#SBATCH --time=10\n#SBATCH --job-name=a\necho \"$@\"\n", { commandLine: ["--time=5:00", "-J", "b"], scriptArgs: ["x", "y z"] }).sets[0]!.sessions[0]!;
    expect(s).toMatchObject({ name: "b", walltime: 300 });
    expect(s.args!.slice(-3)).toEqual([`${dir}/job.sh`, "x", "y z"]);
  });

  it("exports the submitting environment as Slurm does by default, without credentials, machine-specific names or old SLURM_*", () => {
    const env = { USER: "alice", PATH: "/usr/local/bin:/usr/bin", SKYRUN_TOKEN: "t", SLURM_JOB_ID: "1", DATA: "/arc/projects/cosmo/data", HOME: "/home/alice" };
    const all = envOf(translate("#!/bin/bash\necho\n", { env }).sets[0]!.sessions[0]!);
    expect(Object.keys(all).filter((k) => !k.startsWith("SLURM_"))).toEqual(["USER", "DATA"]);
    expect(all.SLURM_JOB_ID).toBe("7000");
    const some = envOf(translate("#!/bin/bash\n#SBATCH --export=PATH,MODE=fast\necho\n", { env }).sets[0]!.sessions[0]!);
    expect(Object.keys(some).filter((k) => !k.startsWith("SLURM_"))).toEqual(["PATH", "MODE"]);
    const none = envOf(translate("#!/bin/bash\n#SBATCH --export=NONE\necho\n", { env }).sets[0]!.sessions[0]!);
    expect(Object.keys(none).every((k) => k.startsWith("SLURM_"))).toBe(true);
  });

  it("stops reading directives at the first command, as sbatch does, and reads quoted values", () => {
    const s = translate('#!/bin/bash\n\n# a comment\n#SBATCH --job-name="two words"\necho hi\n#SBATCH --time=bogus\n').sets[0]!.sessions[0]!;
    expect(s).toMatchObject({ name: "two-words", env: { SLURM_JOB_NAME: "two words" } });
    expect(s.walltime).toBeUndefined();
  });
});

describe("what cannot be translated is refused, naming the line", () => {
  it.each([
    ["#SBATCH --nodes=2", /job.sh:2: --nodes=2: a skyrun job runs on one machine/],
    ["#SBATCH -n 4", /job.sh:2: -n: a skyrun job is one task/],
    ["#SBATCH --constraint=intel", /job.sh:2: --constraint=intel: skyrun has no node features/],
    ["#SBATCH --dependency=afterany:12", /job.sh:2: --dependency=afterany:12: skyrun waits only for jobs to succeed/],
    ["#SBATCH --gres=mps:50", /job.sh:2: --gres=mps:50: skyrun's only generic resource is gpu/],
    ["#SBATCH --output=/scratch/%j.out", /job.sh:2: --output=\/scratch\/%j.out: \/scratch\/7000.out is not under \/arc\/home/],
    ["#SBATCH --output=%N.out", /job.sh:2: --output=%N.out: %N is the host name of the node/],
    ["#SBATCH --array=5-1", /job.sh:2: --array=5-1: this is not an array/],
    ["#SBATCH --begin=now+1hour", /job.sh:2: --begin=now\+1hour: skyrun starts a job as soon as it can/],
    ["#SBATCH --frobnicate", /job.sh:2: --frobnicate: --frobnicate is not an sbatch option/],
    ["#SBATCH --time=1:2:3:4", /job.sh:2: --time=1:2:3:4: this is not a Slurm time/],
    ["#SBATCH hetjob", /heterogeneous jobs are not translated/],
  ])("%s", (line, message) => {
    expect(refusal(`#!/bin/bash\n${line}\necho\n`)).toMatch(message);
  });

  it("refuses a script without #! or with an interpreter that takes no -c, and a missing image", () => {
    expect(refusal("echo hi\n")).toMatch(/job.sh:1: echo hi: this does not look like a batch script/);
    expect(refusal("#!/usr/bin/perl\nprint 1;\n")).toMatch(/job.sh:1: #!\/usr\/bin\/perl: skyrun runs the script's text with its interpreter's -c/);
    expect(translate("#!/usr/bin/env python3\n#SBATCH -c 1\nprint(1)\n").sets[0]!.sessions[0]!.cmd).toEqual(["/usr/bin/env"]);
    expect(refusal("#!/bin/bash\necho\n", { image: undefined })).toMatch(/job.sh: IMAGE: no container image is named/);
    expect(translate("#!/bin/bash\n#SBATCH --container-image=python:3.12\necho\n", { image: undefined }).sets[0]!.sessions[0]!.image).toBe("python:3.12");
  });

  it("refuses a default output outside /arc, and accepts an absolute one on /arc from anywhere", () => {
    expect(refusal("#!/bin/bash\necho\n", { submitDir: "/home/alice" })).toMatch(/job.sh: the output file slurm-%j.out: \/home\/alice\/slurm-7000.out is not under \/arc/);
    const s = translate("#!/bin/bash\n#SBATCH -o /arc/home/alice/out.%j\necho\n", { submitDir: "/home/alice" }).sets[0]!.sessions[0]!;
    expect(s).toMatchObject({ stdout: "/arc/home/alice/out.7000", stderr: "/arc/home/alice/out.7000" });
    expect(s.workdir).toBeUndefined();
  });
});
