import { invalid, isAppError } from "../domain/errors.js";
import { newJobId } from "../domain/ids.js";
import { FIRST_ATTEMPT, isTerminal, NEVER, type Job } from "../domain/job.js";
import { parseRegistryAuthHeader } from "../domain/registry-auth.js";
import type { Principal } from "../identity/principal.js";
import { findOwnSession } from "./find-session.js";
import { checkImageSource } from "./image-source.js";
import type { JobServiceDeps } from "./job-service-deps.js";

/**
 * `POST /session/{id}?action=retry`: a new session with the request of one that has
 * ended (same image, command, environment, resources, labels and options), queued now.
 * The ended one stays as it was. A private image needs the credentials again, as they
 * are not kept once a session ends.
 */
export async function retrySession(deps: JobServiceDeps, principal: Principal, id: string, registryAuthHeader?: string): Promise<Job> {
  const old = await findOwnSession(deps, principal, id);
  if (!isTerminal(old.state)) throw invalid(`Session ${id} has not ended (it is ${old.state}); only an ended session can be retried.`, { parameter: "action" });
  const header = registryAuthHeader ? parseRegistryAuthHeader(registryAuthHeader) : null;
  const { image, auth } = await checkImageSource(deps, old.image, header);
  const now = deps.clock.now();
  const newId = newJobId();
  const job: Job = {
    ...old,
    ...FIRST_ATTEMPT,
    id: newId,
    image,
    owner: principal.owner,
    priority: principal.user.effectivePriority,
    // A copy runs alone: it leaves its set (and the set's throttle) but keeps REPLICA_ID and REPLICA_COUNT, which its program may read.
    arrayId: null,
    throttle: old.throttle?.key.startsWith("set:") ? { key: `set:${newId}`, max: old.throttle.max } : old.throttle,
    dependsOn: [],
    state: "queued",
    reason: null,
    exitCode: null,
    createdAt: now,
    startedAt: null,
    finishedAt: null,
    visibleUntil: NEVER,
    runHandle: null,
    sealedRegistryAuth: auth ? deps.secrets.seal(JSON.stringify(auth)) : null,
    submitSeq: deps.nextSubmitSeq(),
    updatedAt: now,
    updatedSeq: 0,
  };
  try {
    const [stored] = await deps.store.jobs.insertMany([job]);
    await deps.scheduling.submit([stored!]);
    return stored!;
  } catch (e) {
    if (isAppError(e) && e.code === "CONFLICT") return retrySession(deps, principal, id, registryAuthHeader);
    throw e;
  }
}
