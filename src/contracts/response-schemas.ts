import { z } from "zod";

/**
 * The JSON shapes the skaha routes answer, as zod schemas: the source of the OpenAPI
 * document's response schemas. Each mirrors a hand-written type of contracts/
 * (`SessionJson`, `PlatformStatsJson`, …); `response-schemas.test.ts` fails
 * `npm run typecheck` when a schema and its type differ by a field, a type or an
 * optional mark. Fields marked `x-skyrun-extension` are absent on the platform.
 */

/** Marks a field or shape that the platform does not have. */
const extension = (description: string) => ({ description: `skyrun extension: ${description}`, "x-skyrun-extension": true });

const STATUS = z.string().meta({
  description: "`Pending`, `Running`, `Terminating`, `Failed`, and for a session that exited 0 `Succeeded` on v0 or `Completed` on v1. The platform's v0 also says `Unknown`; older clients filter on `Error`.",
  examples: ["Running"],
});

const RESOURCES = z.strictObject({ cores: z.number(), ramGB: z.number().describe("GiB"), gpus: z.number() });

/** `AttemptJson`: one attempt of a retried session. */
export const AttemptJsonSchema = z.strictObject({
  attempt: z.number().describe("1-based."),
  status: STATUS,
  startTime: z.string().optional(),
  endTime: z.string().optional(),
  exitCode: z.number().optional(),
  statusMessage: z.string().optional(),
}).meta(extension("one attempt of a retried session: the ended ones and the current one."));

/** `WaitingJson`: why a session waits, in numbers. */
export const WaitingJsonSchema = z.strictObject({
  kind: z.string().describe("`capacity`, `reserved`, `user-limit`, `dependencies`, `engine-unavailable`, `engine-queue`, `not-examined`, `throttle`, `retry-backoff`."),
  position: z.number().optional().describe("1-based place in the queue, when counted."),
  positionLimit: z.number().optional().describe("How deep a scheduling pass looks."),
  need: RESOURCES.optional().describe("What it asks for (capacity, reserved)."),
  free: RESOURCES.optional().describe("What is free now."),
  total: RESOURCES.optional().describe("What the server offers."),
  reservedFor: z.string().optional().describe("The session the head-of-queue reservation is for (reserved)."),
  limit: z.string().optional().describe("`running-jobs` or `running-cores` (user-limit); `set` or `label` (throttle)."),
  inUse: z.number().optional(),
  max: z.number().optional(),
  waitingOn: z.array(z.string()).readonly().optional().describe("Sessions that must succeed first (dependencies)."),
  detail: z.string().optional().describe("The engine's words (engine-queue); the label (throttle)."),
  until: z.string().optional().describe("When the next attempt may start (retry-backoff)."),
  attempt: z.number().optional(),
}).meta(extension("why a session waits, as the scheduling pass decided; the same in words is in `statusMessage`."));

/** `SessionRequestJson`: the create parameters as stored. */
export const SessionRequestJsonSchema = z.strictObject({
  image: z.string(),
  name: z.string(),
  cmd: z.array(z.string()).readonly().optional().describe("Entrypoint override as argv, when given."),
  args: z.array(z.string()).readonly().optional().describe("Arguments as argv, when given."),
  env: z.array(z.string()).readonly().describe("Names of the environment variables given, in order; values are never sent (they may be secrets)."),
  cores: z.number(),
  coresLimit: z.number(),
  ram: z.number().describe("GiB"),
  ramLimit: z.number().describe("GiB"),
  gpus: z.number(),
  fixedResources: z.boolean().describe("Both cores and ram were given."),
  replicas: z.number(),
  labels: z.record(z.string(), z.string()).readonly(),
  retries: z.number(),
  dependsOn: z.array(z.string()).readonly(),
  priority: z.number(),
  walltime: z.number().describe("Seconds it may run after it starts."),
  workdir: z.string().optional(),
  stdout: z.string().optional(),
  stderr: z.string().optional(),
  disk: z.number().describe("GB of scratch."),
  notify: z.string().optional(),
  maxRunning: z.number().optional(),
  registryAuth: z.boolean().describe("The image needed registry credentials (never shown)."),
}).meta(extension("what a session was created with, as stored."));

