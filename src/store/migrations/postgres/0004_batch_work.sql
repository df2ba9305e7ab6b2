-- Batch work as users script it (issue 12): labels, retries with their attempts,
-- throttled sets, working directory and output files, scratch asked for, completion
-- notifications, and a change sequence for pollers and live views.
ALTER TABLE jobs ADD COLUMN labels_json TEXT;
ALTER TABLE jobs ADD COLUMN retries INTEGER NOT NULL DEFAULT 0;
ALTER TABLE jobs ADD COLUMN attempt INTEGER NOT NULL DEFAULT 1;
ALTER TABLE jobs ADD COLUMN retry_at BIGINT;
ALTER TABLE jobs ADD COLUMN throttle_key TEXT;
ALTER TABLE jobs ADD COLUMN throttle_max INTEGER;
ALTER TABLE jobs ADD COLUMN workdir TEXT;
ALTER TABLE jobs ADD COLUMN stdout_path TEXT;
ALTER TABLE jobs ADD COLUMN stderr_path TEXT;
ALTER TABLE jobs ADD COLUMN disk_gb DOUBLE PRECISION NOT NULL DEFAULT 0;
ALTER TABLE jobs ADD COLUMN notify_url TEXT;
ALTER TABLE jobs ADD COLUMN cpu_seconds DOUBLE PRECISION NOT NULL DEFAULT 0;
ALTER TABLE jobs ADD COLUMN updated_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE jobs ADD COLUMN updated_seq BIGINT NOT NULL DEFAULT 0;
UPDATE jobs SET updated_at = COALESCE(finished_at, started_at, created_at), updated_seq = submit_seq;
CREATE INDEX jobs_owner_changed ON jobs (owner, updated_seq);
CREATE INDEX jobs_changed ON jobs (updated_seq);
CREATE INDEX jobs_owner_name ON jobs (owner, name);

CREATE TABLE job_labels (
  job_id TEXT NOT NULL,
  label_key TEXT NOT NULL,
  label_value TEXT NOT NULL,
  PRIMARY KEY (job_id, label_key)
);
CREATE INDEX job_labels_by_value ON job_labels (label_key, label_value, job_id);

-- One row per attempt that has ended and was followed by another (the current attempt is the job row itself).
CREATE TABLE job_attempts (
  job_id TEXT NOT NULL,
  attempt INTEGER NOT NULL,
  started_at BIGINT,
  finished_at BIGINT NOT NULL,
  exit_code INTEGER,
  reason TEXT,
  PRIMARY KEY (job_id, attempt)
);

-- CPU and memory of running jobs, about every 10 s, for the usage plot and CPU efficiency.
CREATE TABLE usage_samples (
  job_id TEXT NOT NULL,
  at BIGINT NOT NULL,
  cpu_cores DOUBLE PRECISION NOT NULL,
  ram_bytes BIGINT NOT NULL,
  PRIMARY KEY (job_id, at)
);
