/**
 * sbatch's filename patterns for `--output`, `--error` and `--input`: `%j` job id, `%A`
 * array job id, `%a` array index, `%x` job name, `%u` user, `%J` job.step, `%s` step,
 * `%t` task, `%n` node index, `%%` a percent sign, a number after `%` zero-pads;
 * a backslash anywhere turns replacement off. `%N` (the node's host name) is not
 * known when a skyrun job is submitted.
 */
export interface PatternValues {
  /** %j: this job's (or array task's) id. */
  readonly jobId: number;
  /** %A: the array's id (the job id for a job that is no array). */
  readonly arrayJobId: number;
  /** %a: the array index; absent for a job that is no array. */
  readonly arrayIndex?: number;
  /** %x */
  readonly jobName: string;
  /** %u; absent when not known. */
  readonly user?: string;
}

/** Why a pattern cannot be filled in; the caller names the line. */
export class PatternError extends Error {
  override name = "PatternError";
}

/** Fills in a filename pattern for one job. */
export function expandFilenamePattern(pattern: string, v: PatternValues): string {
  if (pattern.includes("\\")) return pattern.replace(/\\/g, "");
  return pattern.replace(/%(\d*)([%AaJjNnstux])/g, (_m, pad: string, symbol: string) => {
    const width = Number(pad || 0);
    const number = (n: number) => String(n).padStart(width, "0");
    switch (symbol) {
      case "%": return "%";
      case "A": return number(v.arrayJobId);
      case "a": return v.arrayIndex === undefined ? "4294967294" : number(v.arrayIndex);
      case "j": return number(v.jobId);
      case "J": return `${number(v.jobId)}.batch`;
      case "s": return "batch";
      case "t": case "n": return number(0);
      case "x": return v.jobName;
      case "u":
        if (v.user === undefined) throw new PatternError("%u needs your user name, and it is not known here (set USER)");
        return v.user;
      default: throw new PatternError("%N is the host name of the node the job runs on, which is not known when a skyrun job is submitted");
    }
  });
}
