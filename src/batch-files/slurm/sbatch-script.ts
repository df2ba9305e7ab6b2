import type { Refuse } from "../batch-file-error.js";

/**
 * A batch script as sbatch reads it: the interpreter line, then `#SBATCH` directives
 * until the first line that is neither a comment nor blank (later `#SBATCH` lines are
 * comments, as in Slurm).
 */
export interface SbatchScript {
  /** The `#!` line split into words, e.g. `["/bin/bash", "-l"]`. */
  readonly interpreter: readonly string[];
  readonly directives: readonly Directive[];
  /** Lines after the directives, for notes on commands a container will not have. */
  readonly body: readonly { readonly line: number; readonly text: string }[];
}

/** One `#SBATCH` line's words (quotes removed, a trailing `# comment` dropped). */
export interface Directive {
  readonly line: number;
  readonly text: string;
  readonly words: readonly string[];
}

/** Splits a directive's text into words as a shell would: spaces separate, quotes group, `#` at a word's start begins a comment. */
export function splitDirectiveWords(text: string): string[] | undefined {
  const words: string[] = [];
  let word = "";
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"' || c === "'") {
      const end = text.indexOf(c, i + 1);
      if (end < 0) return undefined;
      word += text.slice(i + 1, end);
      inWord = true;
      i = end;
    } else if (c === "\\" && i + 1 < text.length) {
      word += text[++i]!;
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
    } else if (c === "#" && !inWord) {
      break;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}

/** Reads the interpreter line and the directives; refuses a script without `#!`, as sbatch does. */
export function readSbatchScript(text: string, refuse: Refuse): SbatchScript {
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  const first = lines[0] ?? "";
  if (!first.startsWith("#!")) refuse(1, first.slice(0, 40), "this does not look like a batch script: the first line must start with #! and an interpreter", "start the script with #!/bin/bash (or the shell it is written for).");
  const interpreter = first.slice(2).trim().split(/\s+/).filter((w) => w !== "");
  const directives: Directive[] = [];
  let i = 1;
  for (; i < lines.length; i++) {
    const t = lines[i]!.trim();
    if (t === "") continue;
    if (!t.startsWith("#")) break;
    const m = /^#SBATCH(?:\s+(.*))?$/.exec(t);
    if (!m) continue;
    const words = splitDirectiveWords(m[1] ?? "");
    if (!words) refuse(i + 1, t, "a quote is not closed", "close the quote.");
    directives.push({ line: i + 1, text: t, words });
  }
  const body = lines.slice(i).map((t, k) => ({ line: i + k + 1, text: t }));
  return { interpreter, directives, body };
}
