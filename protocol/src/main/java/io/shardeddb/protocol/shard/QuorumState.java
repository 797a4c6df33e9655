package io.shardeddb.protocol.shard;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.micronaut.serde.annotation.Serdeable;
import java.util.List;

/**
 * A primary's write quorum as it stands (in its heartbeat): the number of voting replicas it is
 * counted over ({@code replicas}), the secondaries it replicates to and counts ({@code voters}),
 * whether this term's first entry is on a quorum of them ({@code termCommitted}: then every entry
 * before it is too), how long ago a majority last acknowledged this epoch ({@code
 * majorityAckAgeMillis}, the primary included; from the start of the term when no majority has
 * yet), the learners it replicates to without counting them ({@code learners}, DESIGN §5 rule 12),
 * and the highest LSN a quorum holds in this term ({@code committedLsn}, -1 before its first entry
 * is on a quorum, or from shard-servers before the field), and whether the primary stood down
 * ({@code steppedDown}, DESIGN §5 rule 11's check-quorum: no majority of its voters answered any
 * request of its epoch for a lease period, so it takes no write; false from shard-servers before
 * the field). The operator judges with it whether a primary that answers it still reaches a
 * majority (rule 11), whether a membership change may remove replicas, and whether a learner has
 * caught up and may vote (rule 12). {@code weights} are Cabinet's weights of the primary and its
 * voters ({@link ReplicaWeight}, heaviest first; shown, not used to acknowledge); absent from
 * shard-servers before the field and from a primary that stopped serving its epoch.
 */
@Serdeable
public record QuorumState(
    int replicas,
    List<String> voters,
    boolean termCommitted,
    long majorityAckAgeMillis,
    List<String> learners,
    long committedLsn,
    boolean steppedDown,
    @JsonInclude(JsonInclude.Include.NON_NULL) List<ReplicaWeight> weights) {
  public QuorumState {
    voters = voters == null ? List.of() : List.copyOf(voters);
    learners = learners == null ? List.of() : List.copyOf(learners);
    weights = weights == null ? null : List.copyOf(weights);
  }

  /** A quorum state without Cabinet's weights (shard-servers before them). */
  public QuorumState(
      int replicas,
      List<String> voters,
      boolean termCommitted,
      long majorityAckAgeMillis,
      List<String> learners,
      long committedLsn,
      boolean steppedDown) {
    this(
        replicas,
        voters,
        termCommitted,
        majorityAckAgeMillis,
        learners,
        committedLsn,
        steppedDown,
        null);
  }

  /** A quorum state without learners or committed LSN (shard-servers before them). */
  public QuorumState(
      int replicas, List<String> voters, boolean termCommitted, long majorityAckAgeMillis) {
    this(replicas, voters, termCommitted, majorityAckAgeMillis, List.of(), -1, false);
  }

  /** A quorum state of a primary that has not stood down (shard-servers before the field). */
  public QuorumState(
      int replicas,
      List<String> voters,
      boolean termCommitted,
      long majorityAckAgeMillis,
      List<String> learners,
      long committedLsn) {
    this(replicas, voters, termCommitted, majorityAckAgeMillis, learners, committedLsn, false);
  }
}
