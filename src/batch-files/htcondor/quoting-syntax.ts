/**
 * The two syntaxes of HTCondor's `arguments` and `environment` commands.
 *
 * New syntax (the value is enclosed in double quotes): `""` is a literal `"`; spaces and
 * tabs (and the line breaks of a multi-line value) separate words; single quotes group a word with spaces, `''` inside them is a
 * literal `'`; backslash is an ordinary character.
 * Old syntax (no enclosing double quotes): `arguments` splits on spaces and tabs with
 * `\"` for a literal `"`; `environment` splits on `;` and takes everything else
 * literally.
 */

/** Why a value cannot be read; the caller names the line. */
export class QuotingError extends Error {
  override name = "QuotingError";
}

const isNewSyntax = (value: string): boolean => value.trimStart().startsWith('"');

/** The inside of a new-syntax value, with `""` turned into `"`. */
function unwrapNewSyntax(value: string): string {
  const v = value.trim();
  if (v.length < 2 || !v.endsWith('"')) throw new QuotingError("the value starts with a double quote (the new syntax) but does not end with one");
  const inner = v.slice(1, -1);
  let out = "";
  for (let i = 0; i < inner.length; i++) {
    const c = inner[i]!;
    if (c !== '"') {
      out += c;
      continue;
    }
    if (inner[i + 1] !== '"') throw new QuotingError('a double quote inside the new syntax must be doubled ("")');
    out += '"';
    i++;
  }
  return out;
}

/** Words separated by spaces or tabs, single quotes grouping (with `''` a literal quote). */
function splitQuotedWords(text: string): string[] {
  const words: string[] = [];
  let word = "";
  let inWord = false;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === "'" && text[i + 1] === "'") {
        word += "'";
        i++;
      } else if (c === "'") quoted = false;
      else word += c;
    } else if (c === "'") {
      quoted = true;
      inWord = true;
    } else if (c === " " || c === "\t" || c === "\n" || c === "\r") {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (quoted) throw new QuotingError("a single quote is not closed");
  if (inWord) words.push(word);
  return words;
}

/** The argv of an `arguments` value, in either syntax. */
export function parseArguments(value: string): string[] {
  if (isNewSyntax(value)) return splitQuotedWords(unwrapNewSyntax(value));
  return value.split(/[ \t]+/).filter((w) => w !== "").map((w) => w.replace(/\\"/g, '"'));
}

/** The `[name, value]` entries of an `environment` value, in either syntax. */
export function parseEnvironment(value: string): [string, string][] {
  const entries = isNewSyntax(value) ? splitQuotedWords(unwrapNewSyntax(value)) : value.split(";").filter((e) => e.trim() !== "");
  return entries.map((entry) => {
    const eq = entry.indexOf("=");
    // The old syntax keeps spaces literally; around a name they can only be a slip (`A=1; B=2`).
    const name = entry.slice(0, Math.max(0, eq)).trim();
    if (eq <= 0 || name === "") throw new QuotingError(`${JSON.stringify(entry)} is not name=value`);
    return [name, entry.slice(eq + 1)];
  });
}
