import { describe, expect, it } from "vitest";
import { acceptsSkyrunJson } from "./response-format.js";

describe("the JSON opt-in by media type (issue 14)", () => {
  it("is not taken from application/json, which the canfar client sends on every request", () => {
    expect(acceptsSkyrunJson("application/json")).toBe(false);
    expect(acceptsSkyrunJson("*/*")).toBe(false);
    expect(acceptsSkyrunJson(undefined)).toBe(false);
    expect(acceptsSkyrunJson("application/json, text/plain;q=0.9")).toBe(false);
  });

  it("is taken from skyrun's media type, alone, among others, with parameters, in any letter case", () => {
    expect(acceptsSkyrunJson("application/vnd.skyrun+json")).toBe(true);
    expect(acceptsSkyrunJson("text/plain, Application/VND.Skyrun+JSON;q=0.5")).toBe(true);
    expect(acceptsSkyrunJson("application/vnd.skyrun+json; charset=utf-8")).toBe(true);
  });

  it("is not taken when the media type is refused with q=0", () => {
    expect(acceptsSkyrunJson("application/vnd.skyrun+json;q=0, text/plain")).toBe(false);
  });
});
