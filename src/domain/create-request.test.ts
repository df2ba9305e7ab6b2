import { describe, expect, it } from "vitest";
import { AppError } from "./errors.js";
import { parseCreateRequest, type ParamValue } from "./create-request.js";
import type { ResourceContext } from "./resources.js";

const context: ResourceContext = {
  cores: { default: 2, defaultRequest: 1, defaultLimit: 8, options: [1, 2, 4, 8] },
  memoryGB: { default: 8, defaultRequest: 4, defaultLimit: 32, options: [1, 2, 4, 8, 16, 32] },
  gpus: { options: [] },
  maxInteractiveSessions: 0,
};
const rules = { context, maxReplicas: 100, maxDeadlineSeconds: 1_209_600 };

function params(entries: Record<string, string | string[] | ParamValue[]>): Map<string, ParamValue[]> {
  return new Map(Object.entries(entries).map(([k, v]): [string, ParamValue[]] => [k.toLowerCase(), Array.isArray(v) ? v : [v]]));
}
const base = { name: "job", image: "localhost/skyrun-demo:latest" };

function rejection(p: Record<string, string | string[] | ParamValue[]>): AppError {
  try {
    parseCreateRequest(params(p), rules);
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error("expected a rejection");
}

describe("parseCreateRequest: the seed pages' parameters", () => {
  it("keeps cmd as the program and splits args on blanks (seed 000: cmd=touch, two paths)", () => {
    const { spec } = parseCreateRequest(params({ ...base, cmd: "touch", args: "/arc/home/majorb/headless-test-1a /arc/home/majorb/headless-test-1b" }), rules);
    expect(spec.command).toEqual(["touch"]);
    expect(spec.args).toEqual(["/arc/home/majorb/headless-test-1a", "/arc/home/majorb/headless-test-1b"]);
  });

  it("honours quotes in args instead of splitting on every space (seed 001: python -c '…')", () => {
    const { spec } = parseCreateRequest(params({ ...base, kind: "headless", cmd: "python", args: `-c 'print("Hello from headless container")'` }), rules);
    expect(spec.args).toEqual(["-c", 'print("Hello from headless container")']);
  });

  it("splits a cmd with spaces and no args into program and arguments (seed 002)", () => {
    const { spec } = parseCreateRequest(params({ ...base, cmd: "python /arc/projects/mygroup/scripts/process_data.py in.fits out.fits" }), rules);
    expect(spec.command).toEqual(["python"]);
    expect(spec.args).toEqual(["/arc/projects/mygroup/scripts/process_data.py", "in.fits", "out.fits"]);
  });

  it("never expands variables or treats shell operators specially", () => {
    const { spec } = parseCreateRequest(params({ ...base, cmd: "echo", args: "$HOME a|b > c ; d" }), rules);
    expect(spec.args).toEqual(["$HOME", "a|b", ">", "c", ";", "d"]);
  });

  it("keeps env values that contain '=' and empty values, which the platform drops", () => {
    const { spec } = parseCreateRequest(params({ ...base, env: ["PROCESSING_MODE=batch", "QUERY=a=b&c=d", "EMPTY="] }), rules);
    expect(spec.env).toEqual([["PROCESSING_MODE", "batch"], ["QUERY", "a=b&c=d"], ["EMPTY", ""]]);
  });

  it("accepts argv arrays from a JSON body without splitting them", () => {
    const { spec } = parseCreateRequest(params({ ...base, cmd: [{ argv: ["python"] }], args: [{ argv: ["a b", "c"] }] }), rules);
    expect(spec.args).toEqual(["a b", "c"]);
  });

  it("treats kind=headless and a missing type as headless", () => {
    expect(parseCreateRequest(params({ ...base, kind: "headless" }), rules).spec.type).toBe("headless");
    expect(parseCreateRequest(params(base), rules).spec.type).toBe("headless");
  });

  it("gives fixed resources when cores and ram are both given, flexible defaults otherwise", () => {
    const fixed = parseCreateRequest(params({ ...base, cores: "4", ram: "16" }), rules).spec.resources;
    expect(fixed).toEqual({ coresRequest: 4, coresLimit: 4, ramRequestGB: 16, ramLimitGB: 16, gpus: 0, fixed: true });
    const flexible = parseCreateRequest(params(base), rules).spec.resources;
    expect(flexible).toEqual({ coresRequest: 1, coresLimit: 8, ramRequestGB: 4, ramLimitGB: 32, gpus: 0, fixed: false });
  });

  it("accepts a fractional core count up to the largest option (platform issue #174)", () => {
    expect(parseCreateRequest(params({ ...base, cores: "0.5" }), rules).spec.resources.coresRequest).toBe(0.5);
  });

  it("lower-cases the name, as the platform returns it", () => {
    expect(parseCreateRequest(params({ ...base, name: "My-Analysis" }), rules).spec.name).toBe("my-analysis");
  });
});

describe("parseCreateRequest: bad input is a 400 naming the parameter and what is allowed", () => {
  it.each([
    [{ ...base, env: "FOO" }, "env", "KEY=VALUE"],
    [{ ...base, env: "1ABC=x" }, "env", "KEY=VALUE"],
    [{ ...base, env: "HOME=/tmp" }, "env", "cannot be overridden"],
    [{ ...base, name: "my_job" }, "name", "letters, digits and '-'"],
    [{ ...base, name: "-edge" }, "name", "starts and ends"],
    [{ ...base, name: "x".repeat(64) }, "name", "1 to 63"],
    [{ image: base.image }, "name", "Missing parameter 'name'"],
    [{ name: "x" }, "image", "Missing parameter 'image'"],
    [{ ...base, image: "Images.example.org/Bad Name" }, "image", "Expected [registry"],
    [{ ...base, image: "localhost/../etc" }, "image", "repository path"],
    [{ ...base, type: "notebook" }, "type", "headless sessions only"],
    [{ ...base, type: "bogus" }, "type", "Allowed: headless"],
    [{ ...base, type: "headless", kind: "notebook" }, "type", "disagree"],
    [{ ...base, cores: "64" }, "cores", "allowed: 1, 2, 4, 8"],
    [{ ...base, cores: "two" }, "cores", "Expected a number"],
    [{ ...base, ram: "3" }, "ram", "allowed: 1, 2, 4, 8, 16, 32"],
    [{ ...base, gpus: "1" }, "gpus", "no GPUs"],
    [{ ...base, replicas: "0" }, "replicas", "from 1 to 100"],
    [{ ...base, replicas: "101" }, "replicas", "from 1 to 100"],
    [{ ...base, name: "x".repeat(62), replicas: "10" }, "name", "replica suffix"],
    [{ ...base, core: "4" }, "core", "Unknown parameter"],
    [{ ...base, cores: ["2", "4"] }, "cores", "different values"],
    [{ ...base, cmd: "python", args: "'unclosed" }, "args", "unbalanced quoting"],
    [{ ...base, cmd: "  " }, "cmd", "empty"],
    [{ ...base, dependsOn: "nope" }, "dependsOn", "not a session id"],
  ] as const)("%o → 400 on %s", (p, parameter, words) => {
    const e = rejection(p as Record<string, string | string[]>);
    expect(e.code).toBe("VALIDATION_FAILED");
    expect(e.details.parameter).toBe(parameter);
    expect(e.message).toContain(words);
  });

  it("accepts the same value given twice (a client repeating itself is not an error)", () => {
    expect(parseCreateRequest(params({ ...base, cores: ["2", "2"] }), rules).spec.resources.coresRequest).toBe(2);
  });
});
