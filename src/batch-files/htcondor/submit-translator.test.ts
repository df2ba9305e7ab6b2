import { describe, expect, it } from "vitest";
import { memoryHost } from "../../../test/support/memory-submit-host.js";
import { BatchFileError } from "../batch-file-error.js";
import type { SubmitHost } from "../submit-host.js";
import { translateSubmitFile, type SubmitOptions } from "./submit-translator.js";

const dir = "/arc/home/alice/jobs";
const IMAGE = "images.canfar.net/skaha/astroml:latest";

function translate(text: string, o: Partial<SubmitOptions> & { files?: Record<string, string>; env?: Record<string, string> } = {}) {
  const host: SubmitHost = memoryHost({ [`${dir}/job.sub`]: text, ...o.files }, o.env ?? {});
  return translateSubmitFile({ text, name: "job.sub", path: `${dir}/job.sub` }, { host, submitDir: dir, arc: { localRoot: "/arc" }, clusterNumber: 1234, image: IMAGE, random: () => 0, ...o });
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

describe("a canfar_submit job file", () => {
  it("becomes one session per job, with the flavour's size, files on /arc and the cluster label", () => {
    const plan = translate(`# CANFAR quick start
Universe     = vanilla
Executable   = quick_start.bash
Arguments    = 1 2
Log          = quick_start.log
Output       = quick_start.out
Error        = quick_start.err
should_transfer_files   = YES
when_to_transfer_output = ON_EXIT_OR_EVICT
Queue
`, { flavour: "c2-7.5gb-31" });
    expect(plan).toMatchObject({ kind: "htcondor", jobNumber: 1234 });
    expect(plan.sets).toEqual([{
      key: "1234", title: "cluster 1234", name: "quick-start", eventLog: `${dir}/quick_start.log`,
      sessions: [{
        name: "quick-start", image: IMAGE, cores: 2, ram: 7.5, disk: 31,
        cmd: [`${dir}/quick_start.bash`], args: ["1", "2"],
        labels: { "htcondor.cluster": "1234" },
        workdir: dir, stdout: `${dir}/quick_start.out`, stderr: `${dir}/quick_start.err`,
      }],
    }]);
    expect(plan.warnings.map((w) => `${w.line}: ${w.message}`)).toEqual(["5: log: skyrun does not write HTCondor's job event log yet; follow the jobs with skyrun ps, skyrun events and skyrun wait"]);
  });

  it("reads commands case-insensitively, continued lines, comments and macros made of macros", () => {
    const plan = translate(`
  EXECUTABLE = /usr/bin/python3
# comments and blank lines are skipped

project   = /arc/projects/cosmo
run       = $(project)/runs/r$(Cluster)
ARGUMENTS = "$(run)/fit.py --seed $(Process) \\
             --label 'two words'"
Request_CPUs   = 4
request_memory = 2 GB
request_disk   = 10240
RequestGpus    = 1
queue 2
`);
    const [a, b] = plan.sets[0]!.sessions;
    expect(a).toMatchObject({ name: "python3-0", cmd: ["/usr/bin/python3"], args: ["/arc/projects/cosmo/runs/r1234/fit.py", "--seed", "0", "--label", "two words"], cores: 4, ram: 2, disk: 0.01, gpus: 1 });
    expect(b).toMatchObject({ name: "python3-1", args: ["/arc/projects/cosmo/runs/r1234/fit.py", "--seed", "1", "--label", "two words"] });
  });

  it("translates request sizes with HTCondor's units: memory in MiB and disk in KiB by default, K/M/G/T as powers of 1024", () => {
    const sizes = (memory: string, disk: string) => {
      const s = translate(`executable = /bin/true\nrequest_memory = ${memory}\nrequest_disk = ${disk}\nqueue\n`).sets[0]!.sessions[0]!;
      return [s.ram, s.disk];
    };
    expect(sizes("1024", "1048576")).toEqual([1, 1]);
    expect(sizes("1536M", "2G")).toEqual([1.5, 2]);
    expect(sizes("3000", "100 MB")).toEqual([2.93, 0.098]);
    expect(sizes("2 * 1024", "1T")).toEqual([2, 1024]);
    expect(refusal("executable = /bin/true\nrequest_memory = max({60, Target.TotalSlotMemory})\nqueue\n")).toMatch(/job.sub:2: request_memory = max.*: skyrun needs a number of bytes/);
  });
});

describe("queue statements in a file", () => {
  it("runs several queue statements into one cluster while the executable stays, and a new cluster when it changes", () => {
    const plan = translate(`executable = foo
output = foo.out$(Process)
arguments = 15 2000
queue
arguments = 30 2000
queue
executable = bar
arguments = x
queue 2
`, { files: { [`${dir}/foo`]: "", [`${dir}/bar`]: "" } });
    expect(plan.sets.map((s) => [s.key, s.sessions.map((x) => [x.name, (x.args as string[]).join(" "), x.stdout, x.labels!["htcondor.cluster"]])])).toEqual([
      ["1234", [["foo-0", "15 2000", `${dir}/foo.out0`, "1234"], ["foo-1", "30 2000", `${dir}/foo.out1`, "1234"]]],
      ["1235", [["bar-0", "x", `${dir}/foo.out0`, "1235"], ["bar-1", "x", `${dir}/foo.out1`, "1235"]]],
    ]);
  });

  it("sets submit commands from the items: queue arguments from ( … ) as the manual's example 1b", () => {
    const plan = translate(`Executable = foo
Universe   = vanilla
Output = foo.out$(Process)
Error  = foo.err$(Process)
Queue Arguments From (
  15 2000
  30 2000
  45 6000
)
`);
    expect(plan.sets[0]!.sessions.map((s) => [s.args, s.stdout, s.stderr])).toEqual([
      [["15", "2000"], `${dir}/foo.out0`, `${dir}/foo.err0`],
      [["30", "2000"], `${dir}/foo.out1`, `${dir}/foo.err1`],
      [["45", "6000"], `${dir}/foo.out2`, `${dir}/foo.err2`],
    ]);
  });

  it("gives $(Item), $(ItemIndex), $(Step), $(Row) and $(ProcId) their HTCondor values", () => {
    const plan = translate(`executable = /bin/echo
arguments = $(Item) item=$(ItemIndex) step=$(Step) row=$(Row) proc=$(ProcId) cluster=$(ClusterId)
queue 2 in (A, B)
`);
    expect(plan.sets[0]!.sessions.map((s) => (s.args as string[]).join(" "))).toEqual([
      "A item=0 step=0 row=0 proc=0 cluster=1234", "A item=0 step=1 row=0 proc=1 cluster=1234",
      "B item=1 step=0 row=1 proc=2 cluster=1234", "B item=1 step=1 row=1 proc=3 cluster=1234",
    ]);
  });

  it("queues from a file of items with commas and spaces, and from files matching a glob", () => {
    const plan = translate(`executable = analyse.sh
arguments = "--in $(infile) --label '$(label)'"
output = $Fn(infile).out
queue infile, label from inputs.txt
transfer_input_files = $(dat)
arguments = $Fnx(dat)
output = $Fn(dat).log
queue dat matching files data/*.dat
`, { files: { [`${dir}/inputs.txt`]: "m31.fits, Andromeda galaxy\nm33.fits   Triangulum\n", [`${dir}/data/a.dat`]: "", [`${dir}/data/b.dat`]: "", [`${dir}/analyse.sh`]: "" } });
    const sessions = plan.sets[0]!.sessions;
    expect(sessions.map((s) => [s.args, s.stdout])).toEqual([
      [["--in", "m31.fits", "--label", "Andromeda galaxy"], `${dir}/m31.out`],
      [["--in", "m33.fits", "--label", "Triangulum"], `${dir}/m33.out`],
      [["a.dat"], `${dir}/a.log`],
      [["b.dat"], `${dir}/b.log`],
    ]);
    expect(plan.warnings.map((w) => w.message)).toContain("transfer_input_files: data/a.dat is not copied into the job's directory as HTCondor would; the job finds it at /arc/home/alice/jobs/data/a.dat");
  });

  it("queues nothing for queue 0, and refuses a file without any queue statement", () => {
    expect(translate("executable = /bin/true\nqueue 0\n").sets).toEqual([]);
    expect(refusal("executable = /bin/true\n")).toBe("job.sub: queue: the submit file has no queue statement, so it queues no jobs\n  hint: end it with queue (or queue N).");
  });
});

describe("environment, labels, throttles, notifications, retries", () => {
  it("copies the getenv selection without credentials or machine-specific names, then environment on top", () => {
    const env = { PATH: "/home/alice/bin:/usr/bin", CUDA_HOME: "/opt/cuda", MYCUDA: "1", SKYRUN_TOKEN: "secret", LANG: "C.UTF-8", HOME: "/home/alice" };
    const all = translate('executable = /bin/env\ngetenv = true\nenvironment = "LANG=en_CA.UTF-8 EXTRA=\'a b\'"\nqueue\n', { env }).sets[0]!.sessions[0]!;
    expect(all.env).toEqual({ CUDA_HOME: "/opt/cuda", MYCUDA: "1", LANG: "en_CA.UTF-8", EXTRA: "a b" });
    const some = translate("executable = /bin/env\ngetenv = *cuda*, PATH, !mycuda\nqueue\n", { env }).sets[0]!.sessions[0]!;
    expect(some.env).toEqual({ PATH: "/home/alice/bin:/usr/bin", CUDA_HOME: "/opt/cuda" });
    expect(translate("executable = /bin/env\nenvironment = A=1;B=x=y\nqueue\n").sets[0]!.sessions[0]!.env).toEqual({ A: "1", B: "x=y" });
    expect(refusal("executable = /bin/env\nenvironment = HOME=/tmp\nqueue\n")).toMatch(/job.sub:2: environment = HOME=\/tmp: HOME is set by skyrun/);
  });

  it("makes +Attr and MY.Attr labels, max_materialize a throttle, notification a notify URL, max_retries retries", () => {
    const plan = translate(`executable = /bin/true
+ProjectName = "cosmology"
MY.Survey_Id = 42
max_materialize = 20
notification = Complete
notify_user = alice@example.org
max_retries = 3
allowed_job_duration = 3600
queue 3
`);
    expect(plan.sets[0]).toMatchObject({ maxRunning: 20, notify: "mailto:alice@example.org", name: "true" });
    expect(plan.sets[0]!.sessions[0]).toMatchObject({ labels: { projectname: "cosmology", survey_id: "42", "htcondor.cluster": "1234" }, retries: 3, walltime: 3600 });
    expect(translate("executable = /bin/true\nmax_idle = 5\nmax_materialize = 8\nqueue\n").sets[0]!.maxRunning).toBe(5);
    expect(translate("executable = /bin/true\nnotify_user = https://hooks.example.org/done\nnotification = error\nqueue\n").sets[0]!.notify).toBe("https://hooks.example.org/done");
    expect(refusal("executable = /bin/true\nmax_retries = 12\nqueue\n")).toMatch(/job.sub:2: max_retries = 12: skyrun takes retries from 0 to 10/);
  });

  it("refuses set-wide options that differ between the jobs of one cluster", () => {
    expect(refusal("executable = /bin/true\nmax_materialize = 2\nqueue\nmax_materialize = 3\nqueue\n")).toMatch(/job.sub:4: max_materialize: job 1234.1 asks for another maxRunning than job 1234.0/);
  });
});

describe("conditionals, includes, multi-line values", () => {
  it("follows if/elif/else/endif on defined names and booleans, reads includes and @= values", () => {
    const plan = translate(`include : common.sub
if defined FAST
  arguments = --fast
elif $(DEBUG)
  arguments = --debug
else
  arguments = --slow
endif
environment @=END
"A=1
 B=2"
@END
queue
`, { files: { [`${dir}/common.sub`]: "executable = /bin/run\nDEBUG = true\n" } });
    expect(plan.sets[0]!.sessions[0]).toMatchObject({ cmd: ["/bin/run"], args: ["--debug"], env: { A: "1", B: "2" } });
    expect(refusal("if version >= 8.1\nexecutable = /bin/true\nendif\nqueue\n")).toMatch(/job.sub:1: if version >= 8.1: skyrun is not an HTCondor version/);
    expect(refusal("executable = /bin/true\nif true\nqueue\n")).toMatch(/job.sub:2: if: this if has no endif/);
  });
});

describe("what cannot be translated is refused, naming the line", () => {
  it.each([
    ["universe = grid\ngrid_resource = batch slurm", /job.sub:2: universe = grid: the grid universe forwards jobs to another batch system/],
    ['Requirements = VMType =?= "quick_start-0.1"', /job.sub:2: Requirements = VMType =\?= "quick_start-0.1": skyrun has no machines to match against.*\n {2}hint: drop it/],
    ["input = data.txt", /job.sub:2: input = data.txt: skyrun sessions have no standard input/],
    ["arguments = --mem $$(Memory)", /job.sub:2: \$\$\(Memory\): \$\$\(\) takes its value from the machine/],
    ["on_exit_remove = ExitCode == 0", /job.sub:2: on_exit_remove = ExitCode == 0: job policy expressions/],
    ["request_licenses = 1", /job.sub:2: request_licenses = 1: skyrun sessions have no custom resource 'licenses'/],
    ["transfer_input_files = osdf:///ospool/data/x", /job.sub:2: transfer_input_files = osdf:.*fetched by an HTCondor transfer plugin/],
    ["output = /tmp/out.txt", /job.sub:2: output = \/tmp\/out.txt: \/tmp\/out.txt is not on \/arc/],
    ['arguments = "unclosed', /job.sub:2: arguments = "unclosed: the value starts with a double quote/],
    ["+Description = \"a\nb\"", /this is not a submit command/],
    ["hold = true", /job.sub:2: hold = true: skyrun has no held state/],
  ])("%s", (line, message) => {
    expect(refusal(`executable = /bin/true\n${line}\nqueue\n`)).toMatch(message);
  });

  it("refuses paths that are not on /arc and explains how to submit from /arc", () => {
    const outside = { submitDir: "/home/alice/jobs" };
    expect(refusal("executable = run.sh\nqueue\n", outside)).toMatch(/job.sub:1: executable = run.sh: \/home\/alice\/jobs\/run.sh is not on \/arc.*\n {2}hint: put it under \/arc/);
    expect(refusal("executable = /bin/true\noutput = out.txt\nqueue\n", outside)).toMatch(/job.sub:2: output = out.txt: out.txt is relative to \/home\/alice\/jobs, which is not on \/arc/);
    expect(translate("executable = /bin/true\narguments = hi\nqueue\n", outside).sets[0]!.sessions[0]!.workdir).toBeUndefined();
  });

  it("maps a local mount of /arc to the paths sessions see", () => {
    const local = "/home/alice/arc/home/alice/jobs";
    const plan = translate("executable = run.sh\noutput = out.$(Process)\ninitialdir = run1\nqueue\n", { submitDir: local, arc: { localRoot: "/home/alice/arc" } });
    expect(plan.sets[0]!.sessions[0]).toMatchObject({ cmd: [`${dir}/run.sh`], workdir: `${dir}/run1`, stdout: `${dir}/run1/out.0` });
  });

  it("refuses an unknown flavour, and requests larger than the flavour", () => {
    expect(refusal("executable = /bin/true\nqueue\n", { flavour: "huge" })).toMatch(/VM_FLAVOR huge: this flavour is not known\n {2}hint: give a name of the form cN-Xgb-D/);
    expect(refusal("executable = /bin/true\nrequest_cpus = 4\nqueue\n", { flavour: "c2-7.5gb-31" })).toMatch(/job.sub:2: request_cpus = 4: this is more than flavour c2-7.5gb-31 offers \(2 cores\)/);
    expect(translate("executable = /bin/true\nrequest_gpus = 1\nqueue\n", { flavour: "g1-16gb", flavours: { "G1-16GB": { cores: 4, ramGB: 16, gpus: 1 } } }).sets[0]!.sessions[0]).toMatchObject({ cores: 4, ram: 16, gpus: 1 });
  });

  it("takes the image from the file when none is given, and refuses when there is none", () => {
    expect(translate("universe = docker\ndocker_image = python:3.12\nexecutable = /usr/bin/python3\nqueue\n", { image: undefined }).sets[0]!.sessions[0]!.image).toBe("python:3.12");
    expect(refusal("executable = /bin/true\nqueue\n", { image: undefined })).toMatch(/job.sub: VM_IMAGE: no container image is named/);
  });
});
