import { describe, expect, it } from "vitest";
import { applyRegistryAlias, withRegistryAliases } from "./registry-aliases.js";

const toEngine = { "images.canfar.net": "localhost" };
const toMirror = { "images.canfar.net": "mirror.example.org:5000" };

describe("registry aliases (issue 14)", () => {
  it("maps the host clients assume to the engine's own images", () => {
    expect(applyRegistryAlias("images.canfar.net/skaha/astroml:1.0", toEngine)).toBe("localhost/skaha/astroml:1.0");
    expect(applyRegistryAlias("images.canfar.net/skaha/astroml", toEngine)).toBe("localhost/skaha/astroml");
  });

  it("maps the host to a site's own registry", () => {
    expect(applyRegistryAlias("images.canfar.net/skaha/astroml:1.0", toMirror)).toBe("mirror.example.org:5000/skaha/astroml:1.0");
  });

  it("gives back a name that already named a registry before canfar prefixed it (localhost/x, host:port/x)", () => {
    expect(applyRegistryAlias("images.canfar.net/localhost/skyrun-demo:latest", toMirror)).toBe("localhost/skyrun-demo:latest");
    expect(applyRegistryAlias("images.canfar.net/registry.example.org:8443/demo:latest", toEngine)).toBe("registry.example.org:8443/demo:latest");
  });

  it("maps a dotted first part like any project name, since it may be one", () => {
    expect(applyRegistryAlias("images.canfar.net/my.project/tool:2", toEngine)).toBe("localhost/my.project/tool:2");
  });

  it("leaves names of other hosts, engine names and unaliased servers alone", () => {
    expect(applyRegistryAlias("registry.example.org/skaha/astroml:1.0", toEngine)).toBe("registry.example.org/skaha/astroml:1.0");
    expect(applyRegistryAlias("busybox", toEngine)).toBe("busybox");
    expect(applyRegistryAlias("localhost/skyrun-demo:latest", toEngine)).toBe("localhost/skyrun-demo:latest");
    expect(applyRegistryAlias("images.canfar.net/skaha/astroml:1.0", {})).toBe("images.canfar.net/skaha/astroml:1.0");
  });

  it("matches the host without regard to letter case", () => {
    expect(applyRegistryAlias("Images.CANFAR.net/skaha/astroml:1.0", toEngine)).toBe("localhost/skaha/astroml:1.0");
  });

  it("rewrites only the image parameter of a create request", () => {
    const params = new Map([["image", ["images.canfar.net/skaha/x:1"]], ["name", ["images.canfar.net/skaha/x:1"]]]);
    const out = withRegistryAliases(params, toEngine);
    expect(out.get("image")).toEqual(["localhost/skaha/x:1"]);
    expect(out.get("name")).toEqual(["images.canfar.net/skaha/x:1"]);
  });
});
