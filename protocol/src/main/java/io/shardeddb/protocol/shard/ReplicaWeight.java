package io.shardeddb.protocol.shard;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.micronaut.serde.annotation.Serdeable;

/**
 * One voting replica's Cabinet weight as its primary measures it (in the primary's {@link
 * QuorumState}): {@code ackLatencyMillis} the smoothed round trip of its answers to the primary's
 * replication requests in this term (0 for the primary itself; absent when it has not answered one,
 * or while it is out of sync or lost), {@code lagLsn} how many LSNs of the primary's log it is not
 * known to hold, and {@code weight} = {@code 1 / (ackLatencyMillis + lagLsn + 1)}, 0 without a
 * latency ({@code io.shardeddb.protocol.quorum.CabinetWeights}).
 */
@Serdeable
public record ReplicaWeight(
    String name,
    @JsonInclude(JsonInclude.Include.NON_NULL) Double ackLatencyMillis,
    long lagLsn,
    double weight) {}
