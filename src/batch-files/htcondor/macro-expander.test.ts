import { describe, expect, it } from "vitest";
import { BatchFileError } from "../batch-file-error.js";
import type { MacroContext } from "./macro-context.js";
import { expandMacros } from "./macro-expander.js";

function context(macros: Record<string, string>, env: Record<string, string> = {}, notes: string[] = []): MacroContext {
  const lower = Object.fromEntries(Object.entries(macros).map(([k, v]) => [k.toLowerCase(), v]));
  return {
    lookup: (name) => lower[name.toLowerCase()],
    env,
    submitDir: "/arc/home/alice/run",
    random: () => 0.5,
    refuse: (construct, reason, hint) => { throw new BatchFileError("job.sub", 7, construct, reason, hint); },
    note: (message) => notes.push(message),
  };
}

describe("macro expansion", () => {
  it("substitutes macros case-insensitively, recursively, with defaults and $(DOLLAR)", () => {
    const ctx = context({ Base: "/arc/home/alice", Dir: "$(base)/run-$(Process)", Process: "3" });
    expect(expandMacros("$(DIR)/out.txt", ctx)).toBe("/arc/home/alice/run-3/out.txt");
    expect(expandMacros("$(missing:fallback-$(process))", ctx)).toBe("fallback-3");
    expect(expandMacros("cost: $(DOLLAR)5, $$(DOLLARDOLLAR) and a lone $ sign", ctx)).toBe("cost: $5, $$ and a lone $ sign");
  });

  it("expands an undefined macro to nothing, as HTCondor does, and notes it", () => {
    const notes: string[] = [];
    expect(expandMacros("a$(nope)b", context({}, {}, notes))).toBe("ab");
    expect(notes).toEqual(["$(nope) is not defined; it expands to nothing, as in HTCondor"]);
  });

  it("evaluates the function macros", () => {
    const ctx = context({ MyIndex: "$(Process) + 1", Process: "2", FILE: "samplerun/A.dat", Name: "abcdef", list: "x, y, z" }, { HOME: "/arc/home/alice" });
    expect(expandMacros("run-$INT(MyIndex,%04d)", ctx)).toBe("run-0003");
    expect(expandMacros("$INT(Process)", ctx)).toBe("2");
    expect(expandMacros("$REAL(MyIndex,%.2f)", ctx)).toBe("3.00");
    expect(expandMacros("$ENV(HOME)/jobs $ENV(NOPE:default)", ctx)).toBe("/arc/home/alice/jobs default");
    expect(expandMacros("$Fnx(FILE) $Fn(FILE) $Fx(FILE) $Fp(FILE) $Fqa(FILE) $BASENAME(FILE) $Ff(FILE)", ctx)).toBe("A.dat A .dat samplerun/ 'samplerun/A.dat' A.dat /arc/home/alice/run/samplerun/A.dat");
    expect(expandMacros("$SUBSTR(Name, 2) $SUBSTR(Name, 0, -2) $SUBSTR(Name, 1, 3) $SUBSTR(Name, -1)", ctx)).toBe("cdef abcd bcd f");
    expect(expandMacros("$CHOICE(Process, list) $CHOICE(0, a, b)", ctx)).toBe("z a");
    expect(expandMacros("$RANDOM_CHOICE(a,b,c) $RANDOM_INTEGER(0, 8, 2)", ctx)).toBe("b 4");
  });

  it("refuses machine-ClassAd substitutions and endless self-definitions, naming the line", () => {
    expect(() => expandMacros("--mem $$(Memory)", context({}))).toThrow(/job.sub:7: \$\$\(Memory\): \$\$\(\) takes its value from the machine/);
    expect(() => expandMacros("$(B)", context({ B: "$(C)", C: "$(B) boo" }))).toThrow(/defined in terms of itself/);
    expect(() => expandMacros("$INT(Name)", context({ Name: "abc" }))).toThrow(/"abc" is not a number/);
  });
});
