import { z } from "zod";

const options = (defaults: { default: number; defaultRequest: number; defaultLimit: number; options: number[] }) =>
  z.object({
    default: z.number().positive().default(defaults.default),
    defaultRequest: z.number().positive().default(defaults.defaultRequest),
    defaultLimit: z.number().positive().default(defaults.defaultLimit),
    options: z.array(z.number().positive()).min(1).default(defaults.options),
  }).strict().prefault({});

/** The platform chart's memory options (GiB). */
const MEMORY_OPTIONS = [1, 2, 4, 6, 8, 10, 12, 14, 16, 20, 24, 26, 28, 30, 32, 36, 40, 44, 48, 56, 64, 80, 92, 112, 128, 140, 170, 192];
/** A registry host an alias may replace: any lower-case HOST[:PORT] but the engine's own `localhost`. */
const ALIAS_FROM = /^(?!localhost(:|$))[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:\d{1,5})?$/;
const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1);

/**
 * Every setting skyrun has, with its default. Sections the user leaves out get their
 * inner defaults; values that depend on the machine (capacity) are filled in by
 * `loadConfig` before parsing.
 */
export const ConfigSchema = z.object({
  dataDir: z.string().min(1),
  http: z.object({
    host: z.string().min(1).default("127.0.0.1"),
    port: z.coerce.number().int().min(0).max(65535).default(8080),
  }).strict().prefault({}),
  capacity: z.object({
    cores: z.number().positive(),
    ramGB: z.number().positive(),
    gpus: z.number().int().min(0).default(0),
  }).strict(),
  context: z.object({
    cores: options({ default: 2, defaultRequest: 1, defaultLimit: 8, options: range(16) }),
    memoryGB: options({ default: 8, defaultRequest: 4, defaultLimit: 32, options: MEMORY_OPTIONS }),
    gpus: z.object({ options: z.array(z.number().int().positive()).default(range(28)) }).strict().prefault({}),
    maxInteractiveSessions: z.number().int().min(0).default(0),
  }).strict().prefault({}),
  sessions: z.object({
    /** Deadline of a headless job after it starts: 14 days, as the platform. */
    deadlineSeconds: z.number().int().positive().default(1_209_600),
    /** What `action=renew` grants: the platform's 4-day session expiry. */
    renewSeconds: z.number().int().positive().default(345_600),
    /** Finished sessions stay in `GET /session` this long (the platform's ttlSecondsAfterFinished). */
    listingTtlSeconds: z.number().int().min(0).default(3600),
    /** Records, events and logs of finished sessions are kept this long, then purged. */
    retentionSeconds: z.number().int().min(0).default(30 * 86_400),
    /** How often finished sessions past retention are purged. */
    purgeIntervalSeconds: z.number().positive().default(60),
    maxReplicas: z.number().int().positive().default(10_000),
    /** A session's log may grow to this many MiB; a run that writes more is stopped (LogLimitExceeded) and its log cut there. 0: no limit. */
    maxLogMiB: z.number().int().min(0).default(256),
    /** Value of `skaha_hostname` inside jobs. */
    publicHostname: z.string().default("localhost"),
  }).strict().prefault({}),
  scheduler: z.object({
    /** A job waiting this long moves ahead of newer, smaller ones (so large jobs do not starve). */
    agingSeconds: z.number().int().min(0).default(3600),
    /** Fair share: usage charged this long ago counts half. Slurm's PriorityDecayHalfLife default. */
    fairShareHalfLifeSeconds: z.number().int().positive().default(7 * 86_400),
    /** How often running jobs' usage is charged to their users. */
    usageChargeIntervalSeconds: z.number().positive().default(10),
    /** At most this many queued jobs are examined in one scheduling pass. */
    backfillDepth: z.number().int().positive().default(1000),
    /**
     * While every core is taken, the runs of this many jobs next in line are created on the
     * engine, not started, so a freed core starts one without waiting for its creation. 0 = off.
     */
    prepareAhead: z.number().int().min(0).max(64).default(4),
    /** A session's failed attempt (retries=N) is retried after this long, twice as long each time after, at most retryMaxBackoffSeconds. */
    retryBackoffSeconds: z.number().min(0).default(10),
    retryMaxBackoffSeconds: z.number().min(0).default(600),
    /** How often live runs are compared with the engine (catches runs removed behind skyrun's back). */
    reconcileIntervalSeconds: z.number().positive().default(30),
    /** Per-user limits; 0 = no limit. Over a running limit a job waits; over the queued limit a submission gets 429. */
    limits: z.object({
      maxRunningJobs: z.number().int().min(0).default(0),
      maxRunningCores: z.number().min(0).default(0),
      maxQueuedJobs: z.number().int().min(0).default(100_000),
    }).strict().prefault({}),
  }).strict().prefault({}),
  store: z.discriminatedUnion("driver", [
    z.object({ driver: z.literal("sqlite"), path: z.string().min(1) }).strict(),
    z.object({ driver: z.literal("postgres"), url: z.string().regex(/^postgres(ql)?:\/\//, "must be a postgres:// URL") }).strict(),
  ]),
  executor: z.enum(["local", "slurm"]).default("local"),
  local: z.object({
    /** Engine API socket; empty means: use a running Podman or Docker socket, else start `podman system service`. */
    socketPath: z.string().default(""),
    network: z.enum(["bridge", "none", "host"]).default("bridge"),
    /** Seconds between SIGTERM and SIGKILL when a job is deleted. */
    stopTimeoutSeconds: z.number().int().min(0).default(10),
    /** The cgroup job containers run under (docs/performance.md); empty: the engine's default. */
    jobsCgroup: z.string().regex(/^[A-Za-z0-9_.-]*$/, "a cgroup name: letters, digits, '_', '.', '-'").default("skyrun_jobs"),
    /** That cgroup's CPU weight (cgroup v2 units; the server's is 100): below the server's, so jobs filling every core cannot starve the API. */
    jobsCpuWeight: z.number().int().min(1).max(10000).default(10),
  }).strict().prefault({}),
  slurm: z.object({
    /** Partition jobs go to (`sbatch --partition`); empty for the cluster's default. */
    partition: z.string().default(""),
    /** Account jobs are charged to (`sbatch --account`); empty for the submitting user's default. */
    account: z.string().default(""),
    /** How a job runs on the compute node: in a container with the node's Podman, or the command directly as the user. */
    mode: z.enum(["podman", "direct"]).default("podman"),
    /** How often one `squeue` call looks at every active job. */
    pollIntervalMs: z.number().int().min(100).default(500),
    /** Directory holding sbatch, squeue, scontrol, scancel and sinfo; empty to find them on PATH. */
    binDir: z.string().default(""),
    /** slurm.conf for the commands skyrun runs; empty to use SLURM_CONF from the environment, else Slurm's default. */
    conf: z.string().default(""),
    /** The podman command on the compute nodes. */
    podmanPath: z.string().default("podman"),
    /**
     * CONTAINERS_CONF for podman on the compute nodes: empty for the one skyrun writes for its own engine
     * (runc, cgroupfs, explicit ulimits: what works where skyrun runs), `node` for the node's own configuration.
     */
    containersConf: z.string().default(""),
    /** Seconds between SIGTERM and SIGKILL when a run is stopped (scancel, time limit). */
    stopTimeoutSeconds: z.number().int().min(0).default(10),
    network: z.enum(["bridge", "none", "host"]).default("bridge"),
    /** Environment for Podman on the nodes, e.g. HTTPS_PROXY or CONTAINERS_REGISTRIES_CONF. Written into batch scripts: no secrets. */
    podmanEnv: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be a shell variable name"), z.string()).default({}),
    /** Extra sbatch options added to every job, e.g. ["--qos=batch", "--constraint=avx2"]. */
    sbatchArgs: z.array(z.string()).default([]),
  }).strict().prefault({}),
  storage: z.object({
    /** Root of the shared filesystem mounted at /arc in every job. */
    arcRoot: z.string().min(1),
  }).strict(),
  auth: z.object({
    /** Members of this group may list every user's sessions and delete any. Empty: no administrators. */
    adminGroup: z.string().default("skyrun-admins"),
    /** When set, only members of this group may use the API (others get 403). Empty: every known user may. */
    usersGroup: z.string().default(""),
    /**
     * Who may list every user's sessions with `GET /session?view=all` (user, type, status
     * and start time only): `everyone`, as the platform does, or only `admins`.
     */
    viewAll: z.enum(["everyone", "admins"]).default("everyone"),
  }).strict().prefault({}),
  tls: z.object({
    /** Serve HTTPS. Off only behind a TLS-terminating proxy: tokens would otherwise cross the network in clear. */
    enabled: z.boolean().default(true),
    /** PEM certificate (chain) and key of the server; both empty: generate a CA and certificate in <dataDir>/tls. */
    certFile: z.string().default(""),
    keyFile: z.string().default(""),
    /** PEM CA certificates trusted for client certificates (incl. proxies); empty: no client certificates. */
    clientCaFile: z.string().default(""),
  }).strict().prefault({})
    .refine((t) => (t.certFile === "") === (t.keyFile === ""), { message: "give both tls.certFile (--tls-cert) and tls.keyFile (--tls-key), or neither" })
    .refine((t) => t.enabled || t.clientCaFile === "", { message: "client certificates (--client-ca) need TLS; remove --no-tls" }),
  oidc: z.object({
    /** OIDC issuer URL whose JWTs are accepted as bearer tokens; empty: OIDC off. */
    issuer: z.string().default(""),
    /** The `aud` the tokens must carry (this service's client id). */
    audience: z.string().default(""),
    /** Claim holding the skyrun user name. */
    usernameClaim: z.string().min(1).default("preferred_username"),
    /** JWKS URL; empty: taken from the issuer's /.well-known/openid-configuration. */
    jwksUri: z.string().default(""),
    /** Clock skew tolerated on exp/nbf/iat. */
    clockToleranceSeconds: z.number().int().min(0).max(300).default(30),
  }).strict().prefault({})
    .refine((o) => o.issuer === "" || o.audience !== "", { message: "oidc.audience is required with oidc.issuer" })
    .refine((o) => o.issuer === "" || /^https:\/\/|^http:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?(\/|$)/.test(o.issuer), { message: "oidc.issuer must be an https:// URL (http:// only on loopback)" }),
  /** Registries users may run images from, by exact host[:port] (not by prefix). */
  registries: z.array(z.object({
    host: z.string().regex(/^[a-zA-Z0-9]([a-zA-Z0-9.-]*[a-zA-Z0-9])?(:\d{1,5})?$/, "must be HOST or HOST:PORT"),
    /** Plain HTTP (or unverified TLS): only for a registry on loopback or a trusted network. */
    insecure: z.boolean().default(false),
    /** Repositories `GET /image` lists when the registry does not publish /v2/_catalog anonymously (Harbor). */
    repositories: z.array(z.string().regex(/^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/, "must be a repository path such as skaha/astroml")).optional(),
  }).strict()).default([]),
  notifications: z.object({
    /** URL prefixes `notify=` may name (e.g. `https://hooks.example.org/`); none by default, so no session can make skyrun call out. */
    allowedUrls: z.array(z.string().regex(/^https?:\/\/[^\s]+$/, "must be an http(s):// URL prefix")).default([]),
    /** Attempts per notification, with exponential backoff from 2 s. */
    maxAttempts: z.number().int().min(1).max(20).default(8),
    /** The wait after the first failed attempt; doubled after each next one, up to maxBackoffSeconds. */
    backoffSeconds: z.number().min(0).default(2),
    maxBackoffSeconds: z.number().min(0).default(600),
    /** One attempt's limit (connecting and the answer's headers). */
    requestTimeoutSeconds: z.number().positive().max(300).default(10),
  }).strict().prefault({}),
  accounting: z.object({
    /**
     * Core-hours per calendar month each group or project may use, reported against what
     * it used (`GET /accounting/quotas`, `skyrun accounting quotas`); not enforced.
     */
    quotas: z.object({
      groups: z.record(z.string().min(1), z.object({ coreHoursPerMonth: z.number().min(0) }).strict()).default({}),
      projects: z.record(z.string().min(1), z.object({ coreHoursPerMonth: z.number().min(0) }).strict()).default({}),
    }).strict().prefault({}),
  }).strict().prefault({}),
  /** The GA4GH TES API (issue 16). */
  tes: z.object({
    /** http(s) URL prefixes task inputs may be fetched from (inside the user's container); none by default, so no task makes the site fetch from the network. */
    allowedInputUrls: z.array(z.string().regex(/^https?:\/\/[^\s]+$/, "must be an http(s):// URL prefix")).default([]),
    /** The organisation `GET /service-info` names; empty: "skyrun" at the request's host. */
    organizationName: z.string().default(""),
    organizationUrl: z.string().regex(/^(https?:\/\/[^\s]+)?$/, "must be an http(s):// URL").default(""),
  }).strict().prefault({}),
  metrics: z.object({
    /** A file holding the bearer token a Prometheus scraper sends to /metrics (its credentials_file); empty: administrators only. */
    tokenFile: z.string().default(""),
    /** Serve /metrics to anyone: only where nothing untrusted reaches the listen address (no proxy in front). */
    public: z.boolean().default(false),
  }).strict().prefault({}),
  /**
   * Registry hosts that clients assume, mapped to where this site serves their images:
   * `localhost` (the engine's own images) or an allowed registry's HOST[:PORT], e.g.
   * `{ "images.canfar.net": "localhost" }`. Applied to `image` when a session is created.
   */
  registryAliases: z.record(z.string(), z.string()).default({}),
  imageCatalog: z.object({
    /** How often `GET /image` re-reads the registries' catalogs; 0: only on `?refresh=true`. */
    refreshSeconds: z.number().int().min(0).default(1800),
  }).strict().prefault({}),
  log: z.object({
    level: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  }).strict().prefault({}),
}).strict().superRefine((c, ctx) => {
  const allowed = new Set(c.registries.map((r) => r.host));
  for (const [from, to] of Object.entries(c.registryAliases)) {
    // Keys are checked here rather than by the record's key schema, whose message would not name the key.
    if (!ALIAS_FROM.test(from)) ctx.addIssue({ code: "custom", path: ["registryAliases", from], message: "the host clients assume must be a lower-case HOST or HOST:PORT other than localhost" });
    if (allowed.has(from)) ctx.addIssue({ code: "custom", path: ["registryAliases", from], message: `${from} is also in registries; an alias replaces the host, so keep it in one of the two` });
    if (to !== "localhost" && !allowed.has(to)) ctx.addIssue({ code: "custom", path: ["registryAliases", from], message: `maps to ${to}, which is not in registries; add it there (--registry ${to}) or map to localhost` });
  }
});

export type Config = Readonly<z.infer<typeof ConfigSchema>>;
