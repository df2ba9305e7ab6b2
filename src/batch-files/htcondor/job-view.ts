import type { Refuse } from "../batch-file-error.js";
import type { NoteList } from "../plan.js";
import { expandMacros } from "./macro-expander.js";
import type { SubmitMacros } from "./submit-macros.js";

/** A command's value for one job, expanded, with the line that defined it. */
export interface JobValue {
  readonly text: string;
  readonly line: number;
  /** The name as written in the file. */
  readonly name: string;
}

/** The commands of one queued job, expanded as condor_submit expands them for that job. */
export interface JobView {
  readonly file: string;
  /** The expanded value of a command or macro; undefined when the file does not set it. */
  value(name: string): JobValue | undefined;
  /** The `+Attr` / `MY.Attr` attributes, expanded, in definition order. */
  attributes(): JobValue[];
  readonly refuse: Refuse;
  note(line: number, message: string): void;
}

/** HTCondor's numbers for one job; the queue statement's own variables. */
export interface JobNumbers {
  readonly cluster: number;
  readonly process: number;
  readonly step: number;
  readonly itemIndex: number;
  readonly row: number;
  readonly variables: ReadonlyMap<string, string>;
  /** The line of the queue statement, for values its variables set. */
  readonly queueLine: number;
}

export interface JobViewContext {
  readonly file: string;
  /** The submit file's path as HTCondor's `$(SUBMIT_FILE)` gives it. */
  readonly submitFile: string;
  readonly submitDir: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly random: () => number;
  readonly refuse: Refuse;
  readonly notes: NoteList;
}

/** What condor_submit defines before reading a file, for the Linux containers skyrun runs. */
const MACHINE_MACROS: Readonly<Record<string, string>> = { arch: "X86_64", opsys: "LINUX", islinux: "true", iswindows: "false", node: "" };

/**
 * A view of the macro table for one job. Lookup order: `Cluster`/`Process` (always
 * the job's), the queue statement's variables, the file's macros, the other automatic
 * variables (`Step`, `ItemIndex`, `Row`, which the file may override), then the
 * machine's.
 */
export function createJobView(macros: SubmitMacros, numbers: JobNumbers, ctx: JobViewContext): JobView {
  const forced: Record<string, string> = { cluster: String(numbers.cluster), clusterid: String(numbers.cluster), process: String(numbers.process), procid: String(numbers.process) };
  const automatic: Record<string, string> = { step: String(numbers.step), itemindex: String(numbers.itemIndex), row: String(numbers.row), submit_file: ctx.submitFile };
  const variables = new Map([...numbers.variables].map(([k, v]) => [k.toLowerCase(), v] as const));
  const lookup = (name: string): string | undefined => {
    const key = name.toLowerCase();
    return forced[key] ?? variables.get(key) ?? macros.get(name)?.value ?? automatic[key] ?? MACHINE_MACROS[key];
  };
  const expandOn = (text: string, line: number): string => expandMacros(text, {
    lookup,
    env: ctx.env,
    submitDir: ctx.submitDir,
    random: ctx.random,
    refuse: (construct, reason, hint) => ctx.refuse(line, construct, reason, hint),
    note: (message) => ctx.notes.add(ctx.file, line, message),
  });
  return {
    file: ctx.file,
    value(name) {
      const key = name.toLowerCase();
      const fromQueue = variables.get(key);
      const def = macros.get(name);
      if (fromQueue !== undefined) return { text: expandOn(fromQueue, numbers.queueLine).trim(), line: numbers.queueLine, name };
      if (!def) return undefined;
      return { text: expandOn(def.value, def.line).trim(), line: def.line, name: def.name };
    },
    attributes: () => macros.attributeEntries().map(([, def]) => ({ text: expandOn(def.value, def.line).trim(), line: def.line, name: def.name })),
    refuse: ctx.refuse,
    note: (line, message) => ctx.notes.add(ctx.file, line, message),
  };
}