/** `SessionJson`: `GET /session`, `GET /session/{id}`. */
export const SessionJsonSchema = z.strictObject({
  id: z.string().meta({ description: "The session id: 8 characters, a letter then letters or digits.", examples: ["k3x9ab1z"] }),
  userid: z.string().describe("The owner's user name."),
  runAsUID: z.string().optional().describe("The uid the container runs as."),
  runAsGID: z.string().optional().describe("The gid the container runs as."),
  supplementalGroups: z.array(z.number()).readonly().optional().describe("The owner's group ids, given to the container."),
  appid: z.string().optional().describe("Desktop-app sessions only (never on skyrun)."),
  image: z.string().optional().describe("The image that runs."),
  type: z.string().describe("`headless` on skyrun (the platform's `type`; the Python client calls it kind)."),
  status: STATUS,
  name: z.string().optional().describe("The session's name, lower-cased."),
  startTime: z.string().optional().describe("ISO 8601 instant it started; absent until then."),
  expiryTime: z.string().optional().describe("ISO 8601 instant its deadline passes (start + the deadline; moved by renew)."),
  connectURL: z.string().optional().describe("Empty for headless sessions."),
  requestedRAM: z.string().optional().describe("Fixed sessions only: the RAM asked for, decimal GB (`\"4.29\"` for 4 GiB)."),
  requestedCPUCores: z.string().optional().describe("Fixed sessions only: the cores asked for (`\"2\"`, `\"1.500\"`)."),
  requestedGPUCores: z.string().optional().describe("GPUs asked for, `\"0\"` for none."),
  ramInUse: z.string().optional().describe("While running: RAM in use, decimal GB."),
  gpuRAMInUse: z.string().optional().describe("Never set (as on the platform)."),
  cpuCoresInUse: z.string().optional().describe("While running: cores in use (`\"0.982\"`)."),
  gpuUtilization: z.string().optional().describe("Never set (as on the platform)."),
  isFixedResources: z.boolean().optional().describe("True when cores and RAM were given (request = limit); false for the flexible default."),
  phase: STATUS.optional().meta(extension("the same word as `status`.")),
  exitCode: z.number().optional().meta(extension("the container's exit status once it ended.")),
  endTime: z.string().optional().meta(extension("ISO 8601 instant the session ended.")),
  createdTime: z.string().optional().meta(extension("ISO 8601 instant the session was submitted.")),
  statusMessage: z.string().optional().meta(extension("why the session is in its status: why it waits, in numbers, or why it failed.")),
  replicaId: z.number().optional().meta(extension("1-based replica number when created with `replicas` > 1.")),
  replicaCount: z.number().optional().meta(extension("how many replicas the request created.")),
  dependsOn: z.array(z.string()).readonly().optional().meta(extension("sessions that must succeed before this one starts.")),
  labels: z.record(z.string(), z.string()).readonly().optional().meta(extension("labels given at create (`label=key=value`).")),
  setId: z.string().optional().meta(extension("the id shared by the sessions created in one request.")),
  attempt: z.number().optional().meta(extension("1-based number of the current (or last) attempt, when it may be retried or was.")),
  retries: z.number().optional().meta(extension("how many times a failed attempt is retried.")),
  attempts: z.array(AttemptJsonSchema).readonly().optional().meta(extension("the ended attempts and the current one (`GET /session/{id}` only, when there was more than one).")),
  maxRunning: z.number().optional().meta(extension("at most this many of its set (or label group, `maxRunningLabel`) run at once.")),
  maxRunningLabel: z.string().optional().meta(extension("the label whose value groups the sessions `maxRunning` counts.")),
  walltime: z.number().optional().meta(extension("seconds it may run after it starts (its deadline).")),
  workdir: z.string().optional().meta(extension("the container's working directory.")),
  stdout: z.string().optional().meta(extension("where its stdout is written when it ends.")),
  stderr: z.string().optional().meta(extension("where its stderr is written when it ends.")),
  disk: z.number().optional().meta(extension("scratch space asked for, in GB.")),
  notify: z.string().optional().meta(extension("the URL told when it (or its set) ends.")),
  waiting: WaitingJsonSchema.optional().meta(extension("why it waits, in numbers (the words are in `statusMessage`).")),
  updatedTime: z.string().optional().meta(extension("ISO 8601 instant of its last change (what `changedSince` compares).")),
  stateSince: z.string().optional().meta(extension("ISO 8601 instant its current status began.")),
  request: SessionRequestJsonSchema.optional().meta(extension("what it was created with, as stored (environment variable names only; registry credentials never).")),
}).meta({ description: "A session as the platform describes it: the platform's fields first, in its order, nulls omitted; skyrun's additive fields after `isFixedResources`." });

/** `CreatedSessionJson`: `POST /session` with the JSON opt-in. */
export const CreatedSessionJsonSchema = SessionJsonSchema.extend({
  sessionId: z.string().meta(extension("the new session's id again, under the name some seed pages read.")),
}).meta(extension("a created session (`POST /session` with `format=json` or `Accept: application/vnd.skyrun+json`)."));

