import type { SessionRequestJson } from "../../contracts/session.js";
import type { Job } from "../../domain/job.js";
import type { AttemptRecord } from "../../jobs/session-details.js";

/**
 * What a session was created with, as stored. Environment values are left out: users put
 * tokens in them, and this JSON goes to every open dashboard, the stream and administrators'
 * views; the names show what was set. Registry credentials are only said to exist.
 */
export function toSessionRequestJson(job: Job): SessionRequestJson {
  const r = job.resources;
  return {
    image: job.image,
    name: job.name,
    ...(job.command ? { cmd: [...job.command] } : {}),
    ...(job.args ? { args: [...job.args] } : {}),
    env: job.env.map(([name]) => name),
    cores: r.coresRequest,
    coresLimit: r.coresLimit,
    ram: r.ramRequestGB,
    ramLimit: r.ramLimitGB,
    gpus: r.gpus,
    fixedResources: r.fixed,
    replicas: job.replicaCount ?? 1,
    labels: { ...job.labels },
    retries: job.retries,
    dependsOn: [...job.dependsOn],
    priority: job.priority,
    walltime: job.deadlineSeconds,
    ...(job.workdir !== null ? { workdir: job.workdir } : {}),
    ...(job.stdoutPath !== null ? { stdout: job.stdoutPath } : {}),
    ...(job.stderrPath !== null ? { stderr: job.stderrPath } : {}),
    disk: job.diskGB,
    ...(job.notifyUrl !== null ? { notify: job.notifyUrl } : {}),
    ...(job.throttle ? { maxRunning: job.throttle.max } : {}),
    registryAuth: job.sealedRegistryAuth !== null,
  };
}

/**
 * When the session's current status began. Pending counts from submission, or from the
 * end of the attempt before when it is a retry (the job's last change when the attempts
 * are not at hand); Terminating from its last change, which is the move to it.
 */
export function stateSinceOf(job: Job, attempts?: readonly AttemptRecord[]): Date {
  switch (job.state) {
    case "queued":
    case "starting":
      if (job.attempt <= 1) return job.createdAt;
      return attempts?.at(-1)?.finishedAt ?? job.updatedAt;
    case "running":
      return job.startedAt ?? job.updatedAt;
    case "terminating":
      return job.updatedAt;
    default:
      return job.finishedAt ?? job.updatedAt;
  }
}
