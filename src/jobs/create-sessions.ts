import { AppError, ExecutorError, invalid, isAppError } from "../domain/errors.js";
import { parseCreateRequest, type CreateRequest, type Params } from "../domain/create-request.js";
import { newJobId, type JobId } from "../domain/ids.js";
import { FIRST_ATTEMPT, NEVER, type Job, type Throttle } from "../domain/job.js";
import { parseRegistryAuthHeader } from "../domain/registry-auth.js";
import type { Principal } from "../identity/principal.js";
import { checkNotifyUrl, resolveBatchPaths } from "./batch-paths.js";
import { checkImageSource } from "./image-source.js";
import type { JobServiceDeps } from "./job-service-deps.js";
import { withRegistryAliases } from "./registry-aliases.js";

export interface CreateInput {
  /** One request's parameters, or several (a JSON array body): differently specified sessions of one set. */
  readonly items: readonly Params[];
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

/** Parses every item; the set-wide options must agree, and a list of sessions gives each as one session. */
function parseItems(deps: JobServiceDeps, items: readonly Params[]): CreateRequest[] {
  if (items.length === 0) throw invalid("An empty list of sessions: give at least one.");
  const rules = { context: deps.context, maxReplicas: deps.sessions.maxReplicas, maxDeadlineSeconds: deps.sessions.deadlineSeconds };
  const parsed = items.map((p) => parseCreateRequest(withRegistryAliases(p, deps.registryAliases), rules));
  if (parsed.length > 1 && parsed.some((r) => r.replicas > 1)) throw invalid("Invalid value for 'replicas': in a list of sessions, give each session as one item (replicas is for identical copies).", { parameter: "replicas" });
  if (parsed.length > deps.sessions.maxReplicas) throw invalid(`Too many sessions in one request: ${parsed.length}; at most ${deps.sessions.maxReplicas}.`, { parameter: "replicas" });
  const first = JSON.stringify(parsed[0]!.set);
  if (parsed.some((r) => JSON.stringify(r.set) !== first)) throw invalid("The sessions of one list must agree on maxRunning, maxRunningLabel and notify, which apply to the whole set.", { parameter: "maxRunning" });
  return parsed;
}

/** The throttle of one session: the set's, or its owner's label group's. */
function throttleOf(r: CreateRequest, setId: string, owner: string): Throttle | null {
  const { maxRunning, maxRunningLabel } = r.set;
  if (maxRunning === null) return null;
  return { key: maxRunningLabel ? `label:${owner}:${maxRunningLabel}=${r.batch.labels[maxRunningLabel]}` : `set:${setId}`, max: maxRunning };
}

/**
 * `POST /session`: validates, stores the session(s) in one transaction, and queues
 * them. Replicas become `name-1` … `name-N` with REPLICA_ID / REPLICA_COUNT; a list of
 * differently specified sessions keeps each one's name. Sessions created together form
 * a set (its id is `setId`), which `maxRunning` and `notify` apply to. The image is
 * stored (and shown) as it runs, after registry aliases.
 */
export async function createSessions(deps: JobServiceDeps, principal: Principal, input: CreateInput): Promise<Job[]> {
  const requests = parseItems(deps, input.items);
  const total = requests.reduce((n, r) => n + r.replicas, 0);
  const header = input.registryAuthHeader ? parseRegistryAuthHeader(input.registryAuthHeader) : null;
  await checkDependencies(deps, principal, [...new Set(requests.flatMap((r) => r.spec.dependsOn))]);
  checkNotifyUrl(requests[0]!.set.notifyUrl, deps.notifyAllowedPrefixes);
  const limit = deps.sessions.maxQueuedPerUser;
  const queued = deps.scheduling.queuedFor(principal.user.name);
  if (limit > 0 && queued + total > limit) {
    throw new AppError("QUOTA_EXCEEDED", `Too many queued sessions: you have ${queued} waiting and asked for ${total} more; the limit is ${limit} per user. Wait for some to start, or delete some.`);
  }
  const sources = await Promise.all(requests.map((r) => checkImageSource(deps, r.spec.image, header)));
  const paths = requests.map((r) => resolveBatchPaths(principal, r.batch));
  if (!deps.scheduling.isEngineAvailable()) {
    throw new ExecutorError("EXECUTOR_UNAVAILABLE", "The container engine cannot be reached right now; try again shortly.");
  }
  const sealed = new Map(sources.map((s) => [s.auth, s.auth ? deps.secrets.seal(JSON.stringify(s.auth)) : null]));
  const now = deps.clock.now();
  const build = (): Job[] => {
    const setId = total > 1 ? newJobId() : null;
    return requests.flatMap((r, item) => Array.from({ length: r.replicas }, (_, i): Job => {
      const id = newJobId();
      return {
        ...r.spec,
        ...paths[item]!,
        image: sources[item]!.image,
        labels: r.batch.labels,
        retries: r.batch.retries,
        throttle: throttleOf(r, setId ?? id, principal.user.name),
        diskGB: r.batch.diskGB,
        notifyUrl: r.set.notifyUrl,
        priority: principal.user.effectivePriority,
        id,
        name: r.replicas > 1 ? `${r.spec.name}-${i + 1}` : r.spec.name,
        owner: principal.owner,
        state: "queued",
        reason: null,
        exitCode: null,
        createdAt: now,
        startedAt: null,
        finishedAt: null,
        deadlineSeconds: r.batch.walltimeSeconds ?? deps.sessions.deadlineSeconds,
        visibleUntil: NEVER,
        executor: deps.engineKind,
        runHandle: null,
        arrayId: setId,
        replicaIndex: r.replicas > 1 ? i + 1 : null,
        replicaCount: r.replicas > 1 ? r.replicas : null,
        sealedRegistryAuth: sealed.get(sources[item]!.auth) ?? null,
        submitSeq: deps.nextSubmitSeq(),
        ...FIRST_ATTEMPT,
        updatedAt: now,
        updatedSeq: 0,
      };
    }));
  };
  let jobs = build();
  for (let attempt = 0; ; attempt++) {
    try {
      jobs = await deps.store.jobs.insertMany(jobs);
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
