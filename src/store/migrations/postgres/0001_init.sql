CREATE TABLE users (
  name TEXT PRIMARY KEY,
  uid INTEGER NOT NULL UNIQUE,
  dn TEXT UNIQUE,
  priority INTEGER NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL
);
CREATE TABLE posix_groups (
  name TEXT PRIMARY KEY,
  gid INTEGER NOT NULL UNIQUE,
  priority INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE group_members (
  user_name TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
  group_name TEXT NOT NULL REFERENCES posix_groups(name) ON DELETE CASCADE,
  PRIMARY KEY (user_name, group_name)
);
CREATE TABLE tokens (
  id TEXT PRIMARY KEY,
  user_name TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
  token_hash TEXT NOT NULL UNIQUE,
  label TEXT,
  created_at BIGINT NOT NULL,
  revoked_at BIGINT
);
CREATE TABLE jobs (
  id TEXT PRIMARY KEY,
  owner TEXT NOT NULL,
  uid INTEGER NOT NULL,
  gid INTEGER NOT NULL,
  groups_json TEXT NOT NULL,
  name TEXT NOT NULL,
  image TEXT NOT NULL,
  type TEXT NOT NULL,
  command_json TEXT,
  args_json TEXT,
  env_json TEXT NOT NULL,
  cores_request DOUBLE PRECISION NOT NULL,
  cores_limit DOUBLE PRECISION NOT NULL,
  ram_request_gb DOUBLE PRECISION NOT NULL,
  ram_limit_gb DOUBLE PRECISION NOT NULL,
  gpus INTEGER NOT NULL,
  fixed_resources INTEGER NOT NULL,
  priority INTEGER NOT NULL DEFAULT 0,
  depends_on_json TEXT,
  array_id TEXT,
  replica_index INTEGER,
  replica_count INTEGER,
  state TEXT NOT NULL,
  reason TEXT,
  exit_code INTEGER,
  executor TEXT NOT NULL,
  run_handle TEXT,
  deadline_seconds INTEGER NOT NULL,
  submit_seq BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  started_at BIGINT,
  finished_at BIGINT,
  visible_until BIGINT NOT NULL,
  sealed_registry_auth TEXT,
  core_seconds DOUBLE PRECISION NOT NULL DEFAULT 0
);
CREATE INDEX jobs_owner_visible ON jobs (owner, visible_until);
CREATE INDEX jobs_active ON jobs (state) WHERE state IN ('queued', 'starting', 'running', 'terminating');
CREATE INDEX jobs_finished ON jobs (finished_at) WHERE finished_at IS NOT NULL;
CREATE INDEX jobs_array ON jobs (array_id) WHERE array_id IS NOT NULL;
CREATE TABLE job_events (
  id BIGSERIAL PRIMARY KEY,
  job_id TEXT NOT NULL,
  type TEXT NOT NULL,
  reason TEXT NOT NULL,
  message TEXT NOT NULL,
  first_at BIGINT NOT NULL,
  last_at BIGINT NOT NULL,
  count INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX job_events_job ON job_events (job_id, id);
