import { describe, expect, it } from "vitest";
import { checkSpec, envPairs, registryAuthHeader, toPlatformForm, toSkyrunBody } from "./session-spec.js";

const spec = { name: "batch", image: "images.canfar.net/skaha/terminal:1.1.2" };

describe("create requests", () => {
  it("sends skyrun one JSON body with argv arrays kept exact and replicas in it", () => {
    expect(toSkyrunBody({ ...spec, cores: 2, ram: 4, cmd: ["python"], args: ["-m", "worker x"], env: { A: "1=2" }, replicas: 3, dependsOn: ["abcdefgh"] })).toEqual({
      name: "batch", image: spec.image, cores: 2, ram: 4, cmd: ["python"], args: ["-m", "worker x"], env: ["A=1=2"], replicas: 3, dependsOn: ["abcdefgh"],
    });
    expect(toSkyrunBody({ ...spec, replicas: 1 })).toEqual({ name: "batch", image: spec.image });
  });

  it("sends the platform one form per replica, named name-i with REPLICA_ID and REPLICA_COUNT after the user's env", () => {
    expect(toPlatformForm({ ...spec, kind: "headless", cores: 2, gpus: 1, cmd: ["python"], args: ["-m", "worker"], env: ["A=1"], replicas: 2 }, 2, 2)).toEqual([
      ["name", "batch-2"], ["image", spec.image], ["cores", "2"], ["gpus", "1"], ["type", "headless"], ["cmd", "python"], ["args", "-m worker"],
      ["env", "A=1"], ["env", "REPLICA_ID=2"], ["env", "REPLICA_COUNT=2"],
    ]);
    expect(toPlatformForm({ ...spec, cmd: "python /arc/x.py in out" }, 1, 1)).toEqual([["name", "batch"], ["image", spec.image], ["cmd", "python /arc/x.py in out"]]);
    expect(toPlatformForm({ ...spec, cmd: ["sh", "-c"], args: "echo" }, 1, 1)).toContainEqual(["args", "-c echo"]);
  });

  it("refuses, for the platform, arguments its space-splitting would break, and skyrun-only dependencies", () => {
    expect(() => toPlatformForm({ ...spec, cmd: ["sh", "-c", "echo hi"] }, 1, 1)).toThrow(/"echo hi" cannot be sent/);
    expect(() => toPlatformForm({ ...spec, args: ["", "x"] }, 1, 1)).toThrow(/cannot be sent/);
    expect(() => toPlatformForm({ ...spec, dependsOn: ["abcdefgh"] }, 1, 1)).toThrow(/skyrun extension/);
    expect(() => toPlatformForm({ ...spec, env: { REPLICA_ID: "9" } }, 1, 2)).toThrow(/REPLICA_ID and REPLICA_COUNT are set/);
  });

  it("checks before sending what both servers refuse, naming the parameter", () => {
    expect(() => checkSpec({ ...spec, name: "" })).toThrow(expect.objectContaining({ parameter: "name" }) as Error);
    expect(() => checkSpec({ ...spec, name: "a b" })).toThrow(/Use only letters, digits and '-'/);
    expect(() => checkSpec({ ...spec, image: " " })).toThrow(expect.objectContaining({ parameter: "image" }) as Error);
    expect(() => checkSpec({ ...spec, cores: 0 })).toThrow(/'cores': 0/);
    expect(() => checkSpec({ ...spec, replicas: 1.5 })).toThrow(/whole number/);
    expect(() => checkSpec({ ...spec, cmd: [] })).toThrow(/empty argv/);
    expect(() => envPairs(["NOEQUALS"])).toThrow(/KEY=VALUE/);
    expect(() => envPairs({ "1BAD": "x" })).toThrow(/not starting with a digit/);
    expect(envPairs(["Q=a=b", "E="])).toEqual([["Q", "a=b"], ["E", ""]]);
  });

  it("encodes registry credentials as base64 of username:secret", () => {
    expect(Buffer.from(registryAuthHeader({ username: "me", secret: "s:e:c" }), "base64").toString()).toBe("me:s:e:c");
  });
});
