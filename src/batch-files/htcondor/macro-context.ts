/** What macro expansion may consult: the macros in scope, the environment, and the line it works on. */
export interface MacroContext {
  /** The raw (unexpanded) value of a macro, by name as written; undefined when not defined. */
  lookup(name: string): string | undefined;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The submitting directory, for `$Ff()`. */
  readonly submitDir: string;
  /** A number in [0, 1), for `$RANDOM_CHOICE()` and `$RANDOM_INTEGER()`. */
  random(): number;
  /** Refuses the current line: what, why, what to do. */
  refuse(construct: string, reason: string, hint: string): never;
  /** A note on the current line. */
  note(message: string): void;
}
