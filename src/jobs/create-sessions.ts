import { AppError, ExecutorError, invalid, isAppError } from "../domain/errors.js";
import { parseCreateRequest, type Params } from "../domain/create-request.js";
import { newJobId, type JobId } from "../domain/ids.js";
import { isEngineLocalName, parseImageReference } from "../domain/image-reference.js";
import { NEVER, type Job } from "../domain/job.js";
import { parseRegistryAuthHeader, type RegistryAuth } from "../domain/registry-auth.js";
import type { Principal } from "../identity/principal.js";
import type { JobServiceDeps } from "./job-service-deps.js";
import { PLATFORM_REGISTRY, withRegistryAliases } from "./registry-aliases.js";

export interface CreateInput {
  readonly params: Params;
  /** The raw `x-skaha-registry-auth` header, if sent. */
  readonly registryAuthHeader?: string | undefined;
}

/** Ids of the caller's sessions that `dependsOn` names; a missing or foreign one is a 400. */
async function checkDependencies(deps: JobServiceDeps, principal: Principal, ids: readonly JobId[]): Promise<void> {
  if (ids.length === 0) return;
  const found = new Map((await deps.store.jobs.getMany(ids)).filter((j) => j.owner.username === principal.user.name).map((j) => [j.id, j]));
  const missing = ids.filter((id) => !found.has(id));
  if (missing.length > 0) throw invalid(`Invalid value for 'dependsOn': session ${missing.join(", ")} not found.`, { parameter: "dependsOn" });
}

/**
 * Where the image may come from (after registry aliases), and whether the caller's
 * credentials are needed:
 *   - a reference without a registry host (or under `localhost/`) must reach one of the
 *     engine's own images, never a copy of a registry's private image that the engine
 *     would otherwise resolve a short name, id or digest to (domain/image-access.ts); it
 *     runs under the canonical name the check found; credentials are not kept;
 *   - otherwise its registry must be one of the configured hosts, compared exactly
 *     (the platform compares by prefix, so `images.canfar.net.evil.org` passed);
 *   - an image the registry does not serve anonymously needs `x-skaha-registry-auth`.
 * @returns the image to run (canonical for engine images) and the credentials to keep for the pull, or null.
 */
async function checkImageSource(deps: Pick<JobServiceDeps, "registries" | "images">, image: string, auth: RegistryAuth | null): Promise<{ image: string; auth: RegistryAuth | null }> {
  if (isEngineLocalName(image)) {
    const decision = await deps.images.resolveLocal(image);
    if (decision?.kind === "refused") {
      throw invalid(
        `Invalid value for 'image': ${image} is, on this server's engine, a copy of ${decision.copyOf}, which comes from a registry. Name it ${decision.copyOf}; a private image needs your credentials in the x-skaha-registry-auth header.`,
        { parameter: "image" },
      );
    }
    return { image: decision?.image ?? image, auth: null };
  }
  const ref = parseImageReference(image);
  if (ref.host === null || !deps.registries.includes(ref.host)) {
    const allowed = deps.registries.length > 0 ? `images from ${deps.registries.join(", ")} (exact host and port) or` : "only";
    const hint = ref.host === PLATFORM_REGISTRY
      ? ` (The canfar client puts ${PLATFORM_REGISTRY}/ in front of names of fewer than three parts; the operator can map that host to this site's images with registryAliases.)`
      : "";
    throw invalid(`Invalid value for 'image': registry ${ref.host} is not allowed here. This server runs ${allowed} images on its own container engine (localhost/…, see GET /image).${hint}`, { parameter: "image" });
  }
  if (auth) return { image, auth };
  if (await deps.images.isPublic(ref)) return { image, auth: null };
  throw invalid(
    `No authentication provided for unknown or private image ${image}. Use the x-skaha-registry-auth request header with base64Encode(username:secret), e.g. --header "x-skaha-registry-auth: $(echo -n 'me:my-cli-secret' | base64)".`,
    { parameter: "x-skaha-registry-auth" },
  );
}

/**
 * `POST /session`: validates, stores the session(s) in one transaction, and queues
 * them. Replicas become `name-1` … `name-N` with REPLICA_ID / REPLICA_COUNT. The image is
 * stored (and shown) as it runs, after registry aliases.
 */
export async function createSessions(deps: JobServiceDeps, principal: Principal, input: CreateInput): Promise<Job[]> {
  const params = withRegistryAliases(input.params, deps.registryAliases);
  const { spec, replicas } = parseCreateRequest(params, { context: deps.context, maxReplicas: deps.sessions.maxReplicas });
  const header = input.registryAuthHeader ? parseRegistryAuthHeader(input.registryAuthHeader) : null;
  await checkDependencies(deps, principal, spec.dependsOn);
  const limit = deps.sessions.maxQueuedPerUser;
  const queued = deps.scheduling.queuedFor(principal.user.name);
  if (limit > 0 && queued + replicas > limit) {
    throw new AppError("QUOTA_EXCEEDED", `Too many queued sessions: you have ${queued} waiting and asked for ${replicas} more; the limit is ${limit} per user. Wait for some to start, or delete some.`);
  }
  const { image, auth } = await checkImageSource(deps, spec.image, header);
  if (!deps.scheduling.isEngineAvailable()) {
    throw new ExecutorError("EXECUTOR_UNAVAILABLE", "The container engine cannot be reached right now; try again shortly.");
  }
  const sealed = auth ? deps.secrets.seal(JSON.stringify(auth)) : null;
  const now = deps.clock.now();
  const build = (): Job[] => {
    const arrayId = replicas > 1 ? newJobId() : null;
    return Array.from({ length: replicas }, (_, i) => ({
      ...spec,
      image,
      priority: principal.user.effectivePriority,
      id: newJobId(),
      name: replicas > 1 ? `${spec.name}-${i + 1}` : spec.name,
      owner: principal.owner,
      state: "queued" as const,
      reason: null,
      exitCode: null,
      createdAt: now,
      startedAt: null,
      finishedAt: null,
      deadlineSeconds: deps.sessions.deadlineSeconds,
      visibleUntil: NEVER,
      executor: deps.engineKind,
      runHandle: null,
      arrayId,
      replicaIndex: replicas > 1 ? i + 1 : null,
      replicaCount: replicas > 1 ? replicas : null,
      sealedRegistryAuth: sealed,
      submitSeq: deps.nextSubmitSeq(),
    }));
  };
  let jobs = build();
  for (let attempt = 0; ; attempt++) {
    try {
      await deps.store.jobs.insertMany(jobs);
      break;
    } catch (e) {
      // 2·10^12 ids make a collision rare; a clash just draws new ids.
      if (attempt < 2 && isAppError(e) && e.code === "CONFLICT") {
        jobs = build();
        continue;
      }
      throw e;
    }
  }
  await deps.scheduling.submit(jobs);
  return jobs;
}
