package io.shardeddb.backup;

/**
 * One shard's part of a base backup, as the shard-server that took it reports it: the snapshot's
 * LSN and the epoch of its last entry, row count and checksum (the same SHA-256 as {@code
 * /checksum}), bytes written, where it lies, which replica it came from, the shard's configuration
 * (schema and owned ranges) at that LSN, and when it was taken.
 */
public record ShardBaseBackup(
    String shard,
    long lsn,
    long epoch,
    long rows,
    String checksum,
    long bytes,
    String key,
    String takenFrom,
    String configJson,
    long startedAtMillis,
    long completedAtMillis) {}
