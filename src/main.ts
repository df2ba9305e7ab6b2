/**
 * The composition root: reads nothing itself, receives a parsed Config, builds every
 * part and wires them. The only module that imports concrete implementations.
 */
import { mkdirSync, readFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import type { Logger } from "pino";
import { createApiMetrics } from "./api/api-metrics.js";
import { buildApp } from "./api/build-app.js";
import { defaultDashboardDir, loadDashboardAssets } from "./api/dashboard-assets.js";
import type { Config } from "./config/config-schema.js";
import { redactConfig } from "./config/load-config.js";
import { systemClock, type Clock } from "./domain/clock.js";
import { effectiveContext } from "./domain/resources.js";
import { EXECUTORS, type ExecutorContext } from "./executors/registry.js";
import { writeSeccompProfile } from "./executors/seccomp-profile-file.js";
import { canListImages, type Executor, type RegistryCredentials } from "./executors/executor.js";
import { createAuthenticator } from "./identity/authenticator.js";
import { createClientCertificateVerifier } from "./identity/client-certificate-verifier.js";
import { createIdentityGuard, describeCollision } from "./identity/identity-guard.js";
import { createOidcVerifier } from "./identity/oidc-verifier.js";
import { prepareServerTls, type ServerTls } from "./identity/server-tls.js";
import { createImageCatalog } from "./images/image-catalog.js";
import { createSecretBox, loadOrCreateKey, type SecretBox } from "./identity/secret-box.js";
import type { JobServiceDeps } from "./jobs/job-service-deps.js";
import { createCachedUsageReader } from "./jobs/usage-reader.js";
import { UsageRecorder } from "./jobs/usage-recorder.js";
import { createSchedulingService } from "./scheduler/scheduling-service.js";
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

/** The scrape token of /metrics, from its file; a file without one is a mistake worth stopping for. */
function metricsToken(config: Config): string | undefined {
  if (config.metrics.tokenFile === "") return undefined;
  const token = readFileSync(config.metrics.tokenFile, "utf8").trim();
  if (token.length < 16) throw new Error(`metrics.tokenFile ${config.metrics.tokenFile}: expected a token of at least 16 characters`);
  return token;
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

/** The configured executor, given only its own section of the configuration. */
function openExecutor(config: Config, ctx: ExecutorContext): Promise<Executor> {
  if (config.executor === "slurm") return EXECUTORS.slurm(config.slurm, ctx);
  return EXECUTORS.local(config.local, ctx);
}

/** Builds and starts skyrun: store, engine, scheduler, HTTP. */
export async function startServer(config: Config, o: StartOptions): Promise<RunningServer> {
  const log = o.log;
  const clock = o.clock ?? systemClock;
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  log.info({ config: redactConfig(config) }, "starting skyrun");
  // Certificate problems are found before anything else is opened.
  const scrapeToken = metricsToken(config);
  const tls = config.tls.enabled ? prepareServerTls(config.tls, join(config.dataDir, "tls"), serverHostnames(config), clock.now()) : undefined;
  const layout = createDataLayout(config.dataDir, config.storage.arcRoot);
  const store = await openStore(config.store, { clock });
  const identities = createIdentityGuard(store.users);
  const collisions = await store.users.idCollisions();
  if (collisions.length > 0) {
    log.warn({ collisions: collisions.map(describeCollision) }, "uids and gids collide: these users and groups' members get no sessions until an operator gives one of each pair another number");
  }
  const secrets = openSecrets(config);
  const executor = await openExecutor(config, { layout, log, clock, seccompProfile: writeSeccompProfile(join(config.dataDir, "seccomp.json"), log), registries: config.registries });
  const dirs = createJobDirectories(layout);
  const scheduling = createSchedulingService({
    store,
    executor,
    dirs,
    clock,
    log,
    // A job never runs with a number another principal holds (issue 11).
    buildRunRequest: async (job) => identities.check(job.owner).then(() => buildRunRequest(job, {
      layout,
      dirs,
      publicHostname: config.sessions.publicHostname,
      unsealRegistryAuth: (sealed) => JSON.parse(secrets.open(sealed)) as RegistryCredentials,
      groupNames: async () => new Map((await store.users.listGroups()).map((g) => [g.gid, g.name])),
    })),
  }, {
    ...config.scheduler,
    capacity: config.capacity,
    listingTtlSeconds: config.sessions.listingTtlSeconds,
    maxLogMiB: config.sessions.maxLogMiB,
    retentionSeconds: config.sessions.retentionSeconds,
    purgeIntervalMs: config.sessions.purgeIntervalSeconds * 1000,
    reconcileIntervalMs: config.scheduler.reconcileIntervalSeconds * 1000,
  });
  const images = createImageCatalog({
    localImages: async () => (canListImages(executor) ? executor.listImages() : []),
    inspectLocal: async (reference) => (canListImages(executor) ? executor.inspectImage(reference) : undefined),
    clock,
    log,
  }, { registries: config.registries, refreshSeconds: config.imageCatalog.refreshSeconds });
  let submitSeq = await store.jobs.maxSubmitSeq();
  const jobs: JobServiceDeps = {
    store,
    scheduling,
    engineKind: executor.kind,
    logFormat: executor.logFormat,
    layout,
    secrets,
    clock,
    context: effectiveContext(config.context, config.capacity),
    sessions: {
      deadlineSeconds: config.sessions.deadlineSeconds,
      renewSeconds: config.sessions.renewSeconds,
      maxReplicas: config.sessions.maxReplicas,
      maxQueuedPerUser: config.scheduler.limits.maxQueuedJobs,
      viewAll: config.auth.viewAll,
    },
    registries: config.registries.map((r) => r.host),
    notifyAllowedPrefixes: config.notifications.allowedUrls,
    registryAliases: config.registryAliases,
    images,
    usage: createCachedUsageReader({ readUsage: (job) => scheduling.liveUsage(job), clock }),
    nextSubmitSeq: () => ++submitSeq,
  };
  const metrics = createApiMetrics({
    queued: () => scheduling.counts().queued,
    running: () => scheduling.counts().live,
    coresInUse: () => scheduling.counts().inUse.cores,
  });
  const authenticator = createAuthenticator(store, {
    adminGroup: config.auth.adminGroup,
    usersGroup: config.auth.usersGroup,
    certificates: tls?.clientCa ? createClientCertificateVerifier(tls.clientCa) : undefined,
    oidc: config.oidc.issuer ? createOidcVerifier(config.oidc) : undefined,
    clock,
  });
  const app = await buildApp({ jobs, authenticator, metrics, identities }, {
    log,
    metricsAccess: { bearerToken: scrapeToken, public: config.metrics.public },
    dashboard: {
      assets: loadDashboardAssets(defaultDashboardDir()),
      oidc: config.oidc.issuer ? { issuer: config.oidc.issuer, clientId: config.oidc.audience } : null,
    },
    tes: config.tes,
    ...(tls ? { server: httpsOptions(tls) } : {}),
  });
  await scheduling.start();
  images.start();
  const usageRecorder = new UsageRecorder({ store, usage: jobs.usage, clock, onError: (err) => log.warn({ err }, "usage sampling failed") });
  usageRecorder.start();
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
      usageRecorder.close();
      await app.close();
      images.close();
      await scheduling.close();
      await store.close();
    },
  };
}

/** The store alone, for operators' commands (users, tokens) that work beside a running server. */
export async function openAdministration(config: Config): Promise<Store> {
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  return openStore(config.store);
}
