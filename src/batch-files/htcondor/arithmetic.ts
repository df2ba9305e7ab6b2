/**
 * The arithmetic HTCondor evaluates in submit files after macro expansion
 * (`MyIndex = $(Process) + 1` then `$INT(MyIndex,%04d)`, `queue 2*5`,
 * `request_memory = 2 * 1024`): numbers, `+ - * / %`, parentheses and unary minus.
 * Anything else (ClassAd functions, attributes) is not arithmetic: undefined.
 */

type Token = { kind: "number"; value: number; real: boolean } | { kind: "op"; value: string };
/** A value and whether it is real (written with a point or exponent, or computed from one): ClassAds divide whole numbers as C does. */
interface Value {
  readonly v: number;
  readonly real: boolean;
}

function tokenize(text: string): Token[] | undefined {
  const tokens: Token[] = [];
  const re = /\s*(?:(\d+(?:\.\d*)?(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?)|([-+*/%()]))/y;
  let at = 0;
  while (at < text.length) {
    if (/^\s*$/.test(text.slice(at))) break;
    re.lastIndex = at;
    const m = re.exec(text);
    if (!m) return undefined;
    if (m[1] !== undefined) tokens.push({ kind: "number", value: Number(m[1]), real: /[.eE]/.test(m[1]) });
    else tokens.push({ kind: "op", value: m[2]! });
    at = re.lastIndex;
  }
  return tokens;
}

/** Recursive descent over the tokens; returns undefined on any syntax error. */
class Parser {
  private at = 0;
  constructor(private readonly tokens: Token[]) {}

  parse(): number | undefined {
    const value = this.sum();
    return value !== undefined && this.at === this.tokens.length ? value.v : undefined;
  }

  private peek(): string | undefined {
    const t = this.tokens[this.at];
    return t?.kind === "op" ? t.value : undefined;
  }

  private sum(): Value | undefined {
    let left = this.product();
    while (left !== undefined && (this.peek() === "+" || this.peek() === "-")) {
      const op = this.tokens[this.at++]!.value;
      const right = this.product();
      if (right === undefined) return undefined;
      left = { v: op === "+" ? left.v + right.v : left.v - right.v, real: left.real || right.real };
    }
    return left;
  }

  private product(): Value | undefined {
    let left = this.unary();
    while (left !== undefined && (this.peek() === "*" || this.peek() === "/" || this.peek() === "%")) {
      const op = this.tokens[this.at++]!.value;
      const right = this.unary();
      if (right === undefined || ((op === "/" || op === "%") && right.v === 0)) return undefined;
      const real = left.real || right.real;
      const quotient = real ? left.v / right.v : Math.trunc(left.v / right.v);
      left = { v: op === "*" ? left.v * right.v : op === "/" ? quotient : left.v % right.v, real };
    }
    return left;
  }

  private unary(): Value | undefined {
    if (this.peek() === "-" || this.peek() === "+") {
      const op = this.tokens[this.at++]!.value;
      const value = this.unary();
      return value === undefined ? undefined : { v: op === "-" ? -value.v : value.v, real: value.real };
    }
    return this.atom();
  }

  private atom(): Value | undefined {
    const t = this.tokens[this.at];
    if (t?.kind === "number") {
      this.at++;
      return { v: t.value, real: t.real };
    }
    if (this.peek() !== "(") return undefined;
    this.at++;
    const value = this.sum();
    if (this.peek() !== ")") return undefined;
    this.at++;
    return value;
  }
}

/** The value of an arithmetic expression, or undefined when the text is not one. */
export function evaluateArithmetic(text: string): number | undefined {
  const tokens = tokenize(text);
  if (!tokens || tokens.length === 0) return undefined;
  const value = new Parser(tokens).parse();
  return value !== undefined && Number.isFinite(value) ? value : undefined;
}
