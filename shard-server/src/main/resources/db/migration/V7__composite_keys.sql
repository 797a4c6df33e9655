-- A composite primary key (issue 46, docs/log-format.md): an Update's or Delete's key of a table
-- whose primary key has several columns is stored here as a JSON array (the shard key's value
-- first), row_key and row_key_text NULL; every other entry leaves it NULL and reads as before.
ALTER TABLE replication_log ADD COLUMN row_key_tuple TEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL;
