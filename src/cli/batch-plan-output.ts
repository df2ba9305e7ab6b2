import { BatchFileError } from "../batch-files/batch-file-error.js";
import { formatNote, type BatchPlan, type PlannedSet } from "../batch-files/plan.js";
import type { SessionRequest } from "../client/index.js";
import { renderData, renderTable, UsageError, type OutputFormat } from "./output.js";

/** Runs a translator, turning a refusal into a command-line error (exit 2) with its hint. */
export function translateOrExplain<T>(translate: () => T): T {
  try {
    return translate();
  } catch (e) {
    if (e instanceof BatchFileError) throw new UsageError(e.report);
    throw e;
  }
}

/** One line per note on stderr: what carries over differently. */
export function printPlanWarnings(plan: BatchPlan): void {
  for (const note of plan.warnings) process.stderr.write(`skyrun: warning: ${formatNote(note)}\n`);
}

const MAX_COMMAND = 70;

/** A session's command for a table cell: words quoted when they hold spaces, a script shown by its size, cut to fit. */
export function commandText(s: SessionRequest): string {
  const words = [...(typeof s.cmd === "string" ? [s.cmd] : s.cmd ?? []), ...(typeof s.args === "string" ? [s.args] : s.args ?? [])];
  const shown = words.map((w) => (w.includes("\n") ? `<script, ${w.split("\n").length} lines>` : w === "" || /\s/.test(w) ? `'${w}'` : w)).join(" ");
  return shown.length > MAX_COMMAND ? `${shown.slice(0, MAX_COMMAND - 1)}…` : shown || "(the image's command)";
}

const cell = (v: number | string | undefined): string => (v === undefined ? "-" : String(v));

function setHeader(set: PlannedSet): string {
  const parts = [`${set.sessions.length} session${set.sessions.length === 1 ? "" : "s"}`, `image ${set.sessions[0]?.image ?? "-"}`];
  if (set.maxRunning !== undefined) parts.push(`at most ${set.maxRunning} running${set.maxRunningLabel ? ` (per ${set.maxRunningLabel})` : ""}`);
  if (set.after && set.after.length > 0) parts.push(`after ${set.after.join(", ")}`);
  if (set.afterJobs && set.afterJobs.length > 0) parts.push(`after job${set.afterJobs.length > 1 ? "s" : ""} ${set.afterJobs.join(", ")}`);
  if (set.notify !== undefined) parts.push(`notify ${set.notify}`);
  return `${set.title}: ${parts.join(", ")}\n`;
}

/** The plan for people: per set a header, then one row per session. */
export function renderPlanTable(plan: BatchPlan): string {
  if (plan.sets.length === 0) return "No sessions: the file queues no jobs.\n";
  return plan.sets.map((set) => setHeader(set) + renderTable(
    ["NAME", "CORES", "RAM", "DISK", "GPUS", "WALLTIME", "STDOUT", "COMMAND"],
    set.sessions.map((s) => [s.name, cell(s.cores), cell(s.ram), cell(s.disk), cell(s.gpus), cell(s.walltime), s.stdout ?? "-", commandText(s)]),
  )).join("\n");
}

/** Prints what would be created: a table, or the whole plan as JSON or YAML. */
export function printPlan(plan: BatchPlan, format: OutputFormat): void {
  process.stdout.write(format === "table" ? renderPlanTable(plan) : renderData(plan, format));
}
