import type { Generated } from "kysely";

/** Row types as stored. Times are epoch milliseconds; JSON columns are text. */
export interface UsersTable {
  name: string;
  uid: number;
  dn: string | null;
  priority: Generated<number>;
  created_at: number;
}
export interface PosixGroupsTable {
  name: string;
  gid: number;
  priority: Generated<number>;
}
/**
 * One id space: each number is held by one user (as uid) or one group (as gid). A
 * removed principal's number stays, retired, so it is never handed to someone else.
 */
export interface PosixIdsTable {
  id: number;
  kind: "user" | "group" | "retired-user" | "retired-group";
  name: string;
}
export interface GroupMembersTable {
  user_name: string;
  group_name: string;
}
export interface TokensTable {
  id: string;
  user_name: string;
  token_hash: string;
  label: string | null;
  created_at: number;
  revoked_at: number | null;
}
export interface JobsTable {
  id: string;
  owner: string;
  uid: number;
  gid: number;
  groups_json: string;
  name: string;
  image: string;
  type: string;
  command_json: string | null;
  args_json: string | null;
  env_json: string;
  cores_request: number;
  cores_limit: number;
  ram_request_gb: number;
  ram_limit_gb: number;
  gpus: number;
  fixed_resources: number;
  priority: number;
  depends_on_json: string | null;
  array_id: string | null;
  replica_index: number | null;
  replica_count: number | null;
  state: string;
  reason: string | null;
  exit_code: number | null;
  executor: string;
  run_handle: string | null;
  deadline_seconds: number;
  submit_seq: number;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  visible_until: number;
  sealed_registry_auth: string | null;
  core_seconds: Generated<number>;
  labels_json: string | null;
  retries: Generated<number>;
  attempt: Generated<number>;
  retry_at: number | null;
  throttle_key: string | null;
  throttle_max: number | null;
  workdir: string | null;
  stdout_path: string | null;
  stderr_path: string | null;
  disk_gb: Generated<number>;
  notify_url: string | null;
  cpu_seconds: Generated<number>;
  updated_at: Generated<number>;
  updated_seq: Generated<number>;
}
export interface JobLabelsTable {
  job_id: string;
  label_key: string;
  label_value: string;
}
/** An attempt that ended and was followed by another; the current attempt is the job row. */
export interface JobAttemptsTable {
  job_id: string;
  attempt: number;
  started_at: number | null;
  finished_at: number;
  exit_code: number | null;
  reason: string | null;
}
export interface UsageSamplesTable {
  job_id: string;
  at: number;
  cpu_cores: number;
  ram_bytes: number;
}
export interface JobEventsTable {
  id: Generated<number>;
  job_id: string;
  type: string;
  reason: string;
  message: string;
  first_at: number;
  last_at: number;
  count: number;
}
export interface UserUsageTable {
  user_name: string;
  core_seconds: number;
  as_of: number;
}
export interface SchemaMigrationsTable {
  version: number;
  applied_at: number;
}

/** A GA4GH TES task: its document (JSON) and its sessions, comma-separated, in executor order. */
export interface TesTasksTable {
  id: string;
  owner: string;
  name: string;
  created_at: number;
  document: string;
  job_ids: string;
}
export interface Database {
  tes_tasks: TesTasksTable;
  users: UsersTable;
  posix_groups: PosixGroupsTable;
  group_members: GroupMembersTable;
  posix_ids: PosixIdsTable;
  tokens: TokensTable;
  jobs: JobsTable;
  job_events: JobEventsTable;
  job_labels: JobLabelsTable;
  job_attempts: JobAttemptsTable;
  usage_samples: UsageSamplesTable;
  user_usage: UserUsageTable;
  schema_migrations: SchemaMigrationsTable;
}

export type Dialect = "sqlite" | "postgres";
