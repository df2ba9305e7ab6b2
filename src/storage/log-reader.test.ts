import { mkdtempSync, writeFileSync } from "node:fs";
import { open } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { K8sFileDecoder, LOG_BLOCK_BYTES, readLog, readLogTail, tailOffset, type LogFormat } from "./log-reader.js";

const line = (stream: string, tag: string, text: string) => `2026-11-21T12:19:32.630322241+00:00 ${stream} ${tag} ${text}\n`;
const dir = mkdtempSync(join(tmpdir(), "skyrun-log-"));
let files = 0;
const fileWith = (content: string | Buffer): string => {
  const path = join(dir, `${++files}.log`);
  writeFileSync(path, content);
  return path;
};
const decodeAll = (raw: Buffer): string => new K8sFileDecoder().push(raw).toString("utf8");

/** What `tail` means, on the whole output: the last N lines, a last line without newline counting as one. */
function naiveTail(text: string, n: number): string {
  if (n <= 0) return "";
  const parts = text.split("\n");
  const trailingNewline = text.endsWith("\n");
  if (trailingNewline) parts.pop();
  return parts.slice(-n).join("\n") + (trailingNewline && parts.length > 0 ? "\n" : "");
}

/** A k8s-file log as Podman writes it, records of any text (no newlines inside a record). */
const k8sRecords = fc.array(fc.record({
  stream: fc.constantFrom("stdout", "stderr"),
  tag: fc.constantFrom("F", "P"),
  text: fc.string({ unit: fc.constantFrom("a", "b", " ", "é", "✓", "\r", "\t"), maxLength: 12 }),
}), { maxLength: 40 });

describe("k8s-file log decoding, byte by byte in bounded memory (issue 11)", () => {
  it("restores stdout and stderr lines in order, and joins partial lines", () => {
    const d = new K8sFileDecoder();
    const raw = line("stdout", "F", "out") + line("stderr", "F", "err") + line("stdout", "P", "no newline ") + line("stdout", "F", "then end") + line("stdout", "F", "");
    expect(d.push(Buffer.from(raw)).toString()).toBe("out\nerr\nno newline then end\n\n");
  });

  it("gives the same bytes however the file is cut into chunks, UTF-8 split or not", () => {
    fc.assert(fc.property(k8sRecords, fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 10 }), (records, cuts) => {
      const raw = Buffer.from(records.map((r) => line(r.stream, r.tag, r.text)).join(""));
      const d = new K8sFileDecoder();
      const out: Buffer[] = [];
      for (let i = 0, c = 0; i < raw.length; i += cuts[c++ % cuts.length]!) out.push(d.push(raw.subarray(i, i + cuts[c % cuts.length]!)));
      expect(Buffer.concat(out).toString("utf8")).toBe(records.map((r) => r.text + (r.tag === "F" ? "\n" : "")).join(""));
    }), { seed: 11, numRuns: 300 });
  });

  it("drops what is not a record, as before, and reads a record without text as an empty line", () => {
    const raw = "garbage\n" + "x".repeat(1000) + "\n2026-11-21T12:19:32Z stdout F\n" + line("stdout", "F", "kept");
    expect(decodeAll(Buffer.from(raw))).toBe("\nkept\n");
  });
});

describe("tail reads from the end (issue 11)", () => {
  it("tails the last N lines, and nothing of a missing log", async () => {
    const path = fileWith(["1", "2", "3", "4"].map((n) => line("stdout", "F", n)).join(""));
    expect(await readLogTail(path, "k8s-file", 2)).toBe("3\n4\n");
    expect(await readLogTail(path, "k8s-file", 10)).toBe("1\n2\n3\n4\n");
    expect(await readLogTail(path, "k8s-file", 0)).toBe("");
    expect(await readLogTail(join(dir, "missing.log"), "k8s-file", 2)).toBe("");
  });

  it.each<LogFormat>(["k8s-file", "raw"])("agrees with tail on the whole output for any %s log, at any block size", async (format) => {
    const raw = format === "raw"
      ? fc.string({ unit: fc.constantFrom("a", "\n", "é", " "), maxLength: 80 }).map((s) => Buffer.from(s))
      : fc.tuple(k8sRecords, fc.string({ unit: fc.constantFrom("2", " ", "x", "F"), maxLength: 30 })).map(([records, unfinished]) => Buffer.from(records.map((r) => line(r.stream, r.tag, r.text)).join("") + unfinished));
    await fc.assert(fc.asyncProperty(raw, fc.integer({ min: 0, max: 12 }), fc.integer({ min: 1, max: 70 }), async (bytes, n, blockBytes) => {
      const path = fileWith(bytes);
      const handle = await open(path, "r");
      try {
        const from = await tailOffset(handle, bytes.length, format, n, blockBytes);
        const whole = format === "raw" ? bytes.toString("utf8") : decodeAll(bytes);
        const tail = format === "raw" ? bytes.subarray(from).toString("utf8") : decodeAll(bytes.subarray(from));
        expect(tail).toBe(naiveTail(whole, n));
      } finally {
        await handle.close();
      }
    }), { seed: 11, numRuns: 300 });
  });

  it("reads only the end of a large log for tail=1", async () => {
    const big = Buffer.from(Array.from({ length: 200_000 }, (_, i) => line("stdout", "F", `line ${i}`)).join(""));
    const path = fileWith(big);
    const handle = await open(path, "r");
    let readBytes = 0;
    const counting = { read: async (...a: Parameters<typeof handle.read>) => { const r = await handle.read(...a); readBytes += r.bytesRead; return r; } } as unknown as typeof handle;
    try {
      const from = await tailOffset(counting, big.length, "k8s-file", 1);
      expect(decodeAll(big.subarray(from))).toBe("line 199999\n");
      expect(readBytes).toBeLessThanOrEqual(LOG_BLOCK_BYTES + 512);
    } finally {
      await handle.close();
    }
  });
});

describe("full reads stream in bounded blocks (issue 11)", () => {
  it.each<[LogFormat, string]>([
    ["raw", "x".repeat(10 * 1024 * 1024)],
    ["k8s-file", line("stdout", "P", "y".repeat(10 * 1024 * 1024)).trimEnd()],
  ])("passes a 10 MB line without newline (%s) through in pieces no larger than a block", async (format, content) => {
    const path = fileWith(content);
    for (const tail of [undefined, 1]) {
      let total = 0;
      let largest = 0;
      for await (const chunk of readLog(path, format, { tail })) {
        total += (chunk as Buffer).length;
        largest = Math.max(largest, (chunk as Buffer).length);
      }
      expect(total).toBe(10 * 1024 * 1024);
      expect(largest).toBeLessThanOrEqual(LOG_BLOCK_BYTES);
    }
  });
});
