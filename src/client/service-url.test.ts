import { describe, expect, it } from "vitest";
import { resolveServiceUrl } from "./service-url.js";

describe("server URLs", () => {
  it("accepts a server root, the service, or a versioned base", () => {
    expect(resolveServiceUrl("http://127.0.0.1:8080")).toEqual({ baseUrl: "http://127.0.0.1:8080/skaha/v1", apiVersion: "v1" });
    expect(resolveServiceUrl("https://ws-uv.canfar.net/skaha/", "v0")).toEqual({ baseUrl: "https://ws-uv.canfar.net/skaha/v0", apiVersion: "v0" });
    expect(resolveServiceUrl("https://ws-uv.canfar.net/skaha/v0", "v1")).toEqual({ baseUrl: "https://ws-uv.canfar.net/skaha/v0", apiVersion: "v0" });
    expect(resolveServiceUrl("https://gw.example.org/science/skaha?x=1#y").baseUrl).toBe("https://gw.example.org/science/skaha/v1");
  });

  it("refuses what cannot be a skaha server, saying why", () => {
    expect(() => resolveServiceUrl("ws-uv.canfar.net")).toThrow(/Invalid server URL "ws-uv.canfar.net": give http\(s\):\/\/host/);
    expect(() => resolveServiceUrl("ftp://host")).toThrow(/only http:\/\/ and https:\/\//);
    expect(() => resolveServiceUrl("https://me:pw@host")).toThrow(/credentials/);
    expect(() => resolveServiceUrl("https://host/skaha/v7")).toThrow(/Unsupported API version v7/);
  });
});
