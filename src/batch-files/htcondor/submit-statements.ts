import type { Refuse } from "../batch-file-error.js";

/**
 * Reads an HTCondor submit description into statements, keeping the line each starts
 * on: `name = value` (commands, user macros, `+Attr` and `MY.Attr`), `name @=TAG`
 * multi-line values, `queue …` (with its parenthesised item block), `if`/`elif`/
 * `else`/`endif` and `include : file`. Lines starting with `#` are comments; a line
 * ending in `\` continues on the next. Keywords are case-insensitive.
 */
export type SubmitStatement =
  | { readonly kind: "assign"; readonly line: number; readonly name: string; readonly value: string }
  | { readonly kind: "queue"; readonly line: number; readonly args: string; readonly block?: readonly ItemLine[] }
  | { readonly kind: "if" | "elif"; readonly line: number; readonly condition: string }
  | { readonly kind: "else" | "endif"; readonly line: number }
  | { readonly kind: "include"; readonly line: number; readonly target: string };

type ConditionalStatement = Extract<SubmitStatement, { kind: "if" | "elif" | "else" | "endif" }>;
/** The statements that do something where they stand: definitions, includes and queue statements. */
export type ActionStatement = Exclude<SubmitStatement, ConditionalStatement>;

export const isConditional = (s: SubmitStatement): s is ConditionalStatement => s.kind === "if" || s.kind === "elif" || s.kind === "else" || s.kind === "endif";

/** One line of a `queue … (` block. */
export interface ItemLine {
  readonly line: number;
  readonly text: string;
}

interface LogicalLine {
  readonly line: number;
  readonly text: string;
  /** Index of the physical line after it. */
  readonly next: number;
}

const ASSIGN = /^([+]?[A-Za-z_][A-Za-z0-9_.]*)\s*=\s?(.*)$/s;
const MULTILINE = /^([+]?[A-Za-z_][A-Za-z0-9_.]*)\s*@=\s*(\S+)\s*$/;
const isSkipped = (text: string): boolean => /^\s*#/.test(text) || text.trim() === "";

/** The command starting at physical index `i` or later, with its continuation lines joined; undefined at the end. */
function logicalLine(physical: readonly string[], from: number): LogicalLine | undefined {
  let i = from;
  while (i < physical.length && isSkipped(physical[i]!)) i++;
  if (i >= physical.length) return undefined;
  const start = i;
  let text = physical[i]!;
  while (/\\\s*$/.test(text) && i + 1 < physical.length) {
    i++;
    const next = physical[i]!;
    // A comment line inside a continued command is skipped, as HTCondor's parser does.
    text = text.replace(/\\\s*$/, "") + (/^\s*#/.test(next) ? "\\" : next.replace(/^\s+/, ""));
  }
  return { line: start + 1, text: text.replace(/\\\s*$/, "").trim(), next: i + 1 };
}

/** `queue … (` with no `)` later on the same line opens an item block. */
const opensBlock = (args: string): boolean => {
  const open = args.lastIndexOf("(");
  return open >= 0 && !args.slice(open).includes(")");
};

/** The statements of a submit description. Throws (via `refuse`) on a line that is none of them. */
export function readSubmitStatements(text: string, refuse: Refuse): SubmitStatement[] {
  const physical = text.replace(/\r\n?/g, "\n").split("\n");
  const out: SubmitStatement[] = [];
  for (let next = logicalLine(physical, 0); next !== undefined;) {
    const { line, text: t } = next;
    let resume = next.next;
    const multi = MULTILINE.exec(t);
    const queue = /^queue(?:\s+(.*))?$/is.exec(t);
    if (multi) {
      const end = `@${multi[2]!}`;
      const body: string[] = [];
      while (resume < physical.length && physical[resume]!.trim() !== end) body.push(physical[resume++]!);
      if (resume >= physical.length) refuse(line, t, `the multi-line value has no closing ${end} line`, `end the value with a line holding only ${end}.`);
      out.push({ kind: "assign", line, name: multi[1]!, value: body.join("\n") });
      resume++;
    } else if (queue && opensBlock((queue[1] ?? "").trim())) {
      const args = (queue[1] ?? "").trim();
      const block: ItemLine[] = [];
      while (resume < physical.length && !/^\s*\)/.test(physical[resume]!)) {
        block.push({ line: resume + 1, text: physical[resume]! });
        resume++;
      }
      if (resume >= physical.length) refuse(line, t, "the list of items has no closing ')' line", "end the list with a line that starts with ')'.");
      out.push({ kind: "queue", line, args: args.slice(0, args.lastIndexOf("(")).trim(), block });
      resume++;
    } else if (queue) {
      out.push({ kind: "queue", line, args: (queue[1] ?? "").trim() });
    } else {
      out.push(classify(line, t, refuse));
    }
    next = logicalLine(physical, resume);
  }
  return out;
}

function classify(line: number, t: string, refuse: Refuse): SubmitStatement {
  const cond = /^(if|elif)\s+(.*)$/i.exec(t);
  if (cond) return { kind: cond[1]!.toLowerCase() as "if" | "elif", line, condition: cond[2]!.trim() };
  if (/^else$/i.test(t)) return { kind: "else", line };
  if (/^endif$/i.test(t)) return { kind: "endif", line };
  const include = /^include\s*(command\s*)?:\s*(.*)$/i.exec(t);
  if (include) {
    if (include[1] !== undefined || /\|\s*$/.test(include[2]!)) {
      refuse(line, t, "including the output of a command is not translated (skyrun runs nothing on the submitting machine)", "run the command yourself and include its output as a file.");
    }
    return { kind: "include", line, target: include[2]!.trim() };
  }
  const assign = ASSIGN.exec(t);
  if (assign) return { kind: "assign", line, name: assign[1]!, value: assign[2]!.trim() };
  return refuse(line, t, "this is not a submit command (name = value), a queue statement, a conditional or an include", "check the spelling; HTCondor would not read this line either.");
}
