-- GA4GH TES tasks (issue 16): a task is a chain of sessions, one per executor; the
-- task document as submitted (validated), its owner, and its sessions in order.
CREATE TABLE tes_tasks (
  id TEXT PRIMARY KEY,
  owner TEXT NOT NULL,
  name TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  document TEXT NOT NULL,
  job_ids TEXT NOT NULL
);
CREATE INDEX tes_tasks_owner_created ON tes_tasks (owner, created_at, id);
