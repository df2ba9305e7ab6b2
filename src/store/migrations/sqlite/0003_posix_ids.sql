-- One id space (issue 11): a number is one user's uid (and their private group's gid)
-- or one group's gid, never both, so no job can reach another principal's files by a
-- shared number. The primary key holds the rule even when two operators' commands race.
-- Numbers that a user and a group already shared are left to the user here; the server
-- reports them at every start and refuses their sessions until an operator fixes them.
CREATE TABLE posix_ids (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  name TEXT NOT NULL
);
INSERT OR IGNORE INTO posix_ids (id, kind, name) SELECT uid, 'user', name FROM users;
INSERT OR IGNORE INTO posix_ids (id, kind, name) SELECT gid, 'group', name FROM posix_groups;
