import { describe, expect, it } from "vitest";
import { decodeChunks, lastLines, pollLogs, type LogSnapshotSource } from "./log-follow.js";

describe("tail", () => {
  it("keeps the last N lines, with or without a final newline", () => {
    expect(lastLines("1\n2\n3\n", 2)).toBe("2\n3\n");
    expect(lastLines("1\n2\n3", 2)).toBe("2\n3");
    expect(lastLines("1\n", 5)).toBe("1\n");
    expect(lastLines("1\n2\n", 0)).toBe("");
    expect(lastLines("", 3)).toBe("");
  });
});

describe("decoding a byte stream", () => {
  it("never splits a UTF-8 character across chunks", async () => {
    const bytes = Buffer.from("température ✓\n");
    async function* pieces() { for (let i = 0; i < bytes.length; i += 3) yield bytes.subarray(i, i + 3); }
    let text = "";
    for await (const t of decodeChunks(pieces())) text += t;
    expect(text).toBe("température ✓\n");
  });
});

/**
 * A scripted log source: the successive answers of a server whose job restarts midway,
 * replacing its log — something a real server cannot be made to do on demand.
 */
function scriptedSource(steps: { status: string; logs: string }[]): LogSnapshotSource & { calls: number } {
  let i = 0;
  const source = {
    calls: 0,
    status: async () => steps[Math.min(i, steps.length - 1)]!.status,
    logs: async () => {
      source.calls++;
      return steps[Math.min(i++, steps.length - 1)]!.logs;
    },
  };
  return source;
}

describe("following by polling snapshots", () => {
  it("yields only new text, restarts with a replaced log, and stops after reading a done session's log", async () => {
    const source = scriptedSource([
      { status: "Pending", logs: "" },
      { status: "Running", logs: "a\n" },
      { status: "Running", logs: "a\nb\n" },
      { status: "Running", logs: "fresh\n" },
      { status: "Failed", logs: "fresh\nlast\n" },
      { status: "Failed", logs: "never read\n" },
    ]);
    const chunks: string[] = [];
    for await (const c of pollLogs(source, { pollIntervalMs: 1 })) chunks.push(c);
    expect(chunks).toEqual(["a\n", "b\n", "fresh\n", "last\n"]);
    expect(source.calls).toBe(5);
  });

  it("starts with the last lines when asked for a tail", async () => {
    const chunks: string[] = [];
    for await (const c of pollLogs(scriptedSource([{ status: "Completed", logs: "1\n2\n3\n" }]), { tail: 1 })) chunks.push(c);
    expect(chunks).toEqual(["3\n"]);
  });
});
