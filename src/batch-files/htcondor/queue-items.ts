import { resolvePath } from "../posix-path.js";
import type { SubmitHost } from "../submit-host.js";
import { QueueSyntaxError, sliceIndexes, type QueueStatement } from "./queue-statement.js";
import type { ItemLine } from "./submit-statements.js";

/**
 * The jobs a queue statement makes, before macros: for each selected item, `count`
 * jobs, each with the item's variables and HTCondor's automatic `Step`, `ItemIndex`
 * and `Row`.
 */
export interface QueuedJob {
  /** Variable name as written → value. */
  readonly variables: ReadonlyMap<string, string>;
  /** 0 … count-1 within the item. */
  readonly step: number;
  /** The item's index in the whole list (a slice keeps the original indexes). */
  readonly itemIndex: number;
  /** The line of the list the item is on (0-based); the item index for one-line lists. */
  readonly row: number;
}

/** The most jobs one queue statement may make: far above any server's limit, low enough to stay quick. */
export const MAX_QUEUED_JOBS = 100_000;

interface Item {
  readonly text: string;
  readonly row: number;
}

const isCommentLine = (text: string): boolean => /^\s*#/.test(text) || text.trim() === "";

/** Items of `in` and `matching` lists: separated by commas and/or spaces, several per line. */
function listItems(lines: readonly ItemLine[]): Item[] {
  const oneLine = lines.length === 1;
  const out: Item[] = [];
  lines.filter((l) => !isCommentLine(l.text)).forEach((l, row) => {
    for (const text of l.text.split(/[\s,]+/).filter((t) => t !== "")) out.push({ text, row: oneLine ? out.length : row });
  });
  return out;
}

/** One item per non-blank, non-comment line (`from`). */
const lineItems = (lines: readonly string[]): Item[] => lines.filter((t) => !isCommentLine(t)).map((text, row) => ({ text: text.trim(), row }));

/** Splits a `from` line into one value per variable: on commas and/or spaces, the last variable taking the rest. */
export function splitFromLine(text: string, count: number): string[] {
  const values: string[] = [];
  let rest = text.trim();
  for (let i = 0; i < count - 1; i++) {
    const m = /^([^\s,]*)[\s,]*/.exec(rest)!;
    values.push(m[1]!);
    rest = rest.slice(m[0].length);
  }
  values.push(rest.trim());
  return values;
}

function itemsOf(q: QueueStatement, host: SubmitHost, submitDir: string): Item[] {
  const source = q.source!;
  if (source.kind === "in") return listItems(source.lines);
  if (source.kind === "matching") {
    const patterns = listItems(source.lines).map((i) => i.text);
    // Sorted and without duplicates, so two patterns matching the same file make one job.
    const names = [...new Set(patterns.flatMap((p) => host.glob(p, submitDir, source.select)))];
    return names.map((text, row) => ({ text, row }));
  }
  if (source.lines) return lineItems(source.lines.map((l) => l.text));
  const path = resolvePath(submitDir, source.file!);
  const text = host.readFile(path);
  if (text === undefined) throw new QueueSyntaxError(`the item file ${path} does not exist or cannot be read`, "check the file name; a relative name is read from the directory you submit from.");
  return lineItems(text.replace(/\r\n?/g, "\n").split("\n"));
}

/** Every job of a queue statement, in HTCondor's order (items in order, `count` jobs each). */
export function queuedJobs(q: QueueStatement, host: SubmitHost, submitDir: string): QueuedJob[] {
  if (!q.source) {
    if (q.count > MAX_QUEUED_JOBS) throw new QueueSyntaxError(`queue ${q.count} makes more than ${MAX_QUEUED_JOBS} jobs`, "split the work into fewer, larger jobs.");
    return Array.from({ length: q.count }, (_, step) => ({ variables: new Map(), step, itemIndex: 0, row: 0 }));
  }
  const items = itemsOf(q, host, submitDir);
  const selected = sliceIndexes(items.length, q.source.slice);
  if (selected.length * q.count > MAX_QUEUED_JOBS) throw new QueueSyntaxError(`the queue statement makes ${selected.length * q.count} jobs, more than ${MAX_QUEUED_JOBS}`, "split the work into fewer, larger jobs.");
  const jobs: QueuedJob[] = [];
  for (const index of selected) {
    const item = items[index]!;
    const values = q.source.kind === "from" ? splitFromLine(item.text, q.variables.length) : [item.text];
    const variables = new Map(q.variables.map((v, i) => [v, values[i] ?? ""] as const));
    for (let step = 0; step < q.count; step++) jobs.push({ variables, step, itemIndex: index, row: item.row });
  }
  return jobs;
}
