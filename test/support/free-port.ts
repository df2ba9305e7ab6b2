import { createServer } from "node:net";

/**
 * Where a free port comes from:
 * - `range`: the ports agreed per engineer on this shared machine,
 *   `SKYRUN_TEST_SERVICE_PORT_FIRST`..`SKYRUN_TEST_SERVICE_PORT_LAST` (default 5500-5599).
 *   For services whose port ends up in configuration files, URLs or directory names
 *   (registry, OIDC issuer, token service), so two engineers' runs never meet.
 * - `kernel`: any free port the kernel picks from its ephemeral range. For servers the
 *   suite starts and forgets (skyrun processes, the benchmark harness) and for addresses
 *   where nothing must listen.
 */
export type PortSource = "range" | "kernel";

export interface FreePortOptions {
  /** @defaultValue "range" */
  readonly from?: PortSource;
}

/** Can something listen on this port now (nothing else holds it)? */
export const canListen = (port: number, host = "127.0.0.1"): Promise<boolean> => new Promise((resolve) => {
  const s = createServer();
  s.once("error", () => resolve(false));
  s.listen(port, host, () => s.close(() => resolve(true)));
});

const kernelPort = (): Promise<number> => new Promise((resolve, reject) => {
  const s = createServer();
  s.listen(0, "127.0.0.1", () => {
    const port = (s.address() as { port: number }).port;
    s.close(() => resolve(port));
  });
  s.on("error", reject);
});

/** A free port in the engineer's range, starting at a random point so parallel files rarely collide. */
async function rangePort(): Promise<number> {
  const first = Number(process.env.SKYRUN_TEST_SERVICE_PORT_FIRST ?? 5500);
  const last = Number(process.env.SKYRUN_TEST_SERVICE_PORT_LAST ?? 5599);
  const span = last - first + 1;
  const start = Math.floor(Math.random() * span);
  for (let i = 0; i < span; i++) {
    const port = first + ((start + i) % span);
    if (await canListen(port)) return port;
  }
  throw new Error(`no free port in ${first}-${last}`);
}

/**
 * A TCP port on loopback that nothing listens on now, for the tests and the benchmark
 * harness: every service they start takes its port from here. It is free when returned,
 * not reserved: start the service soon after.
 */
export function freePort(o: FreePortOptions = {}): Promise<number> {
  return (o.from ?? "range") === "kernel" ? kernelPort() : rangePort();
}
