import { split } from "shlex";
import { invalid } from "./errors.js";

/**
 * Splits a parameter into argv words the way a POSIX shell splits words: blanks
 * separate words, single and double quotes group, backslash escapes. Nothing is
 * expanded (`$HOME` stays `$HOME`), no globbing, and `|`, `>`, `;` are ordinary
 * characters: the words go to the container as argv and never through a shell.
 *
 * @throws AppError VALIDATION_FAILED naming `parameter` when a quote is not closed.
 */
export function splitWords(value: string, parameter: string): string[] {
  try {
    return split(value);
  } catch (e) {
    const why = e instanceof Error ? e.message.replace(/^Got EOF while in an? /, "") : "bad quoting";
    throw invalid(
      `Invalid value for '${parameter}': unbalanced quoting (${why}). Words are split as a POSIX shell splits them; close every ' and " and do not end with a lone \\.`,
      { parameter },
    );
  }
}
