import { sbatchOptionArity } from "../batch-files/slurm/sbatch-options.js";
import { UsageError } from "./output.js";

/**
 * `skyrun sbatch [OPTIONS] SCRIPT [IMAGE] [-- ARGS…]`, read as sbatch reads its command
 * line: options before the script (sbatch's, which win over the script's `#SBATCH`
 * lines, and skyrun's own), then the script, then the image, then the script's
 * arguments. `-o`/`--output` and `-e`/`--error` keep sbatch's meaning, so machine output
 * is `--format json|yaml`.
 */
export interface SbatchCommandLine {
  readonly script?: string;
  readonly image?: string;
  readonly scriptArgs: readonly string[];
  /** sbatch options, as typed. */
  readonly sbatchOptions: readonly string[];
  readonly dryRun: boolean;
  readonly parsable: boolean;
  readonly quiet: boolean;
  readonly verbose: boolean;
  readonly help: boolean;
  readonly version: boolean;
  readonly format: string;
  /** --url, --cert, --ca, --api-version, --arc-mount. */
  readonly own: Readonly<Record<string, string>>;
}

const OWN_VALUES = ["url", "cert", "ca", "api-version", "arc-mount", "format"];
const OWN_FLAGS: Readonly<Record<string, keyof Pick<SbatchCommandLine, "dryRun" | "parsable" | "quiet" | "verbose" | "help" | "version">>> = {
  "--dry-run": "dryRun", "--test-only": "dryRun", "--parsable": "parsable", "-Q": "quiet", "--quiet": "quiet",
  "-v": "verbose", "--verbose": "verbose", "-h": "help", "--help": "help", "--usage": "help", "-V": "version", "--version": "version",
};

export function parseSbatchCommandLine(words: readonly string[]): SbatchCommandLine {
  const flags = { dryRun: false, parsable: false, quiet: false, verbose: false, help: false, version: false };
  const own: Record<string, string> = {};
  const sbatchOptions: string[] = [];
  let i = 0;
  for (; i < words.length; i++) {
    const w = words[i]!;
    if (w === "--" || !w.startsWith("-") || w === "-") break;
    const flag = OWN_FLAGS[w];
    if (flag) {
      flags[flag] = true;
      continue;
    }
    const ownValue = /^--([a-z-]+)(?:=(.*))?$/s.exec(w);
    if (ownValue && OWN_VALUES.includes(ownValue[1]!)) {
      const value = ownValue[2] ?? words[++i];
      if (value === undefined) throw new UsageError(`${w} needs a value`);
      own[ownValue[1]!] = value;
      continue;
    }
    sbatchOptions.push(w);
    if (sbatchOptionArity(w) === "value" && i + 1 < words.length) sbatchOptions.push(words[++i]!);
  }
  if (words[i] === "--") i++;
  const script = words[i];
  const rest = words.slice(i + 1);
  const dash = rest.indexOf("--");
  const beforeArgs = dash < 0 ? rest : rest.slice(0, dash);
  if (beforeArgs.length > 1) throw new UsageError(`after the script give only the image, then -- and the script's arguments: skyrun sbatch SCRIPT IMAGE -- ${beforeArgs.slice(1).join(" ")}`);
  return {
    ...flags, own, sbatchOptions, format: own.format ?? "table",
    ...(script !== undefined ? { script } : {}),
    ...(beforeArgs[0] !== undefined ? { image: beforeArgs[0] } : {}),
    scriptArgs: dash < 0 ? [] : rest.slice(dash + 1),
  };
}
