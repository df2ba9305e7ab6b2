import { selectEnvironment, type EnvironmentSelection } from "../environment-import.js";
import type { JobView } from "./job-view.js";
import { parseEnvironment, QuotingError } from "./quoting-syntax.js";

/** Names the server sets for every session; a job may not set them. */
const SERVER_SET = /^(HOME|PWD|skaha_hostname|skaha_username|skaha_sessionid|SKAHA_SESSION_ID)$/;
const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

/** `getenv = true | false | <matchlist>`: `!name` leaves out, `*` matches anything. */
function getenvSelection(text: string): EnvironmentSelection | undefined {
  if (/^(false|no|0|)$/i.test(text)) return undefined;
  if (/^(true|yes|1)$/i.test(text)) return { all: true, include: [], exclude: [] };
  const members = text.split(/[\s,;]+/).filter((m) => m !== "");
  return {
    all: false,
    include: members.filter((m) => !m.startsWith("!")),
    exclude: members.filter((m) => m.startsWith("!")).map((m) => m.slice(1)),
  };
}

/**
 * The job's environment: the submitter's variables `getenv` selects (without skyrun's
 * credentials and, for a wholesale copy, without the machine-specific ones such as
 * PATH), then `environment` on top, whatever their order in the file.
 */
export function jobEnvironment(job: JobView, hostEnv: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const env: Record<string, string> = {};
  const getenv = job.value("getenv");
  const selection = getenv ? getenvSelection(getenv.text) : undefined;
  if (getenv && selection) {
    const { copied, skipped } = selectEnvironment(hostEnv, selection);
    for (const [k, v] of copied) env[k] = v;
    if (skipped.length > 0) job.note(getenv.line, `${getenv.name}: not copied (skyrun sets them, they hold skyrun's credentials, or the server cannot take their names): ${skipped.join(", ")}`);
  }
  const environment = job.value("environment");
  if (!environment) return env;
  let entries: [string, string][];
  try {
    entries = parseEnvironment(environment.text);
  } catch (e) {
    if (!(e instanceof QuotingError)) throw e;
    return job.refuse(environment.line, `${environment.name} = ${environment.text}`, e.message, 'write "NAME=value NAME2=\'a value with spaces\'" (new syntax) or NAME=value;NAME2=value (old syntax).');
  }
  for (const [k, v] of entries) {
    if (SERVER_SET.test(k)) job.refuse(environment.line, `${environment.name} = ${environment.text}`, `${k} is set by skyrun for every session and cannot be overridden`, `leave ${k} out.`);
    if (!ENV_NAME.test(k)) job.refuse(environment.line, `${environment.name} = ${environment.text}`, `${JSON.stringify(k)} is not a name the server accepts`, "use letters, digits, '_', '-' and '.', not starting with a digit.");
    env[k] = v;
  }
  return env;
}
