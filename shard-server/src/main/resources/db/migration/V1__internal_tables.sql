-- The replica's own state: one row (id = 1) with the shard config, role, epoch and progress.
CREATE TABLE shard_meta (
  id INT NOT NULL PRIMARY KEY,
  config_json TEXT NULL,
  epoch BIGINT NOT NULL,
  role VARCHAR(16) NOT NULL,
  primary_name VARCHAR(255) NULL,
  primary_url VARCHAR(1024) NULL,
  peers_json TEXT NULL,
  write_quorum VARCHAR(16) NOT NULL,
  applied_lsn BIGINT NOT NULL,
  last_entry_epoch BIGINT NOT NULL,
  log_start_lsn BIGINT NOT NULL,
  log_start_epoch BIGINT NOT NULL,
  copy_pending BOOLEAN NOT NULL
) ENGINE = InnoDB;

INSERT INTO shard_meta VALUES (1, NULL, 0, 'None', NULL, NULL, NULL, 'Majority', 0, 0, 0, 0, FALSE);

-- The replication log: entries (log_start_lsn, applied_lsn], each committed with its row change.
CREATE TABLE replication_log (
  lsn BIGINT NOT NULL PRIMARY KEY,
  epoch BIGINT NOT NULL,
  op VARCHAR(16) NOT NULL,
  row_key BIGINT NULL,
  request_id VARCHAR(191) NULL,
  payload MEDIUMTEXT NULL,
  UNIQUE KEY uk_replication_log_request_id (request_id)
) ENGINE = InnoDB;
