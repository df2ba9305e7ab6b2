import { describe, expect, it } from "vitest";
import { selectEnvironment } from "./environment-import.js";

const env = { PATH: "/usr/bin", LANG: "C", SKYRUN_TOKEN: "secret", HOME: "/home/a", OMP_NUM_THREADS: "4", "BASH_FUNC_x%%": "() {}", SSH_AUTH_SOCK: "/tmp/s" };

describe("copying the submitter's environment", () => {
  it("copies everything but credentials, server-set and machine-specific names for a wholesale copy", () => {
    expect(selectEnvironment(env, { all: true, include: [], exclude: [] })).toEqual({ copied: [["LANG", "C"], ["OMP_NUM_THREADS", "4"]], skipped: ["SKYRUN_TOKEN", "HOME", "BASH_FUNC_x%%"] });
  });

  it("copies machine-specific names when named, never credentials, and honours exclusions", () => {
    expect(selectEnvironment(env, { all: false, include: ["PATH", "omp_*", "SKYRUN_TOKEN"], exclude: [] })).toEqual({ copied: [["PATH", "/usr/bin"], ["OMP_NUM_THREADS", "4"]], skipped: ["SKYRUN_TOKEN"] });
    expect(selectEnvironment(env, { all: true, include: [], exclude: ["OMP*"] }).copied).toEqual([["LANG", "C"]]);
    expect(selectEnvironment(env, { all: false, include: ["SSH_*"], exclude: [] }).copied).toEqual([]);
  });
});
