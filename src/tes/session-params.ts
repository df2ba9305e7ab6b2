import { labelProblem } from "../contracts/session-request.js";
import type { TesTask } from "../contracts/tes-task.js";
import type { ParamValue, Params } from "../domain/create-request.js";
import { invalid } from "../domain/errors.js";
import type { JobId } from "../domain/ids.js";
import type { ResourceContext, ResourceOptions } from "../domain/resources.js";
import { buildRunnerScript } from "./runner-script.js";

/** The label every session of a task carries: its task id. */
export const TASK_LABEL = "ga4gh-tes/task";
/** The label naming which executor (1-based) a session runs. */
export const EXECUTOR_LABEL = "ga4gh-tes/executor";

/** A DNS-label session name from the task's name: `tes-<name>-<n>`. */
function sessionName(task: TesTask, index: number): string {
  const slug = (task.name ?? "").toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 40).replace(/-+$/, "");
  return `tes-${slug === "" ? "task" : slug}-${index + 1}`;
}

/**
 * The server's option for a TES amount: the smallest offered whole amount at or above
 * it (TES asks for "at least"), a fraction as it is; beyond the largest, a 400 naming
 * the limit.
 */
function fit(value: number, o: ResourceOptions, field: string, unit: string): string {
  const largest = o.options.length > 0 ? Math.max(...o.options) : 0;
  if (value > largest) throw invalid(`Invalid value for '${field}': ${value}. This server offers at most ${largest} ${unit} to one task (options: ${o.options.join(", ")}).`, { parameter: field });
  if (!Number.isInteger(value) || o.options.includes(value)) return String(value);
  return String(Math.min(...o.options.filter((x) => x >= value)));
}

/** Tags whose key and value can be labels become labels too (for skaha's `label=` filters); all stay in the task. */
function tagLabels(task: TesTask): string[] {
  return Object.entries(task.tags ?? {})
    .filter(([k, v]) => !k.startsWith("ga4gh-tes/") && labelProblem(k, v) === undefined)
    .map(([k, v]) => `${k}=${v}`);
}

/**
 * The `POST /session` parameters of each executor's session: the runner script as
 * `/bin/sh -c`, the executor's environment, the task's resources, the task's labels,
 * and each after the one before (`dependsOn`), given when that one exists. Pure.
 */
export function executorSessionParams(task: TesTask, taskId: string, context: ResourceContext): ((previous: JobId | null) => Params)[] {
  const r = task.resources ?? {};
  const cores = r.cpu_cores === undefined ? undefined : fit(r.cpu_cores, context.cores, "resources.cpu_cores", "cores");
  const ram = r.ram_gb === undefined ? undefined : fit(r.ram_gb, context.memoryGB, "resources.ram_gb", "GB of RAM");
  const labels = [`${TASK_LABEL}=${taskId}`, ...tagLabels(task)];
  return task.executors.map((e, i) => {
    const script = buildRunnerScript(task, i);
    return (previous) => {
      const p = new Map<string, ParamValue[]>([
        ["name", [sessionName(task, i)]],
        ["image", [e.image]],
        ["cmd", [{ argv: ["/bin/sh"] }]],
        ["args", [{ argv: ["-c", script, `tes-executor-${i + 1}`] }]],
        ["label", [...labels, `${EXECUTOR_LABEL}=${i + 1}`]],
      ]);
      const env = Object.entries(e.env ?? {}).map(([k, v]) => `${k}=${v}`);
      if (env.length > 0) p.set("env", [{ argv: env }]);
      if (cores !== undefined) p.set("cores", [cores]);
      if (ram !== undefined) p.set("ram", [ram]);
      if (r.disk_gb !== undefined) p.set("disk", [String(r.disk_gb)]);
      if (previous !== null) p.set("dependson", [previous]);
      return p;
    };
  });
}

/** Where a session parameter's error points in the task document. */
export function taskFieldOf(parameter: string, index: number): string {
  const byParameter: Record<string, string> = { cores: "resources.cpu_cores", ram: "resources.ram_gb", disk: "resources.disk_gb", image: `executors[${index}].image`, env: `executors[${index}].env`, args: `executors[${index}].command`, cmd: `executors[${index}].command` };
  return byParameter[parameter] ?? parameter;
}
