/**
 * What a client asks `POST /session` to create: the skaha parameters plus skyrun's
 * extensions (the lead's decisions in notes/api-extensions.md), shared by the SDK, the
 * CLI and the legacy batch-file translators. Names are the wire names, camelCase as the
 * JSON body spells them; repeatable parameters are arrays or maps here.
 */
export interface SessionRequest {
  /** Letters, digits and '-'. With replicas > 1 the sessions are `name-1` … `name-N`. */
  readonly name: string;
  /** e.g. `images.canfar.net/skaha/terminal:1.1.2` */
  readonly image: string;
  /** The session type (the platform's `type`). @defaultValue headless */
  readonly kind?: string;
  /** Cores; leave out for the server's flexible default. */
  readonly cores?: number;
  /** RAM in GB (GiB, the platform's unit); leave out for the server's flexible default. */
  readonly ram?: number;
  readonly gpus?: number;
  /**
   * The program instead of the image's entrypoint. An array is an exact argv (program,
   * then arguments); a string is sent as the server's `cmd` parameter as is.
   */
  readonly cmd?: string | readonly string[];
  /**
   * Arguments instead of the image's CMD. An array is passed exactly, one element per
   * argument; a string is the server's `args` parameter, which the server splits into words.
   */
  readonly args?: string | readonly string[];
  /** Environment: an object, or a list of `KEY=VALUE` (values may contain '='). */
  readonly env?: Readonly<Record<string, string>> | readonly string[];
  /** Independent copies, each with REPLICA_ID (1-based) and REPLICA_COUNT. @defaultValue 1 */
  readonly replicas?: number;
  /** skyrun: ids of sessions that must end Succeeded/Completed before this one starts. */
  readonly dependsOn?: readonly string[];
  /** skyrun: labels (wire: repeated `label=key=value`); keys match {@link LABEL_KEY}. */
  readonly labels?: Readonly<Record<string, string>>;
  /** skyrun: a failed attempt is retried up to this many times (0..10), with backoff. @defaultValue 0 */
  readonly retries?: number;
  /**
   * skyrun: deadline from start, in seconds, or as Slurm writes `--time`
   * (`[D-]HH:MM:SS`, `MM:SS`, `MM`); at most the server's `sessions.deadlineSeconds`.
   */
  readonly walltime?: number | string;
  /** skyrun: the container's working directory, under `/arc/home/<user>` or `/arc/projects/<group>`. */
  readonly workdir?: string;
  /** skyrun: after the run, stdout is written to this path on /arc (relative: to `workdir`). */
  readonly stdout?: string;
  /** skyrun: after the run, stderr is written to this path on /arc; the same path as `stdout` merges them. */
  readonly stderr?: string;
  /** skyrun: scratch space asked for, in GB (counted for admission and accounting). */
  readonly disk?: number;
}

/**
 * Parameters that apply to a whole set (the sessions created by one request); when a set
 * is sent as several items they are repeated on every item and must agree.
 */
export interface SessionSetOptions {
  /** At most this many of the set's sessions run at once (1..10000). */
  readonly maxRunning?: number;
  /** A key of `labels`: the limit then counts all of the caller's sessions with the same value for it. */
  readonly maxRunningLabel?: string;
  /** One HTTP POST to this URL when the set (or the single session) has ended. */
  readonly notify?: string;
}

/**
 * One set of a submission with several sets, such as the nodes of a DAG: the sessions
 * of one request, the set-wide options, and the sets (by `key`) whose sessions must all
 * succeed first. A client creates the sets in order, turning `after` into `dependsOn` ids.
 */
export interface SessionSetRequest extends SessionSetOptions {
  /** Names the set within the submission (a cluster number, a DAG node, a Slurm job). */
  readonly key: string;
  /** The name when identical sessions are sent as replicas (`name-1` … `name-N`). @defaultValue the first session's name */
  readonly name?: string;
  readonly sessions: readonly SessionRequest[];
  /** Keys of earlier sets in the same submission that must succeed before any session of this one starts. */
  readonly after?: readonly string[];
}

/** A label key: a lower-case letter or digit, then up to 62 of those or `.`, `_`, `/`, `-`. */
export const LABEL_KEY = /^[a-z0-9][a-z0-9._/-]{0,62}$/;
/** The longest label value, in characters. */
export const LABEL_VALUE_MAX = 253;
/** The most retries a session may ask for. */
export const MAX_RETRIES = 10;
/** The largest `maxRunning`. */
export const MAX_RUNNING_LIMIT = 10_000;

/** Why a label key or value is not allowed, or undefined when it is. */
export function labelProblem(key: string, value: string): string | undefined {
  if (!LABEL_KEY.test(key)) return `label key ${JSON.stringify(key)} must be 1 to 63 of a-z, 0-9, '.', '_', '/', '-', starting with a letter or digit`;
  if (value.length > LABEL_VALUE_MAX) return `label ${key}: the value has ${value.length} characters; at most ${LABEL_VALUE_MAX} are allowed`;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(value)) return `label ${key}: the value contains a control character`;
  return undefined;
}
