/**
 * What a translator may learn from the machine it is run on, handed in so the
 * translators stay pure functions: files and directories of the submit side (for
 * `queue … from FILE`, `queue … matching`, `include`, DAG node files) and the
 * submitter's environment (`getenv`, `$ENV()`, `--export`).
 */
export interface SubmitHost {
  /** The text of the file at this absolute local path, or undefined when there is none. */
  readFile(path: string): string | undefined;
  /**
   * Paths relative to `dir` that match a shell glob (`*`, `?`, `[…]`; `/` separates
   * directories), sorted, of the kind asked for. A pattern without wildcards matches
   * the path itself when it exists.
   */
  glob(pattern: string, dir: string, kind: "files" | "dirs" | "any"): string[];
  /** The submitter's environment. */
  readonly env: Readonly<Record<string, string | undefined>>;
}
