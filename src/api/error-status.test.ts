import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { AppError, ERROR_CODES } from "../domain/errors.js";
import { HTTP_STATUS, toErrorResponse } from "./error-status.js";

describe("error catalogue", () => {
  it("documents every error code in docs/errors.md with its status", () => {
    const doc = readFileSync(new URL("../../docs/errors.md", import.meta.url), "utf8");
    for (const code of ERROR_CODES) expect(doc).toMatch(new RegExp(`\\| \`${code}\` \\| ${HTTP_STATUS[code]} \\|`));
  });

  it("never shows internals on a 500", () => {
    const r = toErrorResponse(new Error("secret stack detail"));
    expect(r.status).toBe(500);
    expect(r.message).not.toContain("secret");
  });

  it("keeps the user's message on a 4xx", () => {
    expect(toErrorResponse(new AppError("VALIDATION_FAILED", "Invalid value for 'cores': 64"))).toMatchObject({ status: 400, message: "Invalid value for 'cores': 64" });
  });
});
