import { readFile } from "node:fs/promises";

/**
 * How a run ended, as the batch wrapper writes it beside the job's log when the
 * container exits. Slurm forgets finished jobs after MinJobAge and keeps no exit codes
 * without slurmdbd; this file is what lets skyrun learn the end of a run it did not
 * see, e.g. one that finished while skyrun was down.
 *
 * Format: `key=value` lines, written to a temporary file and renamed into place:
 *
 *     exit_code=3
 *     oom_killed=false
 *     started_at=1700000000      (seconds since the epoch, when the wrapper started)
 *     finished_at=1700000004
 *     reason=ImagePullFailed: …  (optional, one line)
 */
export interface ExitRecord {
  readonly exitCode: number;
  readonly oomKilled: boolean;
  readonly startedAt: Date | null;
  readonly finishedAt: Date;
  /** Why the run could not do its work (e.g. the image could not be pulled); absent when the program ran. */
  readonly reason?: string;
}

/** Parses an exit record; undefined when it is incomplete (still being written, or damaged). */
export function parseExitRecord(text: string): ExitRecord | undefined {
  const fields = new Map<string, string>();
  for (const line of text.split("\n")) {
    const eq = line.indexOf("=");
    if (eq > 0) fields.set(line.slice(0, eq), line.slice(eq + 1));
  }
  const code = fields.get("exit_code");
  const finished = Number(fields.get("finished_at"));
  if (code === undefined || !/^-?\d+$/.test(code) || !Number.isFinite(finished) || finished <= 0) return undefined;
  const started = Number(fields.get("started_at"));
  const reason = fields.get("reason")?.trim();
  return {
    exitCode: Number(code),
    oomKilled: fields.get("oom_killed") === "true",
    startedAt: Number.isFinite(started) && started > 0 ? new Date(started * 1000) : null,
    finishedAt: new Date(finished * 1000),
    ...(reason ? { reason } : {}),
  };
}

/** Reads the exit record at `path`; undefined when there is none (yet). Never throws. */
export async function readExitRecord(path: string): Promise<ExitRecord | undefined> {
  try {
    return parseExitRecord(await readFile(path, "utf8"));
  } catch {
    return undefined;
  }
}
