package io.shardeddb.protocol.shard;

import io.micronaut.serde.annotation.Serdeable;

/** The reply to {@code /replicate}: the LSN the secondary has durably applied, and its epoch. */
@Serdeable
public record ReplicateResponse(long appliedLsn, long epoch) {}
