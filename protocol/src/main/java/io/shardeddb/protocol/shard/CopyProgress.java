package io.shardeddb.protocol.shard;

import io.micronaut.serde.annotation.Serdeable;

/**
 * Progress of a snapshot copy: rows copied so far of the snapshot's total, taken at {@code
 * snapshotLsn}.
 */
@Serdeable
public record CopyProgress(long rowsCopied, long rowsTotal, long snapshotLsn) {}