/** `PublicSessionJson`: one element of `GET /session?view=all`. */
export const PublicSessionJsonSchema = z.strictObject({
  userid: z.string(),
  type: z.string(),
  status: STATUS,
  startTime: z.string().optional().describe("ISO 8601; absent until the session started."),
}).meta({ description: "Another user's session, with only the public fields (the platform's PublicSession)." });

/** `BulkOutcomeJson`: what a bulk action did to one session. */
export const BulkOutcomeJsonSchema = z.strictObject({
  id: z.string(),
  outcome: z.string().describe("`deleted`, `terminating`, `renewed`, `unchanged`, or `refused` (see `message`)."),
  status: z.number().describe("The status the same action on that one session would have answered."),
  message: z.string().optional(),
}).meta(extension("what a bulk action (`DELETE /session?label=…`, `POST /session?action=renew&…`) did to one session."));

/** `SessionEventJson`: one element of `?view=events` with the JSON opt-in. */
export const SessionEventJsonSchema = z.strictObject({
  type: z.string().describe("`Normal` or `Warning`."),
  reason: z.string().describe("One CamelCase word: Queued, Waiting, Pulled, Started, Failed, …"),
  message: z.string(),
  firstTime: z.string().optional().describe("ISO 8601; absent when not known."),
  lastTime: z.string().optional().describe("ISO 8601; absent when not known."),
  count: z.number().optional().meta(extension("how many times it happened.")),
}).meta(extension("one event of a session, as JSON (the platform answers only the text table)."));

const ResourceOptionsJsonSchema = z.strictObject({
  default: z.number().optional(),
  defaultRequest: z.number().optional(),
  defaultLimit: z.number().optional(),
  defaultHeadless: z.number().optional().describe("Older platform versions: the default for headless sessions."),
  options: z.array(z.number()).readonly().describe("The values a session may ask for."),
});

/** `ResourceContextJson`: `GET /context`. */
export const ResourceContextJsonSchema = z.strictObject({
  cores: ResourceOptionsJsonSchema,
  memoryGB: ResourceOptionsJsonSchema,
  gpus: z.strictObject({ options: z.array(z.number()).readonly() }).optional(),
  maxInteractiveSessions: z.union([z.number(), z.string()]).optional().describe("A number on skyrun; a string such as `\"5\"` on the platform."),
}).meta({ description: "What a session may ask for on this server: cores, RAM in GB, GPUs (only the values this server can run)." });

/** `ImageJson`: one element of `GET /image`. */
export const ImageJsonSchema = z.strictObject({
  id: z.string().meta({ description: "`registry/project/repository:tag`", examples: ["images.canfar.net/skaha/terminal:1.1.2"] }),
  types: z.array(z.string()).readonly().describe("Session types the image serves: `headless`, `notebook`, …"),
  digest: z.string(),
});

/** `DashboardConfigJson`: `GET /dashboard/config`. */
export const DashboardConfigJsonSchema = z.strictObject({
  oidc: z.strictObject({ issuer: z.string(), clientId: z.string() }).nullable().describe("The OIDC issuer to log in with and the client id (the tokens' audience), or null without OIDC."),
}).meta(extension("how the dashboard lets users log in."));

/** `DashboardMeJson`: `GET /dashboard/me`. */
export const DashboardMeJsonSchema = z.strictObject({
  user: z.string(),
  groups: z.array(z.string()).readonly(),
  isAdmin: z.boolean().describe("Members of the admin group see and act on every user's sessions."),
  via: z.enum(["token", "x509", "oidc"]).describe("How the caller was recognised."),
}).meta(extension("who the request's credentials belong to."));

/** `PlatformStatsJson`: `GET /session?view=stats`. */
export const PlatformStatsJsonSchema = z.strictObject({
  cores: z.strictObject({
    requestedCPUCores: z.number().optional().describe("Cores allocated to running sessions."),
    cpuCoresAvailable: z.number().optional().describe("Cores this server offers in all."),
    maxCPUCores: z.strictObject({ cpuCores: z.number().optional(), withRam: z.string().optional() }).optional().describe("The largest session: its cores, and the RAM that goes with them."),
  }).optional(),
  ram: z.strictObject({
    requestedRAM: z.string().optional().describe("RAM allocated, e.g. `\"12.5G\"`."),
    ramAvailable: z.string().optional(),
    maxRAM: z.strictObject({ ram: z.string().optional(), withCPUCores: z.number().optional() }).optional(),
  }).optional(),
  instances: z.strictObject({
    session: z.number().optional(),
    desktopApp: z.number().optional(),
    headless: z.number().optional(),
    total: z.number().optional(),
  }).optional().describe("Running sessions by kind: the platform's v0 shape (v1 has dropped it; skyrun answers it on both)."),
  jobs: z.strictObject({
    queued: z.number().optional(),
    starting: z.number().optional(),
    running: z.number().optional(),
    terminating: z.number().optional(),
  }).optional().meta(extension("sessions by state, the queue included.")),
}).meta({ description: "The platform's allocation and capacity figures." });

