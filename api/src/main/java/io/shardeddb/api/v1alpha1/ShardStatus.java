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

  /** An empty shard status's builder: every field absent (null) until set. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A builder starting from this status: with {@link Builder#build()} the one place that lists
   * every component, so a new field is copied by every change without touching its callers.
   */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Sets some fields of a shard status, keeping the others; each setter is named for its field. */
  public static final class Builder {
    private String id;
    private Long epoch;
    private String primary;
    private Integer readyReplicas;
    private String primaryUnavailableSince;
    private List<ReplicaStatus> replicas;
    private Integer voters;
    private Integer shrinkVoters;
    private IsolatedPrimary isolatedPrimary;

    private Builder() {}

    private Builder(ShardStatus from) {
      id = from.id;
      epoch = from.epoch;
      primary = from.primary;
      readyReplicas = from.readyReplicas;
      primaryUnavailableSince = from.primaryUnavailableSince;
      replicas = from.replicas;
      voters = from.voters;
      shrinkVoters = from.shrinkVoters;
      isolatedPrimary = from.isolatedPrimary;
    }

    public Builder id(String value) {
      id = value;
      return this;
    }

    public Builder epoch(Long value) {
      epoch = value;
      return this;
    }

    public Builder primary(String value) {
      primary = value;
      return this;
    }

    public Builder readyReplicas(Integer value) {
      readyReplicas = value;
      return this;
    }

    public Builder primaryUnavailableSince(String value) {
      primaryUnavailableSince = value;
      return this;
    }

    public Builder replicas(List<ReplicaStatus> value) {
      replicas = value;
      return this;
    }

    public Builder voters(Integer value) {
      voters = value;
      return this;
    }

    public Builder shrinkVoters(Integer value) {
      shrinkVoters = value;
      return this;
    }

    public Builder isolatedPrimary(IsolatedPrimary value) {
      isolatedPrimary = value;
      return this;
    }

    /** The shard status. */
    public ShardStatus build() {
      return new ShardStatus(
          id,
          epoch,
          primary,
          readyReplicas,
          primaryUnavailableSince,
          replicas,
          voters,
          shrinkVoters,
          isolatedPrimary);
    }
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
