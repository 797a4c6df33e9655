-- Every log entry carries its commit time (DESIGN §9, docs/log-format.md): stamped by the primary
-- that committed it and replicated with it, so a restore to a time never depends on which primary
-- archived the entry. 0 for entries written before this column existed (their archive stamp is
-- then the archiving primary's sample, as before).
ALTER TABLE replication_log ADD COLUMN commit_millis BIGINT NOT NULL DEFAULT 0;

-- The commit time of the log's base entry (log_start_lsn), which the log no longer holds after a
-- re-copy or a trim: a primary whose log holds nothing past its base stamps no earlier than it.
ALTER TABLE shard_meta ADD COLUMN log_start_commit_millis BIGINT NOT NULL DEFAULT 0;
