import type { Refuse } from "../batch-file-error.js";
import type { NoteList } from "../plan.js";
import type { GivenOption } from "./sbatch-options.js";

/**
 * What skyrun does with each sbatch option it does not turn into a session field:
 * accept it with a note on what does not carry over, or refuse it. Options not listed
 * here are translated by the translator.
 */
const TRANSLATED = new Set([
  "job-name", "cpus-per-task", "mem", "mem-per-cpu", "mem-per-gpu", "gres", "gpus", "gpus-per-node", "gpus-per-task", "time", "array",
  "dependency", "output", "error", "input", "export", "chdir", "tmp", "mail-type", "mail-user", "container-image", "ntasks", "ntasks-per-node", "nodes",
]);

const PLACEMENT = "ignored: skyrun places the job itself";
const NOTED: Readonly<Record<string, string>> = {
  partition: "ignored: skyrun has one queue", account: "ignored: skyrun accounts by user, group and label", qos: "ignored: skyrun has no QOS",
  reservation: "ignored: skyrun has no reservations", comment: "ignored", priority: "ignored: skyrun runs your jobs in its own queue order",
  nice: "ignored: skyrun runs your jobs in its own queue order", signal: "ignored: at the deadline skyrun stops the job with SIGTERM, then SIGKILL",
  "time-min": "ignored: the job gets its --time", "open-mode": "ignored: the output file is written once, after the job",
  "kill-on-invalid-dep": "ignored: a job whose dependency failed fails too", exclusive: "ignored: a session has the cores and memory it asks for",
  requeue: "ignored: skyrun retries only when asked (it has no --requeue)", "no-requeue": "ignored: skyrun does not requeue jobs",
  exclude: PLACEMENT, distribution: PLACEMENT, hint: PLACEMENT, "mem-bind": PLACEMENT, "cpu-freq": PLACEMENT, "gres-flags": PLACEMENT,
  "threads-per-core": PLACEMENT, "cores-per-socket": PLACEMENT, "sockets-per-node": PLACEMENT, "extra-node-info": PLACEMENT, switches: PLACEMENT,
  "core-spec": PLACEMENT, "thread-spec": PLACEMENT, "ntasks-per-core": PLACEMENT, "ntasks-per-socket": PLACEMENT, oversubscribe: PLACEMENT,
  overcommit: PLACEMENT, contiguous: PLACEMENT, "spread-job": PLACEMENT, "use-min-nodes": PLACEMENT, "delay-boot": PLACEMENT, power: PLACEMENT,
  network: PLACEMENT, "mcs-label": "ignored", wckey: "ignored", profile: "ignored", "acctg-freq": "ignored: skyrun measures usage itself",
  propagate: "ignored: the container's limits are skyrun's", "get-user-env": "ignored: the environment comes from --export",
  "ignore-pbs": "ignored: #PBS lines are never read", "no-kill": "ignored", parsable: "ignored in a script: give --parsable on the command line",
  quiet: "ignored in a script", verbose: "ignored in a script", wait: "ignored: wait for the job with skyrun wait", "job-id": "ignored: skyrun numbers jobs itself",
};

const REFUSED: Readonly<Record<string, [string, string]>> = {
  constraint: ["skyrun has no node features to match", "remove it; ask for cores, memory and GPUs instead."],
  prefer: ["skyrun has no node features to prefer", "remove it."],
  batch: ["skyrun has no node features to match", "remove it."],
  licenses: ["skyrun has no licenses to allocate", "remove it."],
  begin: ["skyrun starts a job as soon as it can; it cannot defer it to a time", "submit the job when it should run."],
  deadline: ["skyrun has no start deadline", "remove it; --time limits how long the job runs."],
  hold: ["skyrun has no held state to release a job from", "submit the job when it should run."],
  nodelist: ["skyrun chooses where a job runs", "remove it."],
  clusters: ["skyrun is one cluster", "remove it."],
  uid: ["a job runs as the user whose credentials submit it", "remove it."],
  gid: ["a job runs with the user's own groups", "remove it."],
  bb: ["skyrun has no burst buffers", "use /scratch in the job."],
  bbf: ["skyrun has no burst buffers", "use /scratch in the job."],
  "export-file": ["the variables must be given directly", "use --export=NAME=value,…"],
  container: ["an OCI bundle path cannot be a skyrun image", "give the image after the script: skyrun sbatch SCRIPT IMAGE."],
  "container-mounts": ["a session sees /arc and /scratch and nothing else", "put the files under /arc."],
  "container-workdir": ["the job's directory is --chdir", "use --chdir."],
  "cpus-per-gpu": ["cores are asked per job", "use --cpus-per-task."],
  "gpus-per-socket": ["GPUs are asked per job", "use --gpus."],
  wrap: ["--wrap replaces the script and is given on the command line", "give skyrun sbatch a script."],
  "test-only": ["--test-only is for the command line", "use skyrun sbatch --dry-run."],
};

/** Refuses the first option that cannot be translated; notes those accepted with a difference. */
export function checkSbatchOptions(options: readonly GivenOption[], file: string, refuse: Refuse, notes: NoteList): void {
  for (const o of options) {
    if (TRANSLATED.has(o.name)) continue;
    const refused = REFUSED[o.name];
    if (refused) refuse(o.line, o.written, refused[0], refused[1]);
    notes.add(file, o.line, `--${o.name}: ${NOTED[o.name] ?? "ignored"}`);
  }
}
