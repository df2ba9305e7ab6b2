import { chmodSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { loadClientSettings, readSettingsFile, settingsPath, toClientOptions, writeSettingsFile } from "./client-settings.js";

let home: string;

beforeEach(() => {
  const root = process.env.SKYRUN_TEST_ROOT ?? tmpdir();
  mkdirSync(root, { recursive: true });
  home = mkdtempSync(join(root, "settings-unit-"));
});

describe("where settings live", () => {
  it("is SKYRUN_CONFIG, else XDG_CONFIG_HOME/skyrun, else ~/.config/skyrun", () => {
    expect(settingsPath({ HOME: home })).toBe(join(home, ".config", "skyrun", "config.yaml"));
    expect(settingsPath({ HOME: home, XDG_CONFIG_HOME: "/x/cfg" })).toBe("/x/cfg/skyrun/config.yaml");
    expect(settingsPath({ HOME: home, XDG_CONFIG_HOME: "relative" })).toBe(join(home, ".config", "skyrun", "config.yaml"));
    expect(settingsPath({ HOME: home, SKYRUN_CONFIG: "/etc/skyrun.yaml" })).toBe("/etc/skyrun.yaml");
  });
});

describe("reading and writing", () => {
  it("writes mode 0600 in a 0700 folder and reads back; relative paths are relative to the file", () => {
    const path = join(home, "cfg", "skyrun", "config.yaml");
    writeSettingsFile(path, { url: "https://h/skaha", token: "t0k", apiVersion: "v0" });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(join(home, "cfg", "skyrun")).mode & 0o777).toBe(0o700);
    expect(readSettingsFile(path)).toEqual({ url: "https://h/skaha", token: "t0k", apiVersion: "v0", cert: undefined, ca: undefined });
    writeFileSync(path, "url: https://h\ncert: certs/me.pem\n");
    expect(readSettingsFile(path).cert).toBe(join(home, "cfg", "skyrun", "certs", "me.pem"));
  });

  it("names the file and the key when the file is wrong", () => {
    const path = join(home, "bad.yaml");
    writeFileSync(path, "url: [unclosed\n");
    expect(() => readSettingsFile(path)).toThrow(/bad.yaml is not valid YAML/);
    writeFileSync(path, "colour: blue\n");
    expect(() => readSettingsFile(path)).toThrow("Unknown setting 'colour'. Settings: url, token, cert, ca, apiVersion.");
    writeFileSync(path, "apiVersion: v9\n");
    expect(() => readSettingsFile(path)).toThrow(/must be one of v0, v1/);
    writeFileSync(path, "- a list\n");
    expect(() => readSettingsFile(path)).toThrow(/must be a mapping/);
  });
});

describe("precedence", () => {
  it("file < environment < flags, and says where each value came from", () => {
    const path = join(home, "c.yaml");
    writeSettingsFile(path, { url: "https://file", token: "from-file", apiVersion: "v0" });
    const loaded = loadClientSettings({ env: { HOME: home, SKYRUN_URL: "https://env" }, flags: { apiVersion: "v1" }, path });
    expect(loaded.settings).toEqual({ url: "https://env", token: "from-file", apiVersion: "v1" });
    expect(loaded.sources).toEqual({ url: "env", token: "file", apiVersion: "flag" });
  });

  it("takes credentials from one layer only: a certificate in the environment drops the file's token", () => {
    const path = join(home, "c.yaml");
    writeSettingsFile(path, { url: "https://file", token: "from-file" });
    const loaded = loadClientSettings({ env: { HOME: home, SKYRUN_CERT: "/p/cadcproxy.pem" }, path });
    expect(loaded.settings).toEqual({ url: "https://file", cert: "/p/cadcproxy.pem" });
    expect(toClientOptions(loaded.settings)).toMatchObject({ url: "https://file", certificate: "/p/cadcproxy.pem", token: undefined });
  });

  it("falls back to ~/.ssl/cadcproxy.pem only when no credentials are configured", () => {
    mkdirSync(join(home, ".ssl"));
    writeFileSync(join(home, ".ssl", "cadcproxy.pem"), "");
    const path = join(home, "none.yaml");
    expect(loadClientSettings({ env: { HOME: home }, path }).settings).toEqual({ cert: join(home, ".ssl", "cadcproxy.pem") });
    expect(loadClientSettings({ env: { HOME: home, SKYRUN_TOKEN: "t" }, path }).settings).toEqual({ token: "t" });
  });

  it("warns when a file holding a token is readable by others", () => {
    const path = join(home, "open.yaml");
    writeSettingsFile(path, { url: "https://h", token: "t" });
    chmodSync(path, 0o644);
    expect(loadClientSettings({ env: { HOME: home }, path }).warnings).toEqual([`${path} holds a token but others may read it; run: chmod 600 ${path}`]);
    expect(readFileSync(path, "utf8")).toContain("token: t");
  });

  it("needs a URL to make a client", () => {
    expect(() => toClientOptions({ token: "t" })).toThrow("No server URL: run `skyrun login URL`, or set SKYRUN_URL.");
  });
});
