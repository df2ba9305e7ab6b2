import { describe, expect, it } from "vitest";
import type { SessionRequest, SessionSetRequest } from "../contracts/session-request.js";
import { ApiError } from "./client-error.js";
import { checkSetOrder, createSetsInOrder, parseCreated, setShape } from "./session-sets.js";

const s = (name: string, extra: Partial<SessionRequest> = {}): SessionRequest => ({ name, image: "img", ...extra });

describe("one request per set", () => {
  it("sends identical sessions as replicas of the base name and different ones as a list", () => {
    expect(setShape([s("job-0"), s("job-1"), s("job-2")], "job")).toEqual({ single: { name: "job", image: "img", replicas: 3 } });
    expect(setShape([s("job-0", { args: ["a"] }), s("job-1", { args: ["b"] })], "job")).toEqual({ list: [s("job-0", { args: ["a"] }), s("job-1", { args: ["b"] })] });
    expect(setShape([s("only")], "job")).toEqual({ single: s("only") });
  });

  it("reads the created sessions from JSON (one or many) or from one id per line", () => {
    expect(parseCreated('[{"id":"aaaaaaaa","sessionId":"aaaaaaaa","setId":"s1"},{"id":"bbbbbbbb","sessionId":"bbbbbbbb","setId":"s1"}]', "http://h/x")).toMatchObject({ ids: ["aaaaaaaa", "bbbbbbbb"], setId: "s1" });
    expect(parseCreated('{"id":"aaaaaaaa","sessionId":"aaaaaaaa"}', "http://h/x").ids).toEqual(["aaaaaaaa"]);
    expect(parseCreated("aaaaaaaa\nbbbbbbbb\n", "http://h/x")).toEqual({ ids: ["aaaaaaaa", "bbbbbbbb"], sessions: [] });
    expect(() => parseCreated("<html>", "http://h/x")).toThrow(/instead of session ids/);
  });
});

describe("several sets in order", () => {
  const dag: SessionSetRequest[] = [
    { key: "A", sessions: [s("a")] },
    { key: "B", sessions: [s("b")], after: ["A"] },
    { key: "C", sessions: [s("c-0"), s("c-1", { args: ["x"] })], after: ["A"], maxRunning: 1 },
    { key: "D", sessions: [s("d")], after: ["B", "C"] },
  ];

  it("gives each set's sessions the ids of every session of the sets it comes after", async () => {
    const sent: { sessions: readonly SessionRequest[]; maxRunning?: number }[] = [];
    let n = 0;
    const result = await createSetsInOrder(dag, async (sessions, options) => {
      sent.push({ sessions, ...options });
      return { ids: sessions.map(() => `id${n++}`), sessions: [] };
    });
    expect(result.created.map((c) => [c.key, c.ids])).toEqual([["A", ["id0"]], ["B", ["id1"]], ["C", ["id2", "id3"]], ["D", ["id4"]]]);
    expect(sent[1]!.sessions[0]!.dependsOn).toEqual(["id0"]);
    expect(sent[2]).toMatchObject({ maxRunning: 1 });
    expect(sent[3]!.sessions[0]!.dependsOn).toEqual(["id1", "id2", "id3"]);
  });

  it("stops at the first set the server refuses and says which were not sent", async () => {
    const result = await createSetsInOrder(dag, async (sessions) => {
      if (sessions[0]!.name === "b") throw new ApiError(400, "Invalid value for 'label'", "POST", "http://h/session");
      return { ids: ["x"], sessions: [] };
    });
    expect(result.created.map((c) => c.key)).toEqual(["A"]);
    expect(result.failed?.key).toBe("B");
    expect(result.notSent).toEqual(["C", "D"]);
  });

  it("refuses sets listed before the sets they come after", () => {
    expect(() => checkSetOrder([{ key: "B", sessions: [s("b")], after: ["A"] }, { key: "A", sessions: [s("a")] }])).toThrow(/not an earlier set/);
  });
});
