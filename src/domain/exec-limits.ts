import { AppError, invalid } from "./errors.js";

/**
 * What the kernel lets a program start with (execve(2)), checked when a session is
 * submitted (issue 11): a session the kernel would refuse with "argument list too
 * long" is a 400 naming the limit, not a job that fails later.
 *
 * Linux copies each argument and KEY=VALUE string, with its NUL, onto the new stack;
 * one string may take MAX_ARG_STRLEN (32 pages, 128 KiB), and all of them with their
 * pointers a quarter of the stack limit (ARG_MAX: 2 MiB with the usual 8 MiB stack).
 */
export const EXEC_LIMITS = {
  /** MAX_ARG_STRLEN: one argument, or one KEY=VALUE, with its terminating NUL. */
  stringBytes: 128 * 1024,
  /** ARG_MAX at the usual 8 MiB stack: every argument and environment string, with their NULs and pointers. */
  totalBytes: 2 * 1024 * 1024,
  /** Left for what skyrun cannot see at submission: the image's environment (PATH, …), the engine's (HOSTNAME, container, TERM) and an init's arguments. */
  reserveBytes: 64 * 1024,
  /** Every replica's cmd, args and env together: what one request may have skyrun store. */
  replicasBytes: 16 * 1024 * 1024,
} as const;

const POINTER_BYTES = 8;

/**
 * The variables skyrun adds to every job, at their longest: the names are fixed, and the
 * values are a host name, a user name, session ids, the home path and small numbers.
 */
const SKYRUN_ENV_LONGEST: readonly (readonly [string, number])[] = [
  ["skaha_hostname", 253],
  ["skaha_username", 63],
  ["skaha_sessionid", 8],
  ["SKAHA_SESSION_ID", 8],
  ["HOME", "/arc/home/".length + 63],
  ["PWD", "/arc/home/".length + 63],
  ["OMP_NUM_THREADS", 10],
  ["REPLICA_ID", 10],
  ["REPLICA_COUNT", 10],
];

/** What skyrun's own variables can take on the new program's stack. */
export const SKYRUN_ENV_BYTES = SKYRUN_ENV_LONGEST.reduce((sum, [name, value]) => sum + name.length + 1 + value + 1 + POINTER_BYTES, 0);

const stackBytes = (s: string): number => Buffer.byteLength(s, "utf8") + 1;
const kib = (bytes: number): string => `${bytes / 1024} KiB`;

export interface ExecInput {
  readonly command: readonly string[] | null;
  readonly args: readonly string[] | null;
  readonly env: readonly (readonly [string, string])[];
  readonly replicas: number;
}

function checkString(parameter: "cmd" | "args" | "env", index: number, s: string, label: string): void {
  const bytes = stackBytes(s);
  if (bytes > EXEC_LIMITS.stringBytes) {
    throw invalid(
      `Invalid value for '${parameter}': ${label} ${index + 1} is ${bytes - 1} bytes; the kernel starts no program with a string over ${EXEC_LIMITS.stringBytes - 1} bytes (MAX_ARG_STRLEN, ${kib(EXEC_LIMITS.stringBytes)} with its NUL). Pass large data in a file under /arc instead.`,
      { parameter, limit: "MAX_ARG_STRLEN" },
    );
  }
}

/**
 * Refuses a session whose program the kernel would not start, and a request whose
 * replicas would make skyrun store more than EXEC_LIMITS.replicasBytes.
 * @throws AppError VALIDATION_FAILED (argv, env) or REQUEST_TOO_LARGE (replicas), naming the limit.
 */
export function checkExecLimits(input: ExecInput): void {
  let total = SKYRUN_ENV_BYTES + EXEC_LIMITS.reserveBytes;
  let own = 0;
  const words = [...(input.command ?? []), ...(input.args ?? [])];
  words.forEach((w, i) => {
    checkString(i < (input.command?.length ?? 0) ? "cmd" : "args", i < (input.command?.length ?? 0) ? i : i - (input.command?.length ?? 0), w, "argument");
    own += stackBytes(w) + POINTER_BYTES;
  });
  input.env.forEach(([k, v], i) => {
    const entry = `${k}=${v}`;
    checkString("env", i, entry, "entry");
    own += stackBytes(entry) + POINTER_BYTES;
  });
  total += own;
  if (total > EXEC_LIMITS.totalBytes) {
    throw invalid(
      `The session's command, arguments and environment take ${own} bytes, and with skyrun's own variables (up to ${SKYRUN_ENV_BYTES} bytes) and ${kib(EXEC_LIMITS.reserveBytes)} kept for the image's, ${total}; the kernel starts no program with more than ${EXEC_LIMITS.totalBytes} (ARG_MAX, 2 MiB). Shorten 'args' or 'env', or pass data in a file under /arc.`,
      { parameter: "args", limit: "ARG_MAX" },
    );
  }
  if (own * input.replicas > EXEC_LIMITS.replicasBytes) {
    throw new AppError(
      "REQUEST_TOO_LARGE",
      `${input.replicas} replicas of a session whose command, arguments and environment take ${own} bytes would store ${own * input.replicas} bytes: the limit is ${EXEC_LIMITS.replicasBytes} bytes (16 MiB) per request. Use fewer replicas or pass data in a file under /arc.`,
      { parameter: "replicas" },
    );
  }
}
