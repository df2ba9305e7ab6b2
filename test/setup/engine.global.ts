import { execFileSync } from "node:child_process";
import { pino } from "pino";
import type { TestProject } from "vitest/node";
import { ensureEngineSocket } from "../../src/executors/local/engine-socket.js";
import { TEST_ROOT } from "../support/paths.js";

/**
 * Makes sure a real Podman answers on an Engine API socket and the test images exist,
 * then hands the socket path to every test file.
 */
export default async function setup(project: TestProject): Promise<void> {
  const log = pino({ level: "warn" });
  const socket = await ensureEngineSocket({ socketPath: process.env.SKYRUN_TEST_SOCKET ?? "", stateDir: `${TEST_ROOT}/podman`, log });
  execFileSync("bash", ["scripts/build-images.sh", "--python"], { stdio: "inherit" });
  // End-to-end tests run the built CLI, as users do: build it from the current sources.
  execFileSync("npm", ["run", "--silent", "build"], { stdio: "inherit" });
  project.provide("engineSocket", socket);
}

declare module "vitest" {
  export interface ProvidedContext {
    engineSocket: string;
    postgresUrl: string;
  }
}
