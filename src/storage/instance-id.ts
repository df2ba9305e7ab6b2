import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * A stable id for the server that owns this data directory, made on first start. The
 * engine's containers carry it, so a server finds its own runs again after a restart
 * and ignores everyone else's.
 */
export function loadOrCreateInstanceId(dataDir: string): string {
  const path = join(dataDir, "instance-id");
  if (existsSync(path)) return readFileSync(path, "utf8").trim();
  const id = randomBytes(8).toString("hex");
  writeFileSync(path, id + "\n", { mode: 0o644 });
  return id;
}
