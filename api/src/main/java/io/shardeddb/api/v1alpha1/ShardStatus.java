package io.shardeddb.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;
import java.util.Optional;

/** One shard as observed: its primary for the current epoch and every replica. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ShardStatus(
    @JsonPropertyDescription("The shard id.") String id,
    @JsonPropertyDescription("The primary's epoch; it only grows.") Long epoch,
    @JsonPropertyDescription("The pod name of the current primary.") String primary,
    @JsonPropertyDescription("Replicas that hold their role and are caught up.")
        Integer readyReplicas,
    @JsonPropertyDescription(
            "When the primary was first seen unavailable (RFC 3339); cleared when it is back.")
        String primaryUnavailableSince,
    @JsonPropertyDescription("Each replica (pod) of the shard.") List<ReplicaStatus> replicas,
    @JsonPropertyDescription(
            "How many replicas vote (ordinals 0..voters-1): the primary's write quorum and"
                + " elections are counted over them. Replicas past it up to the spec's count are"
                + " learners that copy in while the shard grows and become voters one at a time"
                + " once caught up. Absent: every replica the shard has votes.")
        Integer voters,
    @JsonPropertyDescription(
            "While a shrink may be in force: the smallest voting count a primary may have been"
                + " told to count its quorum over (ordinals below it). Recorded in a pass before any"
                + " primary is told it; elections then need a majority of it as well as of voters,"
                + " until a primary counts over voters with its term confirmed. Absent: none.")
        Integer shrinkVoters,
    @JsonPropertyDescription(
            "The last primary replaced because it reached no majority of its replicas, and when:"
                + " a planned hand-over does not pick it again for a while (it may still be cut"
                + " off from the others). Absent: none yet.")
        IsolatedPrimary isolatedPrimary) {

  /** A status without a recorded isolated primary. */
  public ShardStatus(
      String id,
      Long epoch,
      String primary,
      Integer readyReplicas,
      String primaryUnavailableSince,
      List<ReplicaStatus> replicas,
      Integer voters,
      Integer shrinkVoters) {
    this(
        id,
        epoch,
        primary,
        readyReplicas,
        primaryUnavailableSince,
        replicas,
        voters,
        shrinkVoters,
        null);
  }

  /** A status without a shrink in force (DESIGN §5 rule 12). */
  public ShardStatus(
      String id,
      Long epoch,
      String primary,
      Integer readyReplicas,
      String primaryUnavailableSince,
      List<ReplicaStatus> replicas,
      Integer voters) {
    this(id, epoch, primary, readyReplicas, primaryUnavailableSince, replicas, voters, null, null);
  }

  /** A status without the voting count (as operators before learners wrote it). */
  public ShardStatus(
      String id,
      Long epoch,
      String primary,
      Integer readyReplicas,
      String primaryUnavailableSince,
      List<ReplicaStatus> replicas) {
    this(id, epoch, primary, readyReplicas, primaryUnavailableSince, replicas, null, null, null);
  }

  /** Replicas, never null. */
  public List<ReplicaStatus> replicasOrEmpty() {
    return replicas == null ? List.of() : replicas;
  }

  /** The epoch, 0 before bring-up. */
  public long epochOrZero() {
    return epoch == null ? 0 : epoch;
  }

  /** The replica status of this pod, if recorded. */
  public Optional<ReplicaStatus> replica(String pod) {
    return replicasOrEmpty().stream().filter(r -> r.pod().equals(pod)).findFirst();
  }
}
