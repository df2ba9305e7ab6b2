import type { Insertable, Selectable, Updateable } from "kysely";
import type { JobId } from "../domain/ids.js";
import type { Job, JobState } from "../domain/job.js";
import type { JobsTable } from "./schema.js";
import type { JobPatch } from "./store.js";

type JobRow = Selectable<JobsTable>;

const json = (text: string | null): unknown => (text === null ? null : JSON.parse(text));
const date = (ms: number | null): Date | null => (ms === null ? null : new Date(Number(ms)));

/** Row → domain job. The only place that knows column names. */
export function rowToJob(r: JobRow): Job {
  return {
    id: r.id as JobId,
    owner: { username: r.owner, uid: r.uid, gid: r.gid, groups: JSON.parse(r.groups_json) as number[] },
    name: r.name,
    image: r.image,
    type: "headless",
    command: json(r.command_json) as string[] | null,
    args: json(r.args_json) as string[] | null,
    env: JSON.parse(r.env_json) as [string, string][],
    resources: {
      coresRequest: r.cores_request,
      coresLimit: r.cores_limit,
      ramRequestGB: r.ram_request_gb,
      ramLimitGB: r.ram_limit_gb,
      gpus: r.gpus,
      fixed: Boolean(r.fixed_resources),
    },
    priority: r.priority,
    dependsOn: (json(r.depends_on_json) as JobId[] | null) ?? [],
    arrayId: r.array_id,
    replicaIndex: r.replica_index,
    replicaCount: r.replica_count,
    state: r.state as JobState,
    reason: r.reason,
    exitCode: r.exit_code,
    executor: r.executor,
    runHandle: r.run_handle,
    deadlineSeconds: r.deadline_seconds,
    submitSeq: Number(r.submit_seq),
    createdAt: new Date(Number(r.created_at)),
    startedAt: date(r.started_at),
    finishedAt: date(r.finished_at),
    visibleUntil: new Date(Number(r.visible_until)),
    sealedRegistryAuth: r.sealed_registry_auth,
    labels: r.labels_json ? (JSON.parse(r.labels_json) as Record<string, string>) : NO_LABELS,
    retries: r.retries,
    throttle: r.throttle_key !== null && r.throttle_max !== null ? { key: r.throttle_key, max: r.throttle_max } : null,
    workdir: r.workdir,
    stdoutPath: r.stdout_path,
    stderrPath: r.stderr_path,
    diskGB: r.disk_gb,
    notifyUrl: r.notify_url,
    attempt: r.attempt,
    retryAt: date(r.retry_at),
    cpuSeconds: r.cpu_seconds,
    updatedAt: new Date(Number(r.updated_at)),
    updatedSeq: Number(r.updated_seq),
  };
}

/** Shared by every job without labels. */
const NO_LABELS: Readonly<Record<string, string>> = Object.freeze({});

/** Domain job → row for insertion. */
export function jobToRow(j: Job): Insertable<JobsTable> {
  return {
    id: j.id,
    owner: j.owner.username,
    uid: j.owner.uid,
    gid: j.owner.gid,
    groups_json: JSON.stringify(j.owner.groups),
    name: j.name,
    image: j.image,
    type: j.type,
    command_json: j.command ? JSON.stringify(j.command) : null,
    args_json: j.args ? JSON.stringify(j.args) : null,
    env_json: JSON.stringify(j.env),
    cores_request: j.resources.coresRequest,
    cores_limit: j.resources.coresLimit,
    ram_request_gb: j.resources.ramRequestGB,
    ram_limit_gb: j.resources.ramLimitGB,
    gpus: j.resources.gpus,
    fixed_resources: j.resources.fixed ? 1 : 0,
    priority: j.priority,
    depends_on_json: j.dependsOn.length > 0 ? JSON.stringify(j.dependsOn) : null,
    array_id: j.arrayId,
    replica_index: j.replicaIndex,
    replica_count: j.replicaCount,
    state: j.state,
    reason: j.reason,
    exit_code: j.exitCode,
    executor: j.executor,
    run_handle: j.runHandle,
    deadline_seconds: j.deadlineSeconds,
    submit_seq: j.submitSeq,
    created_at: j.createdAt.getTime(),
    started_at: j.startedAt?.getTime() ?? null,
    finished_at: j.finishedAt?.getTime() ?? null,
    visible_until: j.visibleUntil.getTime(),
    sealed_registry_auth: j.sealedRegistryAuth,
    labels_json: Object.keys(j.labels).length > 0 ? JSON.stringify(j.labels) : null,
    retries: j.retries,
    throttle_key: j.throttle?.key ?? null,
    throttle_max: j.throttle?.max ?? null,
    workdir: j.workdir,
    stdout_path: j.stdoutPath,
    stderr_path: j.stderrPath,
    disk_gb: j.diskGB,
    notify_url: j.notifyUrl,
    attempt: j.attempt,
    retry_at: j.retryAt?.getTime() ?? null,
    cpu_seconds: j.cpuSeconds,
    updated_at: j.updatedAt.getTime(),
    updated_seq: j.updatedSeq,
  };
}

const ms = (d: Date | null | undefined): number | null | undefined => (d === undefined ? undefined : d === null ? null : d.getTime());

/** Patch → column updates, leaving out what the patch does not mention. */
export function patchToRow(p: JobPatch): Updateable<JobsTable> {
  const row: Updateable<JobsTable> = {};
  if (p.reason !== undefined) row.reason = p.reason;
  if (p.exitCode !== undefined) row.exit_code = p.exitCode;
  if (p.startedAt !== undefined) row.started_at = ms(p.startedAt);
  if (p.finishedAt !== undefined) row.finished_at = ms(p.finishedAt);
  if (p.runHandle !== undefined) row.run_handle = p.runHandle;
  if (p.visibleUntil !== undefined) row.visible_until = p.visibleUntil.getTime();
  if (p.deadlineSeconds !== undefined) row.deadline_seconds = p.deadlineSeconds;
  if (p.coreSeconds !== undefined) row.core_seconds = p.coreSeconds;
  if (p.sealedRegistryAuth !== undefined) row.sealed_registry_auth = p.sealedRegistryAuth;
  if (p.attempt !== undefined) row.attempt = p.attempt;
  if (p.retryAt !== undefined) row.retry_at = ms(p.retryAt);
  if (p.cpuSeconds !== undefined) row.cpu_seconds = p.cpuSeconds;
  return row;
}
