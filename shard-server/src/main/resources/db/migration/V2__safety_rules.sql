-- DESIGN §5 rule 1: the vote (the one primary accepted per epoch) survives a restart.
-- Rule 5: the spec's replica count, over which the write quorum is counted.
ALTER TABLE shard_meta
  ADD COLUMN vote_epoch BIGINT NOT NULL DEFAULT 0,
  ADD COLUMN voted_primary VARCHAR(255) NULL,
  ADD COLUMN spec_replicas INT NOT NULL DEFAULT 0;

-- Rule 8: the outcome of every client request that carried an id, written in the write's own
-- transaction, shipped in snapshots and trimmed with the log (the last log-retention LSNs).
CREATE TABLE request_ids (
  request_id VARCHAR(191) NOT NULL PRIMARY KEY,
  lsn BIGINT NOT NULL,
  status INT NOT NULL,
  message TEXT NULL,
  KEY ix_request_ids_lsn (lsn)
) ENGINE = InnoDB;

INSERT INTO request_ids (request_id, lsn, status, message)
  SELECT request_id, lsn, 200, NULL FROM replication_log WHERE request_id IS NOT NULL;
