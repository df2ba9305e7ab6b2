import { describe, expect, it } from "vitest";
import { checkSpec, toPlatformForm, toSkyrunBody, toSkyrunSetBody } from "./session-spec.js";

const spec = { name: "sweep", image: "images.canfar.net/skaha/astroml:1.0" };

describe("skyrun's create extensions on the wire", () => {
  it("sends every extension under the name the API notes give it, labels as repeated key=value", () => {
    expect(toSkyrunBody({
      ...spec, labels: { dag: "diamond", "dag.node": "A" }, retries: 3, maxRunning: 5, maxRunningLabel: "dag", notify: "https://hooks.example.org/x",
      walltime: 7200, workdir: "/arc/home/alice/run", stdout: "out.0", stderr: "/arc/home/alice/run/err.0", disk: 31,
    })).toEqual({
      name: "sweep", image: spec.image, label: ["dag=diamond", "dag.node=A"], retries: 3, maxRunning: 5, maxRunningLabel: "dag", notify: "https://hooks.example.org/x",
      walltime: 7200, workdir: "/arc/home/alice/run", stdout: "out.0", stderr: "/arc/home/alice/run/err.0", disk: 31,
    });
  });

  it("sends a set as an array of parameter objects with the set-wide options on each", () => {
    expect(toSkyrunSetBody([{ ...spec, name: "a-0", args: ["x"] }, { ...spec, name: "a-1", args: ["y"] }], { maxRunning: 2 })).toEqual([
      { name: "a-0", image: spec.image, args: ["x"], maxRunning: 2 },
      { name: "a-1", image: spec.image, args: ["y"], maxRunning: 2 },
    ]);
  });

  it("refuses before sending what the server would refuse, naming the parameter", () => {
    expect(() => checkSpec({ ...spec, labels: { Bad: "x" } })).toThrow(/label key "Bad"/);
    expect(() => checkSpec({ ...spec, labels: { ok: "a\nb" } })).toThrow(/control character/);
    expect(() => checkSpec({ ...spec, retries: 11 })).toThrow(/'retries': 11. Give a whole number from 0 to 10/);
    expect(() => checkSpec({ ...spec, maxRunning: 0 })).toThrow(/'maxRunning'/);
    expect(() => checkSpec({ ...spec, maxRunningLabel: "dag" })).toThrow(/not one of the session's label keys/);
    expect(() => checkSpec({ ...spec, walltime: "2 hours" })).toThrow(/'walltime'/);
    expect(() => checkSpec({ ...spec, workdir: "/home/alice" })).toThrow(/under \/arc\/home\/<user> or \/arc\/projects\/<group>/);
    expect(() => checkSpec({ ...spec, stdout: "/tmp/out" })).toThrow(/'stdout'/);
    expect(() => checkSpec({ ...spec, disk: -1 })).toThrow(/'disk'/);
    expect(() => checkSpec({ ...spec, walltime: "1-02:00:00", workdir: "/arc/projects/p/x", stdout: "rel/out" })).not.toThrow();
  });

  it("tells, for the platform, which extensions it lacks", () => {
    expect(() => toPlatformForm({ ...spec, labels: { a: "b" }, retries: 2 }, 1, 1)).toThrow("'labels', 'retries' are skyrun extensions; this server (the platform) does not support them.");
  });
});
