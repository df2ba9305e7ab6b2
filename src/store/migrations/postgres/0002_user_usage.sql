-- Decayed fair-share usage per user, saved so a restart does not forget who ran what.
CREATE TABLE user_usage (
  user_name TEXT PRIMARY KEY,
  core_seconds DOUBLE PRECISION NOT NULL,
  as_of BIGINT NOT NULL
);
