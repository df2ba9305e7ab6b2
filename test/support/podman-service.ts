import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, openSync } from "node:fs";
import { join } from "node:path";
import { pingSocket, writeContainersConf } from "../../src/executors/local/engine-socket.js";
import { waitUntil } from "./http.js";

/** A `podman system service` of a test's own, on its own socket, that the test may kill and start again. */
export interface PodmanService {
  readonly socket: string;
  /** Kills the service process (SIGKILL); containers it started keep running under conmon. */
  kill(): Promise<void>;
  /** Starts it again on the same socket and waits until it answers. */
  start(): Promise<void>;
}

export async function startPodmanService(dir: string): Promise<PodmanService> {
  mkdirSync(dir, { recursive: true });
  const socket = join(dir, "podman.sock");
  const conf = join(dir, "containers.conf");
  writeContainersConf(conf);
  let child: ChildProcess | undefined;
  const start = async () => {
    const log = openSync(join(dir, "service.log"), "a");
    child = spawn("podman", ["system", "service", "--time=0", `unix://${socket}`], { env: { ...process.env, CONTAINERS_CONF: conf }, stdio: ["ignore", log, log] });
    await waitUntil("the podman service to answer", async () => ((await pingSocket(socket)) ? true : undefined), 30_000, 100);
  };
  await start();
  return {
    socket,
    start,
    async kill() {
      const c = child;
      if (!c || c.exitCode !== null) return;
      const exited = new Promise((resolve) => c.once("exit", resolve));
      c.kill("SIGKILL");
      await exited;
    },
  };
}
