import { describe, expect, it } from "vitest";
import { nameFromImage } from "./create.js";
import { nameMatcher } from "./prune.js";

describe("default session names", () => {
  it("come from the image's repository name, as a valid session name", () => {
    expect(nameFromImage("images.canfar.net/skaha/astroml:1.0")).toBe("astroml");
    expect(nameFromImage("localhost/skyrun-demo:latest")).toBe("skyrun-demo");
    expect(nameFromImage("reg:5000/p/My_Image@sha256:abc")).toBe("my-image");
    expect(nameFromImage("___")).toBe("job");
  });
});

describe("prune name matching", () => {
  it("anchors a plain prefix literally and treats regex characters as a regular expression", () => {
    const prefix = nameMatcher("sweep");
    expect(["sweep-1", "my-sweep", "sweeper"].map(prefix)).toEqual([true, false, true]);
    const re = nameMatcher("^sweep-[0-9]+$");
    expect(["sweep-1", "sweep-x", "a-sweep-1"].map(re)).toEqual([true, false, false]);
    expect(() => nameMatcher("sweep-(")).toThrow(/not a valid regular expression/);
  });
});