/** `UsageSampleJson`: one reading of a session's CPU and memory. */
export const UsageSampleJsonSchema = z.strictObject({
  time: z.string().describe("ISO 8601 instant of the reading."),
  cpuCores: z.number(),
  ramBytes: z.number(),
}).meta(extension("one reading of a session's CPU and memory."));

/** `SessionStatsJson`: `GET /session/{id}/stats`. */
export const SessionStatsJsonSchema = z.strictObject({
  id: z.string(),
  status: STATUS,
  startTime: z.string().optional(),
  cpuCoresInUse: z.number().describe("Cores in use now (0 when not running)."),
  ramInUseGB: z.number().describe("RAM in use now, decimal GB."),
  ramInUseBytes: z.number(),
  requestedCPUCores: z.number(),
  limitCPUCores: z.number(),
  requestedRAMGB: z.number(),
  limitRAMGB: z.number(),
  requestedGPUs: z.number(),
  isFixedResources: z.boolean(),
  history: z.array(UsageSampleJsonSchema).readonly().optional().meta(extension("with `history=true`: the readings taken about every 10 s while it ran, oldest first.")),
}).meta(extension("what a session asked for and, while it runs, uses (the engine's figures)."));

/** `QueueUserJson`: one user of `GET /queue`. */
export const QueueUserJsonSchema = z.strictObject({
  user: z.string(),
  groups: z.array(z.string()).readonly().optional().describe("Only for the caller and administrators."),
  priority: z.number().optional().describe("The priority their sessions get; only for the caller and administrators."),
  fairShareUsage: z.number().optional().describe("Decayed core-hours the fair share counts; only for the caller and administrators."),
  queued: z.number(),
  running: z.number(),
  coresInUse: z.number().optional().describe("Cores their live sessions asked for; only for the caller and administrators."),
}).meta(extension("a user with sessions queued or live."));

/** `EngineNodeJson`: one node of the engine (Slurm). */
export const EngineNodeJsonSchema = z.strictObject({
  name: z.string(),
  state: z.string(),
  cpus: z.number(),
  cpusAllocated: z.number(),
  memoryGB: z.number().describe("GiB"),
  memoryAllocatedGB: z.number().describe("GiB"),
}).meta(extension("one node of the engine, as sinfo lists it."));

/** `QueueJson`: `GET /queue`. */
export const QueueJsonSchema = z.strictObject({
  capacity: z.strictObject({ cores: z.number(), ramGB: z.number().describe("GiB"), gpus: z.number(), coresInUse: z.number(), ramInUseGB: z.number().describe("GiB") }),
  users: z.array(QueueUserJsonSchema).readonly(),
  longestWaiting: z.array(SessionJsonSchema).readonly().describe("Queued sessions waiting longest (non-administrators: their own)."),
  oldestRunning: z.array(SessionJsonSchema).readonly().describe("Running sessions that started first (non-administrators: their own)."),
  engine: z.strictObject({ kind: z.string(), partition: z.string().optional(), nodes: z.array(EngineNodeJsonSchema).readonly().optional() }),
}).meta(extension("what the cluster offers and holds, who waits and runs."));

/** Every response schema, by the name the OpenAPI document gives it under `components/schemas`. */
export const RESPONSE_SCHEMAS = {
  Session: SessionJsonSchema,
  CreatedSession: CreatedSessionJsonSchema,
  PublicSession: PublicSessionJsonSchema,
  Attempt: AttemptJsonSchema,
  Waiting: WaitingJsonSchema,
  BulkOutcome: BulkOutcomeJsonSchema,
  SessionEvent: SessionEventJsonSchema,
  SessionStats: SessionStatsJsonSchema,
  UsageSample: UsageSampleJsonSchema,
  Queue: QueueJsonSchema,
  QueueUser: QueueUserJsonSchema,
  EngineNode: EngineNodeJsonSchema,
  SessionRequest: SessionRequestJsonSchema,
  PlatformStats: PlatformStatsJsonSchema,
  ResourceContext: ResourceContextJsonSchema,
  Image: ImageJsonSchema,
  DashboardConfig: DashboardConfigJsonSchema,
  DashboardMe: DashboardMeJsonSchema,
} as const;

/** The name of a response schema in the document. */
export type ResponseSchemaName = keyof typeof RESPONSE_SCHEMAS;
