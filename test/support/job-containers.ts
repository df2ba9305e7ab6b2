import Docker from "dockerode";
import { LABEL_MANAGED } from "../../src/executors/local/engine-container-spec.js";
import { loadOrCreateInstanceId } from "../../src/storage/instance-id.js";

/**
 * Removes every engine container of the skyrun that owns this data directory. A stopped
 * skyrun leaves its jobs running (a restart must lose nothing), so a test or a bench that
 * is done with a server for good removes them itself: a CPU-bound job that outlived its
 * test would otherwise slow every test after it. Never throws.
 */
export async function removeJobContainers(engineSocket: string, dataDir: string): Promise<void> {
  const docker = new Docker({ socketPath: engineSocket });
  const label = `${LABEL_MANAGED}=${loadOrCreateInstanceId(dataDir)}`;
  const containers = await docker.listContainers({ all: true, filters: { label: [label] } }).catch(() => []);
  await Promise.all(containers.map((c) => docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined)));
}
