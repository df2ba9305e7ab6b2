/**
 * The macro table of a submit description as condor_submit builds it line by line:
 * commands and user macros in one case-insensitive namespace, `+Attr` / `MY.Attr`
 * ClassAd attributes beside it. Values are kept raw (expanded per job when queued),
 * except that a definition referring to its own name takes the previous value then
 * (`foo = $(foo) bar`), as HTCondor documents.
 */
export interface MacroDefinition {
  readonly value: string;
  readonly line: number;
  /** The name as written, for messages. */
  readonly name: string;
}

/** Other spellings condor_submit accepts for the same command. */
const ALIASES: Readonly<Record<string, string>> = {
  initial_dir: "initialdir",
  requestcpus: "request_cpus",
  requestmemory: "request_memory",
  requestdisk: "request_disk",
  requestgpus: "request_gpus",
  jobbatchname: "batch_name",
  maxretries: "max_retries",
  jobmaxretries: "max_retries",
};

/** The table key for a command or macro name. */
export const macroKey = (name: string): string => {
  const lower = name.toLowerCase();
  return ALIASES[lower] ?? lower;
};

const selfReference = (key: string): RegExp => new RegExp(`\\$\\(\\s*${key.replace(/[.]/g, "\\.")}\\s*(:[^)]*)?\\)`, "gi");

export class SubmitMacros {
  private readonly macros = new Map<string, MacroDefinition>();
  private readonly attributes = new Map<string, MacroDefinition>();

  /** Defines a command or macro (`name = value`) or, for `+Attr` and `MY.Attr`, a ClassAd attribute. */
  define(name: string, value: string, line: number): void {
    const attr = /^(?:\+|my\.)(.+)$/i.exec(name);
    if (attr) {
      this.attributes.set(attr[1]!.toLowerCase(), { value, line, name: attr[1]! });
      return;
    }
    const key = macroKey(name);
    const previous = this.macros.get(key);
    // HTCondor expands a self-reference at definition time; without a previous value it stays empty.
    const resolved = value.replace(selfReference(name), (_m, fallback: string | undefined) => previous?.value ?? fallback?.slice(1) ?? "");
    this.macros.set(key, { value: resolved, line, name });
  }

  /** The raw definition of a command or macro, by any spelling. */
  get(name: string): MacroDefinition | undefined {
    return this.macros.get(macroKey(name));
  }

  has(name: string): boolean {
    return this.macros.has(macroKey(name));
  }

  /** Every command or macro defined so far, by table key. */
  entries(): [string, MacroDefinition][] {
    return [...this.macros];
  }

  /** The `+Attr` / `MY.Attr` attributes, by lower-case name, in definition order. */
  attributeEntries(): [string, MacroDefinition][] {
    return [...this.attributes];
  }
}
