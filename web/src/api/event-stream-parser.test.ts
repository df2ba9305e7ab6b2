import { describe, expect, it } from "vitest";
import { createEventStreamParser } from "./event-stream-parser.js";

describe("the event-stream parser (issue 17)", () => {
  it("reads named events with ids, whatever the chunking", () => {
    const text = "id: 1\nevent: session\ndata: {\"id\":\"a\"}\n\n: keep-alive\n\nid: 2\nevent: stats\ndata: {}\n\n";
    for (const size of [1, 3, 7, text.length]) {
      const p = createEventStreamParser();
      const events = [];
      for (let i = 0; i < text.length; i += size) events.push(...p.push(text.slice(i, i + size)));
      expect(events).toEqual([{ event: "session", data: "{\"id\":\"a\"}", id: "1" }, { event: "stats", data: "{}", id: "2" }]);
      expect(p.lastEventId).toBe("2");
    }
  });

  it("joins data lines, accepts CRLF split across chunks, and defaults the event name", () => {
    const p = createEventStreamParser("7");
    expect(p.push("data: a\r")).toEqual([]);
    expect(p.push("\ndata: b\r\n\r")).toEqual([{ event: "message", data: "a\nb", id: "7" }]);
    expect(p.push("\n")).toEqual([]);
  });
});
