import { describe, expect, it } from "vitest";
import { parseArguments, parseEnvironment } from "./quoting-syntax.js";

describe("arguments", () => {
  it.each([
    // The manual's examples of the new syntax.
    ['"3 simple arguments"', ["3", "simple", "arguments"]],
    [`"one 'two with spaces' 3"`, ["one", "two with spaces", "3"]],
    [`"one ""two"" 'spacey ''quoted'' argument'"`, ["one", '"two"', "spacey 'quoted' argument"]],
    // Backslash is ordinary in the new syntax; quotes may group part of a word; '' is an empty argument.
    [`"C:\\path a'b c'd ''"`, ["C:\\path", "ab cd", ""]],
    ['"\tspaced   out\t"', ["spaced", "out"]],
    // The old syntax: split on spaces and tabs, \" is a quote, single quotes are literal.
    [`one \\"two\\" 'three'`, ["one", '"two"', "'three'"]],
    ["-infile  data.$(Process)\t--fast", ["-infile", "data.$(Process)", "--fast"]],
    ["", []],
  ])("%s", (value, argv) => {
    expect(parseArguments(value)).toEqual(argv);
  });

  it("refuses a new-syntax value that is not closed, a lone quote inside, or an open single quote", () => {
    expect(() => parseArguments('"one two')).toThrow(/does not end with one/);
    expect(() => parseArguments('"one " two"')).toThrow(/must be doubled/);
    expect(() => parseArguments(`"one 'two"`)).toThrow(/single quote is not closed/);
  });
});

describe("environment", () => {
  it("reads the new syntax as the manual shows", () => {
    expect(parseEnvironment(`"one=1 two=""2"" three='spacey ''quoted'' value'"`)).toEqual([["one", "1"], ["two", '"2"'], ["three", "spacey 'quoted' value"]]);
  });

  it("reads the old syntax: entries split on ';', quotes and inner spaces literal, values may hold '='", () => {
    expect(parseEnvironment(`one=1;two=2;three="quotes have no 'special' meaning"`)).toEqual([["one", "1"], ["two", "2"], ["three", `"quotes have no 'special' meaning"`]]);
    expect(parseEnvironment("OPTS=a=b c;EMPTY=;")).toEqual([["OPTS", "a=b c"], ["EMPTY", ""]]);
    expect(parseEnvironment("A=1; B=2")).toEqual([["A", "1"], ["B", "2"]]);
  });

  it("refuses an entry without a name", () => {
    expect(() => parseEnvironment("=1")).toThrow(/not name=value/);
    expect(() => parseEnvironment('"novalue"')).toThrow(/not name=value/);
  });
});
