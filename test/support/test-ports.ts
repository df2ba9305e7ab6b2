import { canListen } from "./free-port.js";

/** The ports this suite's own services (registry, OIDC issuer) may use, agreed per engineer. */
const FIRST = Number(process.env.SKYRUN_TEST_SERVICE_PORT_FIRST ?? 5500);
const LAST = Number(process.env.SKYRUN_TEST_SERVICE_PORT_LAST ?? 5599);

/** A free loopback port in the suite's range, starting at a random point so parallel files rarely collide. */
export async function freeServicePort(): Promise<number> {
  const span = LAST - FIRST + 1;
  const start = Math.floor(Math.random() * span);
  for (let i = 0; i < span; i++) {
    const port = FIRST + ((start + i) % span);
    if (await canListen(port)) return port;
  }
  throw new Error(`no free port in ${FIRST}-${LAST}`);
}
