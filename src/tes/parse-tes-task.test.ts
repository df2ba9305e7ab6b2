import { describe, expect, it } from "vitest";
import { arcPathOfUrl, parseTesTask } from "./parse-tes-task.js";

const rules = { allowedInputUrlPrefixes: ["https://data.example.org/"] };
const exec = { image: "alpine", command: ["true"] };
const fieldOf = (body: unknown): string | undefined => {
  try {
    parseTesTask(body, rules);
    return undefined;
  } catch (e) {
    return (e as { details: { parameter?: string } }).details.parameter;
  }
};

describe("parseTesTask", () => {
  it("keeps what the client sent, normalised, and drops the server's fields", () => {
    const task = parseTesTask({ id: "x", state: "COMPLETE", logs: [], name: "n", executors: [{ ...exec, workdir: "/data//w/", env: { A: "1" } }], volumes: ["/arc/home/a/v/"], tags: { K: "v" } }, rules);
    expect(task).toEqual({ name: "n", executors: [{ image: "alpine", command: ["true"], workdir: "/data/w", env: { A: "1" } }], volumes: ["/arc/home/a/v"], tags: { K: "v" } });
  });

  it("takes inline content as a FILE, file URLs and plain paths on /arc, and only the allowed http(s) prefixes", () => {
    const task = parseTesTask({ executors: [exec], inputs: [
      { content: "hi", path: "/tmp/a" },
      { url: "file:///arc/home/a/in", path: "/tmp/b", type: "DIRECTORY" },
      { url: "/arc/projects/p/in.txt", path: "/tmp/c" },
      { url: "https://data.example.org/x.fits", path: "/tmp/d" },
    ] }, rules);
    expect(task.inputs!.map((i) => i.type)).toEqual(["FILE", "DIRECTORY", "FILE", "FILE"]);
    expect(fieldOf({ executors: [exec], inputs: [{ url: "https://evil.example.org/x", path: "/tmp/x" }] })).toBe("inputs[0].url");
    expect(fieldOf({ executors: [exec], inputs: [{ url: "file:///arcade/x", path: "/tmp/x" }] })).toBe("inputs[0].url");
    expect(fieldOf({ executors: [exec], inputs: [{ url: "file:///arc/%2e%2e/etc/passwd", path: "/tmp/x" }] })).toBe("inputs[0].url");
    expect(fieldOf({ executors: [exec], inputs: [{ path: "/tmp/x" }] })).toBe("inputs[0].url");
  });

  it("names the field of every refusal", () => {
    expect(fieldOf(null)).toBe("body");
    expect(fieldOf({ executors: [] })).toBe("executors");
    expect(fieldOf({ executors: Array(21).fill(exec) })).toBe("executors");
    expect(fieldOf({ executors: [{ image: "", command: ["x"] }] })).toBe("executors[0].image");
    expect(fieldOf({ executors: [{ image: "a", command: "ls" }] })).toBe("executors[0].command");
    expect(fieldOf({ executors: [{ ...exec, stdout: "out.txt" }] })).toBe("executors[0].stdout");
    expect(fieldOf({ executors: [{ ...exec, env: { "A-B": "1" } }] })).toBe("executors[0].env");
    expect(fieldOf({ executors: [{ ...exec, ignore_error: "yes" }] })).toBe("executors[0].ignore_error");
    expect(fieldOf({ executors: [exec], resources: { ram_gb: -1 } })).toBe("resources.ram_gb");
    expect(fieldOf({ executors: [exec], resources: { zones: ["eu"] } })).toBe("resources.zones");
    expect(fieldOf({ executors: [exec], resources: { backend_parameters: { VmSize: "x" }, backend_parameters_strict: true } })).toBe("resources.backend_parameters");
    expect(fieldOf({ executors: [exec], outputs: [{ path: "/tmp/x" }] })).toBe("outputs[0].url");
    expect(fieldOf({ executors: [exec], outputs: [{ path: "/tmp/*.txt", url: "file:///arc/o", path_prefix: "/data" }] })).toBe("outputs[0].path_prefix");
    expect(fieldOf({ executors: [exec], volumes: ["rel"] })).toBe("volumes[0]");
    expect(fieldOf({ executors: [exec], tags: { a: 1 } })).toBe("tags");
  });

  it("drops backend parameters it does not support unless strict", () => {
    expect(parseTesTask({ executors: [exec], resources: { cpu_cores: 2, backend_parameters: { VmSize: "x" } } }, rules).resources).toEqual({ cpu_cores: 2 });
  });
});

describe("arcPathOfUrl", () => {
  it("gives the path on /arc, decoded", () => {
    expect(arcPathOfUrl("file:///arc/home/a/my%20file.txt", "f")).toBe("/arc/home/a/my file.txt");
    expect(arcPathOfUrl("file://localhost/arc/x", "f")).toBe("/arc/x");
    expect(() => arcPathOfUrl("file://host/arc/x", "f")).toThrow(/file:\/\/ URLs/);
  });
});
