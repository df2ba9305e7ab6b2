/** POSIX path arithmetic without node:path, so the translators stay free of I/O modules. */

/** Resolves `.` and `..` and repeated slashes in an absolute path. */
export function normalizePath(path: string): string {
  const parts: string[] = [];
  for (const part of path.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") parts.pop();
    else parts.push(part);
  }
  return `/${parts.join("/")}`;
}

/** `path` if absolute, else `path` relative to the absolute directory `base`. */
export const resolvePath = (base: string, path: string): string => normalizePath(path.startsWith("/") ? path : `${base}/${path}`);

/** The directory part: `/a/b/c.txt` → `/a/b`, `c.txt` → `.`. */
export function dirName(path: string): string {
  const at = path.replace(/\/+$/, "").lastIndexOf("/");
  if (at < 0) return ".";
  return at === 0 ? "/" : path.slice(0, at);
}

/** The last part: `/a/b/c.txt` → `c.txt`. */
export const baseName = (path: string): string => path.replace(/\/+$/, "").split("/").pop() ?? "";
