import { createServer } from "node:net";

/** A free TCP port on loopback (tests and the benchmark harness). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });
}

/** Can something listen on this port now (nothing else holds it)? */
export const canListen = (port: number, host = "127.0.0.1"): Promise<boolean> => new Promise((resolve) => {
  const s = createServer();
  s.once("error", () => resolve(false));
  s.listen(port, host, () => s.close(() => resolve(true)));
});
