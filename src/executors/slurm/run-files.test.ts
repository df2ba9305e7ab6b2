import { mkdtempSync, readFileSync, rmSync, statSync, existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { TEST_ROOT } from "../../../test/support/paths.js";
import type { JobId } from "../../domain/ids.js";
import type { RunRequest } from "../executor.js";
import { authFileContent, createRunFiles, fitsEnvFile } from "./run-files.js";

mkdirSync(TEST_ROOT, { recursive: true });
const dataDir = mkdtempSync(join(TEST_ROOT, "run-files-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const run: RunRequest = {
  jobId: "abcdefgh" as JobId, attempt: 1, image: "images.example.org/astro/tool:1.0", command: ["true"], args: null,
  env: [["A", "x y=z "], ["MULTI", "one\ntwo"], ["HOME", "/arc/home/alice"]],
  owner: { username: "alice", uid: 20001, gid: 20001, groups: [] },
  accounts: { user: { name: "alice", uid: 20001, gid: 20001, home: "/arc/home/alice", shell: "/bin/sh" }, groups: [{ name: "alice", gid: 20001 }] },
  resources: { coresRequest: 1, coresLimit: 1, ramRequestGB: 1, ramLimitGB: 1, gpus: 0, fixed: true },
  hostname: "h", workingDir: "/arc/home/alice", mounts: [], logPath: join(dataDir, "logs/ab/abcdefgh.log"), deadlineSeconds: 60,
  registryAuth: { username: "alice", secret: "pa55" },
};
const mode = (path: string) => statSync(path).mode & 0o777;

describe("a run's files", () => {
  const files = createRunFiles(dataDir);

  it("writes the environment and credentials where only the service can read them", async () => {
    const prepared = await files.write(run, "podman");
    expect(mode(prepared.paths.privateDir)).toBe(0o700);
    expect(mode(prepared.paths.envFile)).toBe(0o600);
    expect(readFileSync(prepared.paths.envFile, "utf8")).toBe("A=x y=z \nHOME=/arc/home/alice\n");
    expect(prepared.secretKeys).toEqual(["MULTI"]);
    expect(readFileSync(prepared.paths.secretFile(0), "utf8")).toBe("one\ntwo");
    expect(mode(prepared.paths.authFile)).toBe(0o600);
    expect(JSON.parse(readFileSync(prepared.paths.authFile, "utf8"))).toEqual({ auths: { "images.example.org": { auth: Buffer.from("alice:pa55").toString("base64") } } });
    expect(prepared.paths.exitRecord).toBe(join(dataDir, "logs/ab/abcdefgh.exit"));
  });

  it("writes NUL-separated entries in direct mode, where any value fits", async () => {
    const prepared = await files.write(run, "direct");
    expect(readFileSync(prepared.paths.envFile, "utf8")).toBe("A=x y=z \0MULTI=one\ntwo\0HOME=/arc/home/alice\0");
    expect(prepared.secretKeys).toEqual([]);
  });

  it("removes everything, twice without complaint", async () => {
    const prepared = await files.write(run, "podman");
    await files.remove(run.jobId, run.logPath);
    await files.remove(run.jobId, run.logPath);
    expect(existsSync(prepared.paths.privateDir)).toBe(false);
  });

  it("knows which values Podman's env file cannot carry", () => {
    expect(fitsEnvFile("a=b c")).toBe(true);
    expect(fitsEnvFile("a\nb")).toBe(false);
    expect(fitsEnvFile("a\rb")).toBe(false);
    expect(fitsEnvFile("x".repeat(40_000))).toBe(false);
  });

  it("keys credentials by the image's registry, Docker Hub for a bare name", () => {
    expect(Object.keys((JSON.parse(authFileContent("busybox", "u", "p")) as { auths: object }).auths)).toEqual(["docker.io"]);
    expect(Object.keys((JSON.parse(authFileContent("127.0.0.1:5000/a/b:1", "u", "p")) as { auths: object }).auths)).toEqual(["127.0.0.1:5000"]);
  });
});
