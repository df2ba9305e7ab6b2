import { spawn, spawnSync } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { TesTask } from "../contracts/tes-task.js";
import { parseRunnerLog } from "./log-markers.js";
import { buildRunnerScript, MAX_SCRIPT_BYTES, SYSTEM_EXIT_CODE } from "./runner-script.js";

// The scripts run here with the real /bin/sh, on paths outside /arc (the container's own).
let dir: string;
beforeEach(() => { dir = mkdtempSync(join(tmpdir(), "tes-runner-")); });
afterEach(() => { rmSync(dir, { recursive: true, force: true }); });

function run(task: TesTask, index: number) {
  const r = spawnSync("/bin/sh", ["-c", buildRunnerScript(task, index), "tes-executor"], { encoding: "utf8" });
  return { status: r.status, report: parseRunnerLog(r.stdout + r.stderr) };
}

describe("the runner script", () => {
  it("places inline inputs (quotes and all), runs argv as given in its workdir with stdin and stdout files, and reports the exit code", () => {
    const content = "it's $HOME `not` expanded\n";
    const task: TesTask = {
      inputs: [{ content, path: `${dir}/in/x.txt`, type: "FILE" }],
      volumes: [`${dir}/vol`],
      executors: [{ image: "i", command: ["sh", "-c", "cat; echo \"$1\" > ../vol/arg; exit 4", "sh", "a b'c"], workdir: `${dir}/w`, stdin: `${dir}/in/x.txt`, stdout: `${dir}/out/stdout.txt` }],
    };
    const { status, report } = run(task, 0);
    expect(status).toBe(4);
    expect(report).toMatchObject({ started: true, exitCode: 4, systemErrors: [] });
    expect(readFileSync(`${dir}/out/stdout.txt`, "utf8")).toBe(content);
    expect(readFileSync(`${dir}/vol/arg`, "utf8")).toBe("a b'c\n");
  });

  it("fetches an allowed http input with the image's curl or wget", async () => {
    const server = createServer((_req, res) => res.end("fetched bytes\n"));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/data.txt`;
      const script = buildRunnerScript({ inputs: [{ url, path: `${dir}/fetched/data.txt`, type: "FILE" }], executors: [{ image: "i", command: ["cat", `${dir}/fetched/data.txt`] }] }, 0);
      // Asynchronously: the server answers on this process's event loop.
      const out = await new Promise<string>((resolve) => {
        const child = spawn("/bin/sh", ["-c", script, "tes-executor"]);
        let text = "";
        child.stdout.on("data", (b: Buffer) => { text += b.toString(); });
        child.stderr.on("data", (b: Buffer) => { text += b.toString(); });
        child.on("close", () => resolve(text));
      });
      expect(parseRunnerLog(out)).toMatchObject({ exitCode: 0, systemErrors: [] });
      expect(readFileSync(`${dir}/fetched/data.txt`, "utf8")).toBe("fetched bytes\n");
    } finally {
      server.close();
    }
  });

  it("goes on past a failure with ignore_error, exiting 0 with the code reported", () => {
    const { status, report } = run({ executors: [{ image: "i", command: ["false"], ignore_error: true }] }, 0);
    expect(status).toBe(0);
    expect(report.exitCode).toBe(1);
  });

  it("reports a staging failure as a system error, without running the command", () => {
    const { status, report } = run({ inputs: [{ url: "file:///arc/nowhere/x", path: `${dir}/x`, type: "FILE" }], executors: [{ image: "i", command: ["echo", "ran"] }] }, 0);
    expect(status).toBe(SYSTEM_EXIT_CODE);
    expect(report.started).toBe(false);
    expect(report.systemErrors[0]).toContain("/arc/nowhere/x");
    expect(report.text).not.toContain("ran");
  });

  it("re-places inputs outside /arc in later executors (each has its own container), not those on /arc", () => {
    const task: TesTask = { inputs: [{ content: "a", path: `${dir}/a` }, { url: "file:///arc/x", path: "/arc/home/u/x" }], executors: [{ image: "i", command: ["true"] }, { image: "j", command: ["true"] }] };
    const second = buildRunnerScript(task, 1);
    expect(second).toContain(`${dir}/a`);
    expect(second).not.toContain("/arc/home/u/x");
  });

  it("refuses a task whose inline contents do not fit in one argument, naming inputs", () => {
    const big: TesTask = { inputs: [{ content: "x".repeat(MAX_SCRIPT_BYTES), path: "/tmp/x" }], executors: [{ image: "i", command: ["true"] }] };
    expect(() => buildRunnerScript(big, 0)).toThrow(/inputs|content/);
  });

  it("leaves a marker-looking line of the command's own output alone unless it is exactly the runner's", () => {
    writeFileSync(join(dir, "f"), "");
    expect(parseRunnerLog("##skyrun-tesx exit 3\nplain\n##skyrun-tes output\tbad\t/p\tu\n")).toMatchObject({ exitCode: null, outputs: [], text: "##skyrun-tesx exit 3\nplain\n" });
  });
});
