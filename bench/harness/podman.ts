import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

/** One bare `podman run --rm IMAGE CMD…`, the floor skyrun is compared with. Resolves with its wall time in ms. */
export async function podmanRun(containersConf: string, image: string, cmd: readonly string[]): Promise<number> {
  const t0 = performance.now();
  await run("podman", ["run", "--rm", image, ...cmd], { env: { ...process.env, CONTAINERS_CONF: containersConf } });
  return performance.now() - t0;
}

/** `total` bare podman runs, `parallelism` at a time; resolves with the makespan in ms. */
export async function podmanMakespan(containersConf: string, image: string, total: number, parallelism: number): Promise<number> {
  const t0 = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < total) {
      next++;
      await podmanRun(containersConf, image, ["true"]);
    }
  };
  await Promise.all(Array.from({ length: parallelism }, worker));
  return performance.now() - t0;
}
