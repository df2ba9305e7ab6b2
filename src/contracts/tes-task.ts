/**
 * The wire shapes of the GA4GH Task Execution Service v1.1 (`/ga4gh/tes/v1`), as the
 * published OpenAPI document names them (snake_case, as TES clients send and read them).
 * Shared by the server and any client; no imports.
 */

/** Every state of the v1.1 schema; skyrun reports all but UNKNOWN, PAUSED and PREEMPTED. */
export const TES_STATES = [
  "UNKNOWN", "QUEUED", "INITIALIZING", "RUNNING", "PAUSED", "COMPLETE",
  "EXECUTOR_ERROR", "SYSTEM_ERROR", "CANCELED", "PREEMPTED", "CANCELING",
] as const;
export type TesState = (typeof TES_STATES)[number];

export const TES_VIEWS = ["MINIMAL", "BASIC", "FULL"] as const;
export type TesView = (typeof TES_VIEWS)[number];

export type TesFileType = "FILE" | "DIRECTORY";

export interface TesInput {
  name?: string;
  description?: string;
  url?: string;
  path: string;
  type?: TesFileType;
  content?: string;
  streamable?: boolean;
}

export interface TesOutput {
  name?: string;
  description?: string;
  url: string;
  path: string;
  path_prefix?: string;
  type?: TesFileType;
}

export interface TesResources {
  cpu_cores?: number;
  preemptible?: boolean;
  ram_gb?: number;
  disk_gb?: number;
  zones?: string[];
  backend_parameters?: Record<string, string>;
  backend_parameters_strict?: boolean;
}

export interface TesExecutor {
  image: string;
  command: string[];
  workdir?: string;
  stdin?: string;
  stdout?: string;
  stderr?: string;
  env?: Record<string, string>;
  ignore_error?: boolean;
}

export interface TesExecutorLog {
  start_time?: string;
  end_time?: string;
  stdout?: string;
  stderr?: string;
  exit_code: number;
}

export interface TesOutputFileLog {
  url: string;
  path: string;
  /** A decimal string: JSON numbers cannot carry every int64. */
  size_bytes: string;
}

export interface TesTaskLog {
  logs: TesExecutorLog[];
  metadata?: Record<string, string>;
  start_time?: string;
  end_time?: string;
  outputs: TesOutputFileLog[];
  system_logs?: string[];
}

export interface TesTask {
  id?: string;
  state?: TesState;
  name?: string;
  description?: string;
  inputs?: TesInput[];
  outputs?: TesOutput[];
  resources?: TesResources;
  executors: TesExecutor[];
  volumes?: string[];
  tags?: Record<string, string>;
  logs?: TesTaskLog[];
  creation_time?: string;
}

/** `GET /tasks/{id}?view=MINIMAL` and each item of a MINIMAL listing. */
export interface TesMinimalTask {
  id: string;
  state: TesState;
}

export interface TesListTasksResponse {
  tasks: (TesTask | TesMinimalTask)[];
  next_page_token?: string;
}

export interface TesCreateTaskResponse {
  id: string;
}

export interface TesServiceInfo {
  id: string;
  name: string;
  type: { group: string; artifact: "tes"; version: string };
  description?: string;
  organization: { name: string; url: string };
  contactUrl?: string;
  documentationUrl?: string;
  createdAt?: string;
  updatedAt?: string;
  environment?: string;
  version: string;
  storage?: string[];
  tesResources_backend_parameters?: string[];
}

/** The body of a successful cancel: an empty object. */
export type TesCancelTaskResponse = Record<string, never>;
