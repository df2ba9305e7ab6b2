import type { BatchPlan, PlannedSet } from "../batch-files/plan.js";
import type { CreatedSet, CreateSetsResult, SessionSetRequest, SkyrunClient } from "../client/index.js";
import { reportClientError, shortReason } from "./client-error-report.js";
import { EXIT } from "./exit-codes.js";
import { UsageError } from "./output.js";

/**
 * A number for HTCondor's `$(Cluster)` and Slurm's job id, chosen before submitting
 * because the jobs' file names contain it and the server's ids exist only afterwards.
 * The clock in milliseconds, so two submissions get different numbers.
 */
export const newJobNumber = (now: number = Date.now()): number => now % 10_000_000_000;

const SESSION_ID = /^[a-z][a-z0-9]{7}$/;

/**
 * The session ids of jobs submitted earlier, as Slurm's `--dependency=afterok:` names
 * them: a session id, or the job number `skyrun sbatch` printed (`1234`, or `1234_7`
 * for one array task), found by the labels it set.
 */
export async function resolveJobReferences(client: SkyrunClient, refs: readonly string[], signal: AbortSignal): Promise<string[]> {
  const ids: string[] = [];
  for (const ref of refs) {
    if (SESSION_ID.test(ref)) {
      ids.push(ref);
      continue;
    }
    const m = /^(\d+)(?:_(\d+))?$/.exec(ref);
    if (!m) throw new UsageError(`--dependency: ${ref} is neither a job number skyrun printed nor a session id`);
    const labels = [`slurm.job=${m[1]!}`, ...(m[2] !== undefined ? [`slurm.array-task=${m[2]}`] : [])];
    const found = await client.list({ labels }, { signal });
    if (found.length === 0) throw new UsageError(`--dependency: no job ${ref} among your sessions (finished ones are listed for an hour)`);
    ids.push(...found.map((s) => s.id));
  }
  return ids;
}

/** The plan's sets as requests, with the earlier jobs each one waits for turned into dependsOn ids. */
async function requestsOf(client: SkyrunClient, plan: BatchPlan, signal: AbortSignal): Promise<SessionSetRequest[]> {
  const sets: SessionSetRequest[] = [];
  for (const set of plan.sets) {
    const { title: _title, eventLog: _eventLog, afterJobs, ...request } = set;
    if (!afterJobs || afterJobs.length === 0) {
      sets.push(request);
      continue;
    }
    const ids = await resolveJobReferences(client, afterJobs, signal);
    sets.push({ ...request, sessions: request.sessions.map((s) => ({ ...s, dependsOn: [...(s.dependsOn ?? []), ...ids] })) });
  }
  return sets;
}

/** Creates the plan's sets, parents first; `onCreated` hears of each as it is made. */
export async function submitPlan(client: SkyrunClient, plan: BatchPlan, signal: AbortSignal, onCreated?: (set: CreatedSet) => void): Promise<CreateSetsResult> {
  const sets = await requestsOf(client, plan, signal);
  return client.createSets(sets, { signal, ...(onCreated ? { onSetCreated: onCreated } : {}) });
}

/** Says on stderr which set failed and what was left behind; returns the exit status. */
export function reportSubmissionFailure(plan: BatchPlan, result: CreateSetsResult): number {
  if (!result.failed) return EXIT.OK;
  const title = (key: string): string => plan.sets.find((s: PlannedSet) => s.key === key)?.title ?? key;
  process.stderr.write(`skyrun: ${title(result.failed.key)} was not created: ${shortReason(result.failed.error)}\n`);
  if (result.notSent.length > 0) process.stderr.write(`skyrun: not submitted either: ${result.notSent.map(title).join(", ")}\n`);
  const left = result.created.flatMap((c) => c.ids);
  if (left.length > 0) process.stderr.write(`skyrun: already created, and left as they are: ${left.join(" ")}\n  delete them with: skyrun delete -f ${left.join(" ")}\n`);
  return reportClientError(result.failed.error).exit;
}
