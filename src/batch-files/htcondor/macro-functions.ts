import { baseName, dirName, resolvePath } from "../posix-path.js";
import { evaluateArithmetic } from "./arithmetic.js";
import type { MacroContext } from "./macro-context.js";

/**
 * HTCondor's function macros in submit files. Names are case-sensitive, as HTCondor
 * documents; `$F` takes any combination of its letters (`$Fnx`, `$Fqa`, …).
 */
export const MACRO_FUNCTIONS: ReadonlySet<string> = new Set(["ENV", "INT", "REAL", "SUBSTR", "CHOICE", "RANDOM_CHOICE", "RANDOM_INTEGER", "BASENAME", "DIRNAME"]);

type FunctionContext = MacroContext & { expand(text: string): string };

/** A macro's expanded value when `arg` names one, else `arg` itself expanded. */
function valueOf(arg: string, ctx: FunctionContext): string {
  if (/^[A-Za-z_][A-Za-z0-9_.]*$/.test(arg)) {
    const raw = ctx.lookup(arg);
    if (raw !== undefined) return ctx.expand(raw);
  }
  return ctx.expand(arg);
}

function numberOf(fn: string, arg: string, ctx: FunctionContext): number {
  const text = valueOf(arg, ctx);
  const value = evaluateArithmetic(text);
  if (value === undefined) return ctx.refuse(`$${fn}(${arg})`, `${JSON.stringify(text)} is not a number or arithmetic skyrun can evaluate`, "use numbers, macros holding numbers, + - * / % and parentheses.");
  return value;
}

/** C's printf for one conversion of a whole number (`%d`, `%05d`, `%-4d`, `%x`, `%o`), text around it kept. */
export function formatInteger(format: string, value: number): string {
  return format.replace(/%([-+ 0]*)(\d*)([diouxX])/, (_m, flags: string, width: string, conv: string) => {
    const n = Math.trunc(value);
    let digits = conv === "x" ? Math.abs(n).toString(16) : conv === "X" ? Math.abs(n).toString(16).toUpperCase() : conv === "o" ? Math.abs(n).toString(8) : String(Math.abs(n));
    const sign = n < 0 ? "-" : flags.includes("+") ? "+" : flags.includes(" ") ? " " : "";
    const w = Number(width || 0);
    if (flags.includes("0") && !flags.includes("-")) digits = digits.padStart(Math.max(0, w - sign.length), "0");
    const text = sign + digits;
    return flags.includes("-") ? text.padEnd(w) : text.padStart(w);
  });
}

/** C's printf for one floating-point conversion (`%f`, `%.2f`, `%e`, `%g`, `%G`), text around it kept. */
export function formatReal(format: string, value: number): string {
  return format.replace(/%([-+ 0]*)(\d*)(?:\.(\d+))?([feEgG])/, (_m, flags: string, width: string, precision: string | undefined, conv: string) => {
    const p = precision === undefined ? 6 : Number(precision);
    let text: string;
    if (conv === "f") text = value.toFixed(p);
    else if (conv === "e" || conv === "E") text = value.toExponential(p).replace(/e([+-])(\d)$/, "e$10$2");
    else text = String(Number(value.toPrecision(Math.max(1, p))));
    if (conv === "E" || conv === "G") text = text.toUpperCase();
    if (flags.includes("+") && value >= 0) text = `+${text}`;
    const w = Number(width || 0);
    return flags.includes("-") ? text.padEnd(w) : text.padStart(w, flags.includes("0") ? "0" : " ");
  });
}

/** `$F…(path)`: parts of a file name; see condor_submit's function macros. */
function fileNameParts(letters: string, path: string, ctx: FunctionContext): string {
  const p = letters.includes("f") ? resolvePath(ctx.submitDir, path) : path;
  const base = baseName(p);
  const dot = base.lastIndexOf(".");
  const name = dot > 0 ? base.slice(0, dot) : base;
  const extension = dot > 0 ? base.slice(dot) : "";
  let out = "";
  const dir = dirName(p);
  if (letters.includes("p")) out += dir === "." ? "" : dir.endsWith("/") ? dir : `${dir}/`;
  else if (letters.includes("d")) out += dir === "." ? "" : baseName(dir) + (letters.includes("b") ? "" : "/");
  if (letters.includes("n")) out += name;
  if (letters.includes("x")) out += letters.includes("b") ? extension.slice(1) : extension;
  if (!/[pdnx]/.test(letters)) out = p;
  if (letters.includes("q")) out = letters.includes("a") ? `'${out}'` : `"${out}"`;
  return out;
}

function choice(args: readonly string[], ctx: FunctionContext, index: number): string {
  const rest = args.slice(1);
  const items = rest.length === 1 && ctx.lookup(rest[0]!) !== undefined ? valueOf(rest[0]!, ctx).split(",").map((s) => s.trim()) : rest.map((a) => ctx.expand(a));
  const item = items[index];
  if (item === undefined || !Number.isInteger(index)) return ctx.refuse(`$CHOICE(${args.join(", ")})`, `index ${index} is outside the list of ${items.length}`, "give an index from 0 to the number of items less one.");
  return item;
}

/** Calls one function macro with its (unexpanded) arguments. */
export function callMacroFunction(fn: string, args: readonly string[], ctx: FunctionContext): string {
  const first = args[0] ?? "";
  if (/^F[fpduwnxbqa]+$/.test(fn)) return fileNameParts(fn.slice(1), valueOf(first, ctx), ctx);
  switch (fn) {
    case "ENV": {
      const [name, fallback] = first.split(":", 2) as [string, string | undefined];
      const value = ctx.env[name.trim()];
      if (value !== undefined) return value;
      if (fallback !== undefined) return ctx.expand(fallback);
      ctx.note(`$ENV(${name.trim()}) is not set in this environment; it expands to nothing`);
      return "";
    }
    case "BASENAME": return fileNameParts("nx", valueOf(first, ctx), ctx);
    case "DIRNAME": return fileNameParts("p", valueOf(first, ctx), ctx);
    case "INT": return formatInteger(args[1] ?? "%d", numberOf(fn, first, ctx));
    case "REAL": return formatReal(args[1] ?? "%16G", numberOf(fn, first, ctx));
    case "SUBSTR": {
      const text = valueOf(first, ctx);
      const start = numberOf(fn, args[1] ?? "0", ctx);
      const from = start < 0 ? Math.max(0, text.length + start) : start;
      if (args[2] === undefined) return text.slice(from);
      const length = numberOf(fn, args[2], ctx);
      return length < 0 ? text.slice(from, Math.max(from, text.length + length)) : text.slice(from, from + length);
    }
    case "CHOICE": return choice(args, ctx, numberOf(fn, first, ctx));
    case "RANDOM_CHOICE": return ctx.expand(args[Math.floor(ctx.random() * args.length)] ?? "");
    case "RANDOM_INTEGER": {
      const min = numberOf(fn, first, ctx);
      const max = numberOf(fn, args[1] ?? first, ctx);
      const step = args[2] === undefined ? 1 : numberOf(fn, args[2], ctx);
      const count = Math.floor((max - min) / step) + 1;
      return String(min + step * Math.floor(ctx.random() * Math.max(1, count)));
    }
    default: return ctx.refuse(`$${fn}(…)`, "this function macro is not known", "use $ENV, $INT, $REAL, $SUBSTR, $CHOICE, $RANDOM_CHOICE, $RANDOM_INTEGER, $BASENAME, $DIRNAME or $F….");
  }
}
