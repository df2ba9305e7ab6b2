import { describe, expect, it } from "vitest";
import { decideLocalImage } from "./image-access.js";

const REG = "127.0.0.1:5001";
const registries = new Set([REG]);
const privateCopy = { id: "f00d".repeat(16), tags: [`${REG}/private/demo:1`] };
const sharedContent = { id: "beef".repeat(16), tags: ["localhost/skyrun-demo:latest", `${REG}/private/demo:1`] };

describe("which image a reference without a registry may run (issue 11)", () => {
  for (const form of ["private/demo:1", "demo:1", "f00df00df00d", "f00d".repeat(16), `sha256:${"f00d".repeat(16)}`, "localhost/private/demo:1"]) {
    it(`refuses ${form.slice(0, 24)}, which the engine resolves to a copy of a private registry image`, () => {
      expect(decideLocalImage(form, privateCopy, registries)).toEqual({ kind: "refused", copyOf: `${REG}/private/demo:1` });
    });
  }

  it("allows the operator's local image by its localhost name, with or without the prefix, even when a registry copy shares its content", () => {
    expect(decideLocalImage("localhost/skyrun-demo:latest", sharedContent, registries)).toEqual({ kind: "allowed", image: "localhost/skyrun-demo:latest" });
    expect(decideLocalImage("skyrun-demo", sharedContent, registries)).toEqual({ kind: "allowed", image: "localhost/skyrun-demo:latest" });
  });

  it("refuses the shared content by id: an id names no operator choice", () => {
    expect(decideLocalImage("beefbeefbeef", sharedContent, registries).kind).toBe("refused");
  });

  it("allows what the operator pulled from a registry skyrun does not serve, under its full name", () => {
    expect(decideLocalImage("busybox", { id: "1", tags: ["docker.io/library/busybox:latest"] }, registries)).toEqual({ kind: "allowed", image: "docker.io/library/busybox:latest" });
  });
});
