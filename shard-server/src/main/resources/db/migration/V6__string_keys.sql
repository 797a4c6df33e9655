-- A String shard key (issue 46, docs/log-format.md): an Update's or Delete's key of a table whose
-- shard key is a String column is stored here, row_key (BIGINT) NULL; a Number key stays in
-- row_key and this stays NULL, so every entry written before it reads as before.
ALTER TABLE replication_log ADD COLUMN row_key_text VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin NULL;
