/**
 * A construct of a batch file that skyrun cannot translate, or a line it cannot read:
 * which file, which line, what, and what to do instead. The translators throw it at the
 * first such line, so nothing is submitted from a file that would run differently.
 */
export class BatchFileError extends Error {
  override name = "BatchFileError";
  constructor(
    readonly file: string,
    /** 1-based; 0 when the problem is the file as a whole. */
    readonly line: number,
    /** The construct as written, e.g. `universe = grid`. */
    readonly construct: string,
    /** Why it cannot be translated: a sentence. */
    readonly reason: string,
    /** What to do instead: a sentence. */
    readonly hint: string,
  ) {
    super(`${file}${line > 0 ? `:${line}` : ""}: ${construct}: ${reason}`);
  }

  /** The message with its hint on a second line, for people. */
  get report(): string {
    return `${this.message}\n  hint: ${this.hint}`;
  }
}

/** A throw-site helper that keeps the file name for the many checks in one file. */
export type Refuse = (line: number, construct: string, reason: string, hint: string) => never;

export const refuserFor = (file: string): Refuse => (line, construct, reason, hint) => {
  throw new BatchFileError(file, line, construct, reason, hint);
};
