import type { Refuse } from "../batch-file-error.js";

/**
 * The `if` / `elif` / `else` / `endif` of submit files. A condition is `[!]defined
 * NAME`, a boolean word (`true`, `yes`, `1`, `false`, `no`, `0`), or a macro reference
 * expanded to one (empty is false). Version tests are refused: skyrun is not an
 * HTCondor version.
 */
export class ConditionalStack {
  private readonly frames: { active: boolean; taken: boolean; parentActive: boolean; line: number }[] = [];

  /** True while the statements read are in effect (every enclosing branch taken). */
  get active(): boolean {
    return this.frames.every((f) => f.active);
  }

  enter(kind: "if" | "elif" | "else" | "endif", line: number, test: () => boolean, refuse: Refuse): void {
    if (kind === "if") {
      const parentActive = this.active;
      const value = parentActive && test();
      this.frames.push({ active: value, taken: value, parentActive, line });
      return;
    }
    const top = this.frames[this.frames.length - 1];
    if (!top) refuse(line, kind, `${kind} without an if before it`, "open the block with if <condition>.");
    if (kind === "endif") {
      this.frames.pop();
      return;
    }
    if (kind === "else") {
      top.active = top.parentActive && !top.taken;
      top.taken = true;
      return;
    }
    const value = top.parentActive && !top.taken && test();
    top.active = value;
    top.taken ||= value;
  }

  /** Refuses an `if` left open at the end of the file. */
  close(refuse: Refuse): void {
    const open = this.frames[0];
    if (open) refuse(open.line, "if", "this if has no endif", "close it with endif.");
  }
}

/** Evaluates one condition; `isDefined` and `expand` see the macros as they are at this line. */
export function evaluateCondition(condition: string, isDefined: (name: string) => boolean, expand: (text: string) => string, line: number, refuse: Refuse): boolean {
  const negated = condition.startsWith("!");
  const body = negated ? condition.slice(1).trim() : condition;
  let value: boolean;
  const defined = /^defined\s+([A-Za-z_][A-Za-z0-9_.]*)$/i.exec(body);
  if (defined) value = isDefined(defined[1]!);
  else if (/^version\b/i.test(body)) return refuse(line, `if ${condition}`, "skyrun is not an HTCondor version, so a version test has no answer", "keep only the branch meant for a current HTCondor.");
  else {
    const word = expand(body).trim().toLowerCase();
    if (/^(true|yes|1)$/.test(word)) value = true;
    else if (/^(false|no|0|)$/.test(word)) value = false;
    else return refuse(line, `if ${condition}`, `${JSON.stringify(word)} is not a simple boolean, and HTCondor allows no other conditions`, "test defined NAME, or a macro holding true or false.");
  }
  return negated ? !value : value;
}
