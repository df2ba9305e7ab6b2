import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeCliHome, runCli } from "../support/cli-runner.js";
import { DEMO_IMAGE } from "../support/paths.js";
import { startTestServer, type TestServer, type TestUser } from "../support/test-server.js";

// On a terminal, creating many replicas and waiting on many jobs draw a live progress bar
// with counts by phase. util-linux `script` gives the CLI a real pseudo-terminal.

let t: TestServer;
let alice: TestUser;

beforeAll(async () => {
  t = await startTestServer();
  alice = await t.addUser("alice", { uid: 20701 });
});
afterAll(async () => { await t.close(); });

const ROOT = new URL("../../", import.meta.url).pathname;
const quote = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;

/** Runs `skyrun …` under a pseudo-terminal; stdout and stderr arrive mixed, as on a screen. */
async function onTerminal(args: readonly string[]): Promise<{ code: number; screen: string }> {
  const home = makeCliHome();
  const command = ["node", `${ROOT}bin/skyrun.js`, ...args].map(quote).join(" ");
  const env = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: home, XDG_CONFIG_HOME: join(home, ".config"), SKYRUN_URL: t.url, SKYRUN_TOKEN: alice.token, TERM: "xterm", COLUMNS: "120" };
  try {
    const { stdout } = await promisify(execFile)("script", ["-qefc", command, "/dev/null"], { env, timeout: 55_000 });
    return { code: 0, screen: stdout };
  } catch (e) {
    const failed = e as { code?: number; stdout?: string };
    return { code: failed.code ?? 1, screen: failed.stdout ?? "" };
  }
}

describe("progress on a terminal", () => {
  it("draws a bar with counts by phase while replicas are created and waited for", async () => {
    const r = await onTerminal(["create", "-n", "bar", "-r", "4", "-c", "0.5", "--wait", DEMO_IMAGE, "--", "sh", "-c", "sleep 1"]);
    expect(r.code, r.screen).toBe(0);
    expect(r.screen).toMatch(/Waiting \[[█░]+\] \d\/4 \| /);
    expect(r.screen).toMatch(/Waiting \[█+\] 4\/4 \| Completed 4 \| /);
    expect(r.screen).toContain("\u001b[1GWaiting ["); // redrawn in place, from column 1
    expect(r.screen).not.toMatch(/^Waiting: /m); // no plain lines on a terminal
    expect(r.screen).toMatch(/bar-4\s+Completed\s+0/);
  });

  it("shows plain lines instead when stderr is piped", async () => {
    const r = await runCli(["create", "-n", "piped", "-r", "3", "-c", "0.5", "--wait", DEMO_IMAGE, "--", "true"], { env: { SKYRUN_URL: t.url, SKYRUN_TOKEN: alice.token } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toContain("\r");
    expect(r.stderr).not.toContain("█");
    expect(r.stderr).toMatch(/^Waiting: 3\/3 \| Completed 3 \| \d+s$/m);
    expect(r.stdout).not.toContain("Waiting"); // progress never pollutes data
  });
});
