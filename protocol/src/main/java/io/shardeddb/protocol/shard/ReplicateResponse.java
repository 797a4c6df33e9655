package io.shardeddb.protocol.shard;

import io.micronaut.serde.annotation.Serdeable;

/**
 * The reply to {@code /replicate}. {@code matchLsn} is the highest LSN up to which this secondary's
 * log is known to equal the primary's in {@code epoch}; it counts toward the write quorum only when
 * {@code inSync} is true (verified in this epoch, not copying, not diverged — DESIGN §5 rules 4 and
 * 5). {@code appliedLsn} is informational.
 */
@Serdeable
public record ReplicateResponse(long appliedLsn, long epoch, boolean inSync, long matchLsn) {}
