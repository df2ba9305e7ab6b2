import type { Clock } from "../domain/clock.js";
import type { ResourceContext } from "../domain/resources.js";
import type { SecretBox } from "../identity/secret-box.js";
import type { ImageCatalog } from "../images/image-catalog.js";
import type { DataLayout } from "../storage/data-layout.js";
import type { Store } from "../store/store.js";
import type { SchedulingPort } from "./scheduling-port.js";
import type { UsageReader } from "./usage-reader.js";

export interface SessionSettings {
  readonly deadlineSeconds: number;
  readonly renewSeconds: number;
  readonly maxReplicas: number;
  /** Queued (not yet started) sessions one user may have; 0 = no limit. */
  readonly maxQueuedPerUser: number;
  /** Who may list every user's sessions (`view=all`, public fields only): everyone, as the platform, or administrators. */
  readonly viewAll: "everyone" | "admins";
}

/** What the use cases need. API and CLI share them. */
export interface JobServiceDeps {
  readonly store: Store;
  /** Queue, admission and runs: the only way to the scheduler. */
  readonly scheduling: SchedulingPort;
  /** The engine kind new jobs are recorded with (`local`, `slurm`). */
  readonly engineKind: string;
  /** How the engine writes log files: Podman's k8s-file lines, or raw bytes. */
  readonly logFormat: "k8s-file" | "raw";
  readonly layout: DataLayout;
  readonly secrets: SecretBox;
  readonly clock: Clock;
  /** The resource options users may ask for: the configured ones that fit the capacity. */
  readonly context: ResourceContext;
  readonly sessions: SessionSettings;
  /** Registry hosts users may run images from (exact host[:port]), as `GET /repository` lists them. */
  readonly registries: readonly string[];
  /** The registries' public images and the engine's own: `GET /image`, and whether an image needs credentials. */
  readonly images: ImageCatalog;
  /** Live CPU and memory use of running sessions, for the session JSON. */
  readonly usage: UsageReader;
  /**
   * Registry hosts clients assume (e.g. `images.canfar.net`) mapped to the one this site
   * serves them from: `localhost` (the engine's own images) or an allowed HOST[:PORT].
   */
  readonly registryAliases: Readonly<Record<string, string>>;
  /** URL prefixes completion notifications may go to (`notifications.allowedUrls`); none by default. */
  readonly notifyAllowedPrefixes: readonly string[];
  /** Next submission sequence number; strictly increasing. */
  readonly nextSubmitSeq: () => number;
}
