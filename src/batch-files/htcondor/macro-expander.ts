import type { MacroContext } from "./macro-context.js";
import { callMacroFunction, MACRO_FUNCTIONS } from "./macro-functions.js";

/**
 * HTCondor's textual substitution in submit files: `$(name)`, `$(name:default)`,
 * `$(DOLLAR)`, the function macros (`$ENV()`, `$INT()`, `$Fnx()`, …), expanded
 * recursively as condor_submit does when it queues a job. `$$(attr)` is the machine's
 * ClassAd at match time, which skyrun never has: refused.
 */

/** Deeper than this is a macro defined in terms of itself. */
const MAX_DEPTH = 40;

/** The index just past the `)` matching the `(` at `open`, or -1. */
export function closingParen(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === "(") depth++;
    else if (text[i] === ")" && --depth === 0) return i + 1;
  }
  return -1;
}

/** Expands every macro in `text`. */
export function expandMacros(text: string, ctx: MacroContext): string {
  return expand(text, ctx, 0);
}

function expand(text: string, ctx: MacroContext, depth: number): string {
  if (!text.includes("$")) return text;
  if (depth > MAX_DEPTH) ctx.refuse(text, "a macro is defined in terms of itself and never ends", "give the macro a base value first (foo = bar, then foo = $(foo) baz).");
  let out = "";
  let i = 0;
  while (i < text.length) {
    const dollar = text.indexOf("$", i);
    if (dollar < 0) {
      out += text.slice(i);
      break;
    }
    out += text.slice(i, dollar);
    const step = expandAt(text, dollar, ctx, depth);
    out += step.text;
    i = step.next;
  }
  return out;
}

/** Expands the macro starting at the `$` at `at`; a `$` that starts none is itself. */
function expandAt(text: string, at: number, ctx: MacroContext, depth: number): { text: string; next: number } {
  if (text.startsWith("$$(", at)) {
    const end = closingParen(text, at + 2);
    const inner = end < 0 ? "" : text.slice(at + 3, end - 1);
    if (inner.toUpperCase() === "DOLLARDOLLAR") return { text: "$$", next: end };
    return ctx.refuse(text.slice(at, end < 0 ? undefined : end), "$$() takes its value from the machine a job is matched to, and skyrun has no machine ClassAds", "put the value in the submit file, or compute it inside the job.");
  }
  if (text.startsWith("$(", at)) {
    const end = closingParen(text, at + 1);
    if (end < 0) return ctx.refuse(text.slice(at), "the macro reference has no closing ')'", "close it: $(name).");
    return { text: expandReference(text.slice(at + 2, end - 1), ctx, depth), next: end };
  }
  const fn = /^\$([A-Za-z_]+)\(/.exec(text.slice(at));
  if (fn && MACRO_FUNCTIONS.has(fn[1]!) || fn && /^F[fpduwnxbqa]+$/.test(fn[1]!)) {
    const open = at + fn[0].length - 1;
    const end = closingParen(text, open);
    if (end < 0) return ctx.refuse(text.slice(at), `$${fn[1]!}( has no closing ')'`, `close it: $${fn[1]!}(…).`);
    const args = splitArguments(text.slice(open + 1, end - 1));
    return { text: callMacroFunction(fn[1]!, args, { ...ctx, expand: (t) => expand(t, ctx, depth + 1) }), next: end };
  }
  return { text: "$", next: at + 1 };
}

/** `name` or `name:default`. */
function expandReference(inner: string, ctx: MacroContext, depth: number): string {
  const colon = inner.indexOf(":");
  const name = (colon < 0 ? inner : inner.slice(0, colon)).trim();
  if (name.toUpperCase() === "DOLLAR") return "$";
  const raw = ctx.lookup(name);
  if (raw !== undefined) return expand(raw, ctx, depth + 1);
  if (colon >= 0) return expand(inner.slice(colon + 1), ctx, depth + 1);
  ctx.note(`$(${name}) is not defined; it expands to nothing, as in HTCondor`);
  return "";
}

/** Splits function arguments on commas outside parentheses, trimming each. */
export function splitArguments(text: string): string[] {
  const args: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === "(") depth++;
    else if (text[i] === ")") depth--;
    else if (text[i] === "," && depth === 0) {
      args.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  args.push(text.slice(start).trim());
  return args;
}
