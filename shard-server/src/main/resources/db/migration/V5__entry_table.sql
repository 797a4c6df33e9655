-- Every log entry names the table its rows or key belong to (issue 46, docs/log-format.md): NULL
-- for the database's first table (every entry written before a database could have several) and
-- for entries that touch no one table's rows (no-ops, range entries, the oracle's clock).
ALTER TABLE replication_log ADD COLUMN table_name VARCHAR(64) NULL;
