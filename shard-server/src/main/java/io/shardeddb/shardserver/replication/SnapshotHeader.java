package io.shardeddb.shardserver.replication;

import io.micronaut.serde.annotation.Serdeable;
import io.shardeddb.shardserver.storage.ShardConfig;

/**
 * The first line of {@code GET /snapshot}: the LSN and epoch the rows are consistent at, how many
 * rows follow (one JSON object per line), how many request outcomes follow them (one {@code
 * RequestOutcome} per line, rule 8), the shard config, so an empty replica can adopt it, and the
 * commit time and global timestamp of the entry at {@code lsn} (its log's base, DESIGN §9 and §11;
 * 0: not known).
 */
@Serdeable
public record SnapshotHeader(
    long lsn,
    long epoch,
    long rows,
    ShardConfig config,
    long requestIds,
    long commitMillis,
    long timestamp) {}
