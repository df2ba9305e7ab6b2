import type { Refuse } from "../batch-file-error.js";

/**
 * sbatch's options as `#SBATCH` lines and the command line write them: `--name=value`,
 * `--name value`, `-X value`, `-Xvalue`, flags, and (as getopt allows) a long name cut
 * to any unambiguous prefix.
 */
export interface GivenOption {
  /** The long name, without dashes. */
  readonly name: string;
  readonly value: string | undefined;
  readonly line: number;
  /** The option as written, for messages. */
  readonly written: string;
}

type Arity = "value" | "flag" | "optional";

const VALUE_OPTIONS = [
  "job-name:J", "cpus-per-task:c", "mem", "mem-per-cpu", "mem-per-gpu", "gres", "gpus:G", "gpus-per-node", "gpus-per-task", "gpus-per-socket",
  "time:t", "time-min", "array:a", "dependency:d", "output:o", "error:e", "input:i", "export", "export-file", "chdir:D", "tmp",
  "mail-type", "mail-user", "container-image", "container-mounts", "container-workdir", "container", "ntasks:n", "ntasks-per-node",
  "ntasks-per-core", "ntasks-per-socket", "nodes:N", "partition:p", "account:A", "qos:q", "reservation", "comment", "priority", "signal",
  "open-mode", "kill-on-invalid-dep", "constraint:C", "licenses:L", "begin:b", "deadline", "nodelist:w", "exclude:x", "clusters:M",
  "uid", "gid", "distribution:m", "hint", "mem-bind", "cpu-freq", "gres-flags", "threads-per-core", "cores-per-socket", "sockets-per-node",
  "wckey", "profile", "acctg-freq", "bb", "bbf", "network", "extra-node-info:B", "cpus-per-gpu", "prefer", "batch", "switches",
  "thread-spec", "core-spec:S", "mcs-label", "power", "delay-boot", "wrap", "job-id",
];
const FLAG_OPTIONS = ["requeue", "no-requeue", "hold:H", "parsable", "quiet:Q", "verbose:v", "test-only", "wait:W", "oversubscribe:s", "overcommit:O", "contiguous", "spread-job", "use-min-nodes", "ignore-pbs"];
const OPTIONAL_OPTIONS = ["exclusive", "nice", "propagate", "get-user-env", "no-kill:k"];

interface OptionSpec {
  readonly long: string;
  readonly short?: string;
  readonly arity: Arity;
}

const SPECS: readonly OptionSpec[] = [
  ...VALUE_OPTIONS.map((s) => [s, "value"] as const),
  ...FLAG_OPTIONS.map((s) => [s, "flag"] as const),
  ...OPTIONAL_OPTIONS.map((s) => [s, "optional"] as const),
].map(([s, arity]) => {
  const [long, short] = s.split(":") as [string, string | undefined];
  return { long, arity, ...(short !== undefined ? { short } : {}) };
});

function longSpec(name: string): OptionSpec | undefined {
  const exact = SPECS.find((s) => s.long === name);
  if (exact) return exact;
  const prefixed = SPECS.filter((s) => s.long.startsWith(name));
  return prefixed.length === 1 ? prefixed[0] : undefined;
}

/**
 * Whether a command-line word is an sbatch option and takes the next word as its value
 * ("value"), takes none ("flag"), or is no sbatch option (undefined). For commands that
 * must find the script among sbatch's options.
 */
export function sbatchOptionArity(word: string): "value" | "flag" | undefined {
  const long = /^--([^=]+)(=.*)?$/s.exec(word);
  const short = /^-([A-Za-z])(.*)$/s.exec(word);
  const spec = long ? longSpec(long[1]!) : short ? SPECS.find((s) => s.short === short[1]) : undefined;
  if (!spec) return undefined;
  const inline = long ? long[2] !== undefined : short![2] !== "";
  return spec.arity === "value" && !inline ? "value" : "flag";
}

/** Reads option words into options; `words` of one `#SBATCH` line, or the command line's. */
export function parseOptionWords(words: readonly string[], line: number, refuse: Refuse): GivenOption[] {
  const out: GivenOption[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const long = /^--([^=]+)(?:=(.*))?$/s.exec(w);
    const short = /^-([A-Za-z])(.*)$/s.exec(w);
    const spec = long ? longSpec(long[1]!) : short ? SPECS.find((s) => s.short === short[1]) : undefined;
    if (!spec) {
      if (/^hetjob$/i.test(w) || w === ":") refuse(line, w, "heterogeneous jobs are not translated", "submit each component as its own script.");
      return refuse(line, w, long || short ? `${w} is not an sbatch option` : `${JSON.stringify(w)} is not an option`, "check the spelling; sbatch would refuse it too.");
    }
    const inline = long ? long[2] : short![2] !== "" ? short![2] : undefined;
    let value: string | undefined = inline;
    if (spec.arity === "flag" && inline !== undefined) refuse(line, w, `--${spec.long} takes no value`, `write --${spec.long} alone.`);
    if (spec.arity === "value" && value === undefined) {
      value = words[++i];
      if (value === undefined) refuse(line, w, `--${spec.long} needs a value`, `write --${spec.long}=VALUE.`);
    }
    out.push({ name: spec.long, value, line, written: w });
  }
  return out;
}
