package io.shardeddb.protocol.shard;

import io.micronaut.serde.annotation.Serdeable;
import java.util.List;

/**
 * A primary's write quorum as it stands (in its heartbeat): the replica count it is counted over,
 * the secondaries it replicates to and counts ({@code voters}), whether this term's first entry is
 * on a quorum of them ({@code termCommitted}: then every entry before it is too), and how long ago
 * a majority last acknowledged this epoch ({@code majorityAckAgeMillis}, the primary included; from
 * the start of the term when no majority has yet). The operator judges with it whether a primary
 * that answers it still reaches a majority (DESIGN §5 rule 11) and whether a membership change may
 * remove replicas (rule 12).
 */
@Serdeable
public record QuorumState(
    int replicas, List<String> voters, boolean termCommitted, long majorityAckAgeMillis) {
  public QuorumState {
    voters = voters == null ? List.of() : List.copyOf(voters);
  }
}
