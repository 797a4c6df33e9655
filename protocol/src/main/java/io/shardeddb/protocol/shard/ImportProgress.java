package io.shardeddb.protocol.shard;

import io.micronaut.serde.annotation.Serdeable;

/**
 * An import's progress, in {@code /heartbeat} ({@code importing}) and {@code GET /import}: rows
 * copied, and the source log position {@code (sourceEpoch, sourceLsn)} through which every source
 * change to the range has been applied here (durably, on a write quorum of this shard).
 */
@Serdeable
public record ImportProgress(
    String moveId,
    ImportState state,
    long rowsCopied,
    long sourceEpoch,
    long sourceLsn,
    String message) {}
