-- Accounting and completion notifications (issue 12).
--
-- job_history: one row per ended job, written once when it ends and kept after the job
-- itself is purged (sessions.retentionSeconds), for per-job exports and core-years.
-- usage_daily / usage_label_daily: the same jobs summed per UTC day of their end, by
-- owner, groups, project and image (and per label), so a report over a year of a
-- million jobs reads a few thousand rows. Written in the transaction that writes the
-- history rows, so the sums always agree with them.
-- notification_outbox: one row per notification (a session's, or a whole set's), keyed
-- so it is queued once; delivered from here with retries, and kept as the record of it.
CREATE TABLE job_history (
  job_id TEXT PRIMARY KEY,
  owner TEXT NOT NULL,
  groups_text TEXT NOT NULL,
  project TEXT NOT NULL,
  image TEXT NOT NULL,
  name TEXT NOT NULL,
  set_id TEXT,
  cluster_id TEXT NOT NULL,
  proc_id INTEGER NOT NULL,
  submit_seq BIGINT NOT NULL,
  labels_json TEXT,
  outcome TEXT NOT NULL,
  exit_code INTEGER,
  reason TEXT,
  attempts INTEGER NOT NULL,
  queued_at BIGINT NOT NULL,
  started_at BIGINT,
  finished_at BIGINT NOT NULL,
  end_day INTEGER NOT NULL,
  cores DOUBLE PRECISION NOT NULL,
  ram_gb DOUBLE PRECISION NOT NULL,
  disk_gb DOUBLE PRECISION NOT NULL,
  gpus INTEGER NOT NULL,
  wall_seconds DOUBLE PRECISION NOT NULL,
  core_seconds DOUBLE PRECISION NOT NULL,
  cpu_seconds DOUBLE PRECISION,
  peak_ram_bytes BIGINT,
  executor TEXT NOT NULL,
  recorded_at BIGINT NOT NULL
);
CREATE INDEX job_history_end ON job_history (end_day, finished_at, job_id);
CREATE INDEX job_history_owner_end ON job_history (owner, end_day, finished_at, job_id);
CREATE INDEX job_history_set ON job_history (set_id) WHERE set_id IS NOT NULL;

CREATE TABLE usage_daily (
  day INTEGER NOT NULL,
  owner TEXT NOT NULL,
  groups_text TEXT NOT NULL,
  project TEXT NOT NULL,
  image TEXT NOT NULL,
  jobs INTEGER NOT NULL,
  failures INTEGER NOT NULL,
  wall_seconds DOUBLE PRECISION NOT NULL,
  core_seconds DOUBLE PRECISION NOT NULL,
  gpu_seconds DOUBLE PRECISION NOT NULL,
  ram_gb_seconds DOUBLE PRECISION NOT NULL,
  cpu_seconds DOUBLE PRECISION NOT NULL,
  sampled_core_seconds DOUBLE PRECISION NOT NULL,
  PRIMARY KEY (day, owner, groups_text, project, image)
);
CREATE INDEX usage_daily_owner ON usage_daily (owner, day);

CREATE TABLE usage_label_daily (
  label_key TEXT NOT NULL,
  day INTEGER NOT NULL,
  owner TEXT NOT NULL,
  label_value TEXT NOT NULL,
  jobs INTEGER NOT NULL,
  failures INTEGER NOT NULL,
  wall_seconds DOUBLE PRECISION NOT NULL,
  core_seconds DOUBLE PRECISION NOT NULL,
  gpu_seconds DOUBLE PRECISION NOT NULL,
  ram_gb_seconds DOUBLE PRECISION NOT NULL,
  cpu_seconds DOUBLE PRECISION NOT NULL,
  sampled_core_seconds DOUBLE PRECISION NOT NULL,
  PRIMARY KEY (label_key, day, owner, label_value)
);
CREATE INDEX usage_label_daily_owner ON usage_label_daily (owner, label_key, day);

CREATE TABLE notification_outbox (
  id TEXT PRIMARY KEY,
  dedup_key TEXT NOT NULL UNIQUE,
  owner TEXT NOT NULL,
  url TEXT NOT NULL,
  event TEXT NOT NULL,
  body TEXT NOT NULL,
  state TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  last_attempt_at BIGINT,
  last_status INTEGER,
  last_error TEXT,
  delivered_at BIGINT
);
CREATE INDEX notification_outbox_due ON notification_outbox (next_attempt_at) WHERE state = 'pending';
CREATE INDEX notification_outbox_owner ON notification_outbox (owner, created_at);
