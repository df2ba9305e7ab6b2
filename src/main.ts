/**
 * The composition root: reads nothing itself, receives a parsed Config, builds every
 * part and wires them. The only module that imports concrete implementations.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import type { Logger } from "pino";
import { createApiMetrics } from "./api/api-metrics.js";
import { buildApp } from "./api/build-app.js";
import type { Config } from "./config/config-schema.js";
import { redactConfig } from "./config/load-config.js";
import { systemClock, type Clock } from "./domain/clock.js";
import { effectiveContext } from "./domain/resources.js";
import { EXECUTORS } from "./executors/registry.js";
import type { RegistryCredentials } from "./executors/executor.js";
import { createAuthenticator } from "./identity/authenticator.js";
import { createSecretBox, loadOrCreateKey, type SecretBox } from "./identity/secret-box.js";
import type { JobServiceDeps } from "./jobs/job-service-deps.js";
import { createJobRuntime } from "./scheduler/job-runtime.js";
import { buildRunRequest } from "./scheduler/run-request.js";
import { createDataLayout } from "./storage/data-layout.js";
import { createJobDirectories } from "./storage/job-directories.js";
import { openStore } from "./store/open-store.js";
import type { Store } from "./store/store.js";

export interface RunningServer {
  readonly app: FastifyInstance;
  /** Base URL, e.g. http://127.0.0.1:8080 */
  readonly url: string;
  readonly store: Store;
  close(): Promise<void>;
}

export interface StartOptions {
  readonly log: Logger;
  readonly clock?: Clock;
  /** Listen on the configured address (default) or only build the app (tests using inject()). */
  readonly listen?: boolean;
}

function openSecrets(config: Config): SecretBox {
  return createSecretBox(loadOrCreateKey(join(config.dataDir, "secret.key")));
}

/** Builds and starts skyrun: store, engine, scheduler, HTTP. */
export async function startServer(config: Config, o: StartOptions): Promise<RunningServer> {
  const log = o.log;
  const clock = o.clock ?? systemClock;
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  log.info({ config: redactConfig(config) }, "starting skyrun");
  const layout = createDataLayout(config.dataDir, config.storage.arcRoot);
  const store = await openStore(config.store);
  const secrets = openSecrets(config);
  const executor = await EXECUTORS[config.executor](config, layout, log);
  const dirs = createJobDirectories(layout);
  const runtime = createJobRuntime({
    store,
    executor,
    dirs,
    clock,
    log,
    buildRunRequest: (job) => buildRunRequest(job, {
      layout,
      dirs,
      publicHostname: config.sessions.publicHostname,
      unsealRegistryAuth: (sealed) => JSON.parse(secrets.open(sealed)) as RegistryCredentials,
    }),
  }, {
    ...config.scheduler,
    capacity: config.capacity,
    listingTtlSeconds: config.sessions.listingTtlSeconds,
    retentionSeconds: config.sessions.retentionSeconds,
    purgeIntervalMs: config.sessions.purgeIntervalSeconds * 1000,
    stopGraceSeconds: config.local.stopTimeoutSeconds,
  });
  let submitSeq = await store.jobs.maxSubmitSeq();
  const jobs: JobServiceDeps = {
    store,
    runtime,
    executor,
    layout,
    secrets,
    clock,
    context: effectiveContext(config.context, config.capacity),
    capacity: config.capacity,
    sessions: {
      deadlineSeconds: config.sessions.deadlineSeconds,
      renewSeconds: config.sessions.renewSeconds,
      maxReplicas: config.sessions.maxReplicas,
      stopGraceSeconds: config.local.stopTimeoutSeconds,
      maxQueuedPerUser: config.scheduler.limits.maxQueuedJobs,
    },
    registries: [],
    nextSubmitSeq: () => ++submitSeq,
  };
  const metrics = createApiMetrics({
    queued: () => runtime.queuedCount,
    running: () => runtime.ledger.holdCount,
    coresInUse: () => runtime.ledger.inUse.cores,
  });
  const authenticator = createAuthenticator(store, { adminGroup: config.auth.adminGroup });
  const app = await buildApp({ jobs, authenticator, metrics }, { log });
  await runtime.start();
  let url = "";
  if (o.listen !== false) {
    url = await app.listen({ host: config.http.host, port: config.http.port });
    url = url.replace("[::1]", "localhost");
    log.info({ url }, "skyrun listening");
  }
  return {
    app,
    url,
    store,
    async close() {
      await app.close();
      await runtime.close();
      await store.close();
    },
  };
}

/** The store alone, for operators' commands (users, tokens) that work beside a running server. */
export async function openAdministration(config: Config): Promise<Store> {
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  return openStore(config.store);
}
