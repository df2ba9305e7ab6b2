import type { TesMinimalTask, TesServiceInfo, TesTask, TesView } from "../../contracts/tes-task.js";
import type { TaskSnapshot } from "../../jobs/tes/tes-task-runs.js";
import type { TesSettings } from "../../jobs/tes/tes-settings.js";
import { taskLog, taskState } from "../../tes/task-state.js";

/**
 * A task in the view asked for. MINIMAL: id and state. BASIC: everything but the
 * executors' stdout/stderr, the inputs' content and the system logs. FULL: all.
 */
export function toTesTaskJson(s: TaskSnapshot, view: TesView): TesTask | TesMinimalTask {
  const state = taskState(s.runs);
  if (view === "MINIMAL") return { id: s.record.id, state };
  const full = view === "FULL";
  const { inputs, ...rest } = s.task;
  const task: TesTask = { id: s.record.id, state, ...rest, creation_time: s.record.createdAt.toISOString() };
  if (inputs) task.inputs = full ? inputs : inputs.map(({ content: _content, ...i }) => i);
  const log = taskLog(s.runs, state, full);
  task.logs = log ? [log] : [];
  return task;
}

/** `GET /service-info`: a GA4GH service-info document for a TES 1.1 server. */
export function toTesServiceInfo(settings: TesSettings, version: string, host: string, protocol: string): TesServiceInfo {
  return {
    id: `${host.split(":")[0]!.split(".").reverse().join(".")}.skyrun.tes`,
    name: "skyrun Task Execution Service",
    type: { group: "org.ga4gh", artifact: "tes", version: "1.1.0" },
    description: "GA4GH TES v1.1 on skyrun: each task runs as sessions of the skaha API, one per executor, on the shared filesystem /arc.",
    organization: { name: settings.organizationName || "skyrun", url: settings.organizationUrl || `${protocol}://${host}` },
    documentationUrl: `${protocol}://${host}/skaha`,
    version,
    storage: ["file:///arc"],
    tesResources_backend_parameters: [],
  };
}
