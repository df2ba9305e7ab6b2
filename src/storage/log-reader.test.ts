import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { K8sFileDecoder, readLogTail } from "./log-reader.js";

const line = (stream: string, tag: string, text: string) => `2026-11-21T12:19:32.630322241+00:00 ${stream} ${tag} ${text}\n`;

describe("k8s-file log decoding", () => {
  it("restores stdout and stderr lines in order, and joins partial lines", () => {
    const d = new K8sFileDecoder();
    const raw = line("stdout", "F", "out") + line("stderr", "F", "err") + line("stdout", "P", "no newline ") + line("stdout", "F", "then end") + line("stdout", "F", "");
    expect(d.push(Buffer.from(raw))).toBe("out\nerr\nno newline then end\n\n");
  });

  it("copes with chunks that split a line or a UTF-8 character", () => {
    const d = new K8sFileDecoder();
    const raw = Buffer.from(line("stdout", "F", "température ✓") + line("stdout", "F", "two"));
    let out = "";
    for (let i = 0; i < raw.length; i += 7) out += d.push(raw.subarray(i, i + 7));
    expect(out).toBe("température ✓\ntwo\n");
  });

  it("tails the last N lines", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "skyrun-log-")), "a.log");
    writeFileSync(path, ["1", "2", "3", "4"].map((n) => line("stdout", "F", n)).join(""));
    expect(await readLogTail(path, "k8s-file", 2)).toBe("3\n4\n");
    expect(await readLogTail(path, "k8s-file", 10)).toBe("1\n2\n3\n4\n");
    expect(await readLogTail(join(path, "..", "missing.log"), "k8s-file", 2)).toBe("");
  });
});
