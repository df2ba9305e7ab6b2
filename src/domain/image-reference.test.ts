import { describe, expect, it } from "vitest";
import { formatImageReference, parseImageReference } from "./image-reference.js";

describe("image references", () => {
  it("splits registry, path, tag and digest", () => {
    expect(parseImageReference("images.canfar.net/skaha/terminal:1.1.2")).toEqual({ host: "images.canfar.net", path: "skaha/terminal", tag: "1.1.2", digest: null });
    expect(parseImageReference("127.0.0.1:5000/private/tool")).toMatchObject({ host: "127.0.0.1:5000", path: "private/tool", tag: null });
    expect(parseImageReference("busybox")).toMatchObject({ host: null, path: "busybox" });
  });

  it.each(["", "a b", "UPPER/case", "x/../../etc", "x;rm -rf /", "x:tag:more", "host.example/x@sha256:short"])("rejects %j", (raw) => {
    expect(() => parseImageReference(raw)).toThrow(/image/);
  });

  it("adds :latest only when there is neither tag nor digest", () => {
    expect(formatImageReference(parseImageReference("localhost/x"))).toBe("localhost/x:latest");
  });
});
