-- Every log entry carries its global timestamp (DESIGN §11, docs/log-format.md): the slot the
-- router fetched from the timestamp oracle for the write, or a bump above the entry before it;
-- never below the entry before it. 0 for entries written before this column existed.
ALTER TABLE replication_log ADD COLUMN global_ts BIGINT NOT NULL DEFAULT 0;

-- The global timestamp of the log's base entry (log_start_lsn), which the log no longer holds
-- after a re-copy or a trim: a primary whose log holds nothing past its base stamps above it.
ALTER TABLE shard_meta ADD COLUMN log_start_global_ts BIGINT NOT NULL DEFAULT 0;
