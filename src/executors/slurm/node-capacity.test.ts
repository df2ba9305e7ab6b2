import { describe, expect, it } from "vitest";
import { parseNodeCapacity } from "./node-capacity.js";

describe("cluster capacity from sinfo", () => {
  it("sums usable nodes once each, with what is allocated on them", () => {
    const out = [
      "n1|2/2/0/4|16384|4096|mixed|",
      "n2|0/4/0/4|16384|0|idle|",
      "n2|0/4/0/4|16384|0|idle|", // the same node in a second partition
      "n3|0/0/8/8|32768|0|down*|",
      "n4|0/0/8/8|32768|0|drained|",
    ].join("\n");
    expect(parseNodeCapacity(out)).toMatchObject({ cores: 8, ramGB: 32, coresAllocated: 2, ramAllocatedGB: 4 });
  });

  it("lists every node once, unusable ones with their state, for the cluster page", () => {
    const out = ["n1|2/2/0/4|16384|4096|mixed|", "n1|2/2/0/4|16384|4096|mixed|", "n3|0/0/8/8|32768|0|down*|"].join("\n");
    expect(parseNodeCapacity(out).nodes).toEqual([
      { name: "n1", state: "mixed", cpus: 4, cpusAllocated: 2, memoryGB: 16, memoryAllocatedGB: 4 },
      { name: "n3", state: "down*", cpus: 8, cpusAllocated: 0, memoryGB: 32, memoryAllocatedGB: 0 },
    ]);
  });

  it("is empty for an empty cluster", () => {
    expect(parseNodeCapacity("")).toEqual({ cores: 0, ramGB: 0, coresAllocated: 0, ramAllocatedGB: 0, nodes: [] });
  });
});
