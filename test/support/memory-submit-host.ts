import type { SubmitHost } from "../../src/batch-files/submit-host.js";

/** A shell glob as a regular expression over one path (no `/` crossing). */
function globRegExp(pattern: string): RegExp {
  let re = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "*") re += "[^/]*";
    else if (c === "?") re += "[^/]";
    else if (c === "[") {
      const end = pattern.indexOf("]", i + 1);
      re += end < 0 ? "\\[" : `[${pattern.slice(i + 1, end).replace(/^!/, "^")}]`;
      if (end >= 0) i = end;
    } else re += c.replace(/[.+^${}()|\\]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}

/**
 * A submitting machine in memory for translator tests: files by absolute path (a
 * directory exists when a file is under it), and an environment.
 */
export function memoryHost(files: Record<string, string>, env: Record<string, string> = {}): SubmitHost {
  const dirs = new Set<string>();
  for (const path of Object.keys(files)) {
    const parts = path.split("/");
    for (let i = 2; i < parts.length; i++) dirs.add(parts.slice(0, i).join("/"));
  }
  return {
    env,
    readFile: (path) => files[path],
    glob(pattern, dir, kind) {
      const re = globRegExp(pattern);
      const candidates = [...(kind === "dirs" ? [] : Object.keys(files)), ...(kind === "files" ? [] : dirs)];
      return candidates
        .filter((p) => p.startsWith(`${dir}/`))
        .map((p) => p.slice(dir.length + 1))
        .filter((rel) => re.test(rel))
        .sort();
    },
  };
}
