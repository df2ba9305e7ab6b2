import { readdirSync, readFileSync, statSync } from "node:fs";
import type { SubmitHost } from "../batch-files/submit-host.js";
import { cliEnvironment } from "./cli-environment.js";

/** A shell glob segment as a regular expression; a leading dot must be matched literally, as in sh. */
function segmentRegExp(segment: string): RegExp {
  let re = "";
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i]!;
    if (c === "*") re += "[^/]*";
    else if (c === "?") re += "[^/]";
    else if (c === "[") {
      const end = segment.indexOf("]", i + 2);
      if (end < 0) re += "\\[";
      else {
        re += `[${segment.slice(i + 1, end).replace(/^!/, "^").replace(/\\/g, "\\\\")}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, "\\$&");
  }
  return new RegExp(`^${segment.startsWith(".") ? "" : "(?!\\.)"}${re}$`);
}

const hasWildcard = (segment: string): boolean => /[*?[]/.test(segment);

function kindOf(path: string): "files" | "dirs" | undefined {
  try {
    const s = statSync(path);
    return s.isDirectory() ? "dirs" : s.isFile() ? "files" : undefined;
  } catch {
    return undefined;
  }
}

/** Paths relative to `dir` matching `pattern`, segment by segment, sorted. */
export function globRelative(pattern: string, dir: string, kind: "files" | "dirs" | "any"): string[] {
  let matches = [""];
  for (const segment of pattern.split("/").filter((s) => s !== "" && s !== ".")) {
    const next: string[] = [];
    for (const base of matches) {
      const abs = base === "" ? dir : `${dir}/${base}`;
      if (!hasWildcard(segment)) {
        next.push(base === "" ? segment : `${base}/${segment}`);
        continue;
      }
      let names: string[] = [];
      try {
        names = readdirSync(abs);
      } catch {
        continue;
      }
      const re = segmentRegExp(segment);
      for (const name of names) if (re.test(name)) next.push(base === "" ? name : `${base}/${name}`);
    }
    matches = next;
  }
  return matches
    .filter((m) => m !== "")
    .filter((m) => {
      const k = kindOf(`${dir}/${m}`);
      return k !== undefined && (kind === "any" || k === kind);
    })
    .sort();
}

/** The submitting machine as the translators see it: this machine's files and this process's environment. */
export function localSubmitHost(env: NodeJS.ProcessEnv = cliEnvironment()): SubmitHost {
  return {
    env,
    readFile(path) {
      try {
        return readFileSync(path, "utf8");
      } catch {
        return undefined;
      }
    },
    glob: globRelative,
  };
}
