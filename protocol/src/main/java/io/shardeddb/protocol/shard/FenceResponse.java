package io.shardeddb.protocol.shard;

import io.micronaut.serde.annotation.Serdeable;

/**
 * The reply to {@code /fence}, read only after {@code epoch} is durably persisted: the epoch and
 * LSN of the last log entry this replica holds, and its state. A replica in state {@code Copying}
 * (a re-copy begun and not finished, even across a restart) holds an incomplete table and is never
 * a failover candidate, nor does it count toward the fenced majority.
 */
@Serdeable
public record FenceResponse(
    String name, long epoch, long lastEntryEpoch, long lastLsn, ReplicaState state) {}
