import { execFile } from "node:child_process";
import { join } from "node:path";
import { ExecutorError } from "../../domain/errors.js";

export interface SlurmCommandOptions {
  /** Directory of the Slurm commands; empty to find them on PATH. */
  readonly binDir: string;
  /** SLURM_CONF for the commands; empty for Slurm's default. */
  readonly conf: string;
  /** A command that has not answered after this long is treated as Slurm being unavailable. @defaultValue 60000 */
  readonly timeoutMs?: number;
  /** Slurm commands running at once; more wait. @defaultValue 8 */
  readonly maxConcurrent?: number;
}

/** The outcome of a command that ran: its exit status and output. */
export interface CommandResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs Slurm's commands. Never through a shell; a fixed, minimal environment. */
export type SlurmCommand = (command: "sbatch" | "squeue" | "scancel" | "scontrol" | "sinfo", args: readonly string[], stdin?: string) => Promise<CommandResult>;

/** Words with which Slurm's commands say the controller could not be reached: try again later. */
const UNREACHABLE = /unable to contact slurm controller|connection refused|connect failure|socket timed out|timed out|zero bytes were transmitted|communication connection failure|slurm_receive_msg|temporarily unable|slurmctld.*(down|not responding)|Transport endpoint/i;

/** True when a failed command's words mean "Slurm is down", not "Slurm said no". */
export const isUnreachable = (stderr: string): boolean => UNREACHABLE.test(stderr);

/** Slurm's last line of complaint, without the command's name in front. */
export const slurmWords = (r: CommandResult): string => (r.stderr.trim().split("\n").at(-1) ?? "").replace(/^(sbatch|squeue|scancel|scontrol|sinfo): (error: )?/, "").trim() || `exit status ${r.code}`;

/**
 * Turns a failed command into an ExecutorError: EXECUTOR_UNAVAILABLE when Slurm could
 * not be reached (try later), EXECUTOR_REJECTED when it refused (it will keep refusing).
 */
export function toExecutorError(what: string, r: CommandResult): ExecutorError {
  const words = slurmWords(r);
  return isUnreachable(r.stderr) || r.code === -1
    ? new ExecutorError("EXECUTOR_UNAVAILABLE", `Slurm is unavailable (${what}): ${words}`)
    : new ExecutorError("EXECUTOR_REJECTED", `Slurm refused ${what}: ${words}`);
}

/**
 * Runs Slurm's client commands with a fixed environment (SLURM_CONF, epoch times) and at
 * most `maxConcurrent` at once, so a burst of submissions does not fork hundreds of
 * processes. Never throws: a command that could not run reports exit status -1.
 */
export function createSlurmCommand(o: SlurmCommandOptions): SlurmCommand {
  const env: Record<string, string> = {
    PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    LANG: "C",
    // Seconds since the epoch: no time zones, no locale in squeue's times.
    SLURM_TIME_FORMAT: "%s",
    ...(o.conf ? { SLURM_CONF: o.conf } : {}),
  };
  const timeout = o.timeoutMs ?? 60_000;
  const max = o.maxConcurrent ?? 8;
  let running = 0;
  const waiting: (() => void)[] = [];
  const acquire = async (): Promise<void> => {
    if (running < max) {
      running++;
      return;
    }
    await new Promise<void>((resolve) => waiting.push(resolve));
  };
  const releaseSlot = () => {
    const next = waiting.shift();
    if (next) next();
    else running--;
  };

  return async (command, args, stdin) => {
    await acquire();
    try {
      return await new Promise<CommandResult>((resolve) => {
        const child = execFile(o.binDir ? join(o.binDir, command) : command, [...args], { env, timeout, maxBuffer: 64 * 1024 * 1024, encoding: "utf8" }, (err, stdout, stderr) => {
          const e = err as (NodeJS.ErrnoException & { code?: number | string; killed?: boolean }) | null;
          // -1: the command did not run to an answer (not found, killed at the timeout).
          const code = e === null ? 0 : typeof e.code === "number" && !e.killed ? e.code : -1;
          resolve({ code, stdout, stderr: e && code === -1 ? `${stderr}\n${command}: ${e.message}` : stderr });
        });
        child.stdin?.on("error", () => undefined); // the command may exit before reading stdin
        child.stdin?.end(stdin ?? "");
      });
    } finally {
      releaseSlot();
    }
  };
}
