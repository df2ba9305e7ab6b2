import { evaluateArithmetic } from "./arithmetic.js";
import type { ItemLine } from "./submit-statements.js";

/**
 * A `queue` statement, read: how many jobs per item, the variables each item sets and
 * where the items come from. The forms (condor_submit's manual):
 *   queue [N]
 *   queue [N] [var] in [slice] item, item … | ( lines )
 *   queue [N] [var] matching [files|dirs] [slice] glob … | ( lines )
 *   queue [N] [var, var …] from [slice] FILE | ( lines )
 */
export interface QueueStatement {
  /** Jobs per item. @defaultValue 1 */
  readonly count: number;
  /** Variables each item sets; `Item` when the statement names none. */
  readonly variables: readonly string[];
  readonly source?: QueueSource;
}

export type QueueSource =
  | { readonly kind: "in"; readonly slice?: Slice; readonly lines: readonly ItemLine[] }
  | { readonly kind: "matching"; readonly slice?: Slice; readonly select: "files" | "dirs" | "any"; readonly lines: readonly ItemLine[] }
  | { readonly kind: "from"; readonly slice?: Slice; readonly lines?: readonly ItemLine[]; readonly file?: string };

/** A Python slice `[start:stop:step]`; negative start and stop count from the end, step is positive. */
export interface Slice {
  readonly start?: number;
  readonly stop?: number;
  readonly step: number;
}

/** Why a queue statement cannot be read; the caller names the line. */
export class QueueSyntaxError extends Error {
  override name = "QueueSyntaxError";
  constructor(message: string, readonly hint: string) {
    super(message);
  }
}

const VARIABLE = /^[A-Za-z_][A-Za-z0-9_.]*$/;
const SLICE = /^\[\s*(-?\d*)\s*:\s*(-?\d*)\s*(?::\s*(\d*)\s*)?\]\s*/;

function parseSlice(text: string): { slice?: Slice; rest: string } {
  if (!text.startsWith("[")) return { rest: text };
  const m = SLICE.exec(text);
  if (!m) throw new QueueSyntaxError(`${JSON.stringify(`${text.split("]")[0] ?? text}]`)} is not a slice`, "write a Python slice such as [2:10] or [::2]; negative steps are not supported.");
  const num = (s: string | undefined) => (s === undefined || s === "" ? undefined : Number(s));
  const step = num(m[3]) ?? 1;
  if (step <= 0) throw new QueueSyntaxError("a slice step must be positive", "give a step of 1 or more.");
  const start = num(m[1]);
  const stop = num(m[2]);
  return { slice: { ...(start !== undefined ? { start } : {}), ...(stop !== undefined ? { stop } : {}), step }, rest: text.slice(m[0].length) };
}

/** The count and variables before the keyword: `3`, `2*5 x`, `input, arguments`. */
function parseHead(head: string): { count: number; variables: string[] } {
  const countText = /^[\d\s+\-*/()%.]*/.exec(head)![0];
  const trimmedCount = countText.trim();
  const count = trimmedCount === "" ? 1 : evaluateArithmetic(trimmedCount);
  if (count === undefined || !Number.isInteger(count) || count < 0) throw new QueueSyntaxError(`${JSON.stringify(trimmedCount)} is not a number of jobs`, "give a whole number (or arithmetic of whole numbers) of 0 or more.");
  const variables = head.slice(countText.length).split(/[\s,]+/).filter((v) => v !== "");
  for (const v of variables) if (!VARIABLE.test(v)) throw new QueueSyntaxError(`${JSON.stringify(v)} is not a variable name`, "name variables with letters, digits and '_', starting with a letter.");
  return { count, variables };
}

/** Items written on the queue line itself, as one item line. */
const inlineLines = (text: string, line: number): ItemLine[] => {
  const inner = /^\((.*)\)$/s.exec(text.trim());
  const items = inner ? inner[1]! : text;
  return items.trim() === "" ? [] : [{ line, text: items }];
};

/** Reads a queue statement whose arguments were already macro-expanded. */
export function parseQueueStatement(args: string, line: number, block?: readonly ItemLine[]): QueueStatement {
  const m = /^(.*?)(?:^|\s|,)(in|matching|from)(?:\s+|$|(?=[[(]))(.*)$/is.exec(args);
  if (!m) {
    const { count, variables } = parseHead(args);
    if (variables.length > 0) throw new QueueSyntaxError(`"queue ${args}" names variables but no items`, "add in, matching or from with the items, e.g. queue name in (a, b).");
    if (block) throw new QueueSyntaxError("a list of items follows a queue statement without in, matching or from", "write queue VAR in ( … ) or queue VAR from ( … ).");
    return { count, variables: [] };
  }
  const { count, variables } = parseHead(m[1]!);
  const keyword = m[2]!.toLowerCase() as "in" | "matching" | "from";
  let rest = m[3]!.trim();
  let select: "files" | "dirs" | "any" = "any";
  if (keyword === "matching") {
    const kind = /^(files|dirs)\b\s*/i.exec(rest);
    if (kind) {
      select = kind[1]!.toLowerCase() as "files" | "dirs";
      rest = rest.slice(kind[0].length);
    }
  }
  const { slice, rest: items } = parseSlice(rest);
  const vars = variables.length > 0 ? variables : ["Item"];
  if (keyword !== "from" && variables.length > 1) throw new QueueSyntaxError(`queue … ${keyword} sets one variable, and this names ${variables.length}`, "use queue VAR1, VAR2 from ( … ) to set several variables per item.");
  const lines = block ?? inlineLines(items, line);
  const sliced = slice ? { slice } : {};
  if (keyword === "in") return { count, variables: vars, source: { kind: "in", ...sliced, lines } };
  if (keyword === "matching") return { count, variables: vars, source: { kind: "matching", ...sliced, select, lines } };
  if (block) return { count, variables: vars, source: { kind: "from", ...sliced, lines: block } };
  if (items === "") throw new QueueSyntaxError("queue … from names no file and no list of lines", "give a file name, or ( on this line and the items on the lines after it.");
  if (items.endsWith("|")) throw new QueueSyntaxError("queue … from a command's output is not translated (skyrun runs nothing on the submitting machine)", "run the command yourself, save its output to a file and queue from that file.");
  return { count, variables: vars, source: { kind: "from", ...sliced, file: items } };
}

/** The positions a slice selects from `length` items, in order. */
export function sliceIndexes(length: number, slice: Slice | undefined): number[] {
  const clamp = (v: number | undefined, fallback: number) => (v === undefined ? fallback : v < 0 ? Math.max(0, length + v) : Math.min(length, v));
  const start = clamp(slice?.start, 0);
  const stop = clamp(slice?.stop, length);
  const out: number[] = [];
  for (let i = start; i < stop; i += slice?.step ?? 1) out.push(i);
  return out;
}
