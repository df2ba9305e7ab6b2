/**
 * The composition root: reads nothing itself, receives a parsed Config, builds every
 * part and wires them. The only module that imports concrete implementations.
 */
import { mkdirSync } from "node:fs";
import { hostname } from "node:os";
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
import { canListImages, type RegistryCredentials } from "./executors/executor.js";
import { createAuthenticator } from "./identity/authenticator.js";
import { createClientCertificateVerifier } from "./identity/client-certificate-verifier.js";
import { createOidcVerifier } from "./identity/oidc-verifier.js";
import { prepareServerTls, type ServerTls } from "./identity/server-tls.js";
import { createImageCatalog } from "./images/image-catalog.js";
import { createSecretBox, loadOrCreateKey, type SecretBox } from "./identity/secret-box.js";
import type { JobServiceDeps } from "./jobs/job-service-deps.js";
import { createCachedUsageReader } from "./jobs/usage-reader.js";
import { createJobRuntime } from "./scheduler/job-runtime.js";
import { buildRunRequest } from "./scheduler/run-request.js";
import { createDataLayout } from "./storage/data-layout.js";
import { createJobDirectories } from "./storage/job-directories.js";
import { openStore } from "./store/open-store.js";
import type { Store } from "./store/store.js";

export interface RunningServer {
  readonly app: FastifyInstance;
  /** Base URL, e.g. https://127.0.0.1:8080 */
  readonly url: string;
  /** The CA file clients trust when skyrun generated its own certificate (`curl --cacert`); else undefined. */
  readonly tlsCaFile: string | undefined;
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

/** Names the generated server certificate covers: loopback, this host, the listen address, the public name. */
function serverHostnames(config: Config): string[] {
  const names = ["localhost", "127.0.0.1", "::1", hostname(), config.sessions.publicHostname];
  if (!["0.0.0.0", "::", ""].includes(config.http.host)) names.push(config.http.host);
  return [...new Set(names.filter((n) => n !== ""))];
}

/** Fastify's `https` options: our certificate, and when a client CA is set, ask for (but let us judge) client certificates. */
const httpsOptions = (tls: ServerTls) => ({
  https: {
    key: tls.key,
    cert: tls.cert,
    minVersion: "TLSv1.2" as const,
    ...(tls.clientCa ? { ca: tls.clientCa, requestCert: true, rejectUnauthorized: false } : {}),
  },
});

/** Builds and starts skyrun: store, engine, scheduler, HTTP. */
export async function startServer(config: Config, o: StartOptions): Promise<RunningServer> {
  const log = o.log;
  const clock = o.clock ?? systemClock;
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  log.info({ config: redactConfig(config) }, "starting skyrun");
  // Certificate problems are found before anything else is opened.
  const tls = config.tls.enabled ? prepareServerTls(config.tls, join(config.dataDir, "tls"), serverHostnames(config), clock.now()) : undefined;
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
      groupNames: async () => new Map((await store.users.listGroups()).map((g) => [g.gid, g.name])),
    }),
  }, {
    ...config.scheduler,
    capacity: config.capacity,
    listingTtlSeconds: config.sessions.listingTtlSeconds,
    retentionSeconds: config.sessions.retentionSeconds,
    purgeIntervalMs: config.sessions.purgeIntervalSeconds * 1000,
    reconcileIntervalMs: config.scheduler.reconcileIntervalSeconds * 1000,
    stopGraceSeconds: config.local.stopTimeoutSeconds,
  });
  const images = createImageCatalog({
    localImages: async () => (canListImages(executor) ? executor.listImages() : []),
    log,
  }, { registries: config.registries, refreshSeconds: config.imageCatalog.refreshSeconds });
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
      viewAll: config.auth.viewAll,
    },
    registries: config.registries.map((r) => r.host),
    registryAliases: config.registryAliases,
    images,
    usage: createCachedUsageReader({ readUsage: (job) => executor.usage({ jobId: job.id, handle: job.runHandle }), clock }),
    nextSubmitSeq: () => ++submitSeq,
  };
  const metrics = createApiMetrics({
    queued: () => runtime.queuedCount,
    running: () => runtime.ledger.holdCount,
    coresInUse: () => runtime.ledger.inUse.cores,
  });
  const authenticator = createAuthenticator(store, {
    adminGroup: config.auth.adminGroup,
    usersGroup: config.auth.usersGroup,
    certificates: tls?.clientCa ? createClientCertificateVerifier(tls.clientCa) : undefined,
    oidc: config.oidc.issuer ? createOidcVerifier(config.oidc) : undefined,
    clock,
  });
  const app = await buildApp({ jobs, authenticator, metrics }, { log, ...(tls ? { server: httpsOptions(tls) } : {}) });
  await runtime.start();
  images.start();
  let url = "";
  if (o.listen !== false) {
    url = await app.listen({ host: config.http.host, port: config.http.port });
    url = url.replace("[::1]", "localhost");
    log.info({ url }, "skyrun listening");
  }
  return {
    app,
    url,
    tlsCaFile: tls?.generatedCaFile,
    store,
    async close() {
      await app.close();
      images.close();
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
