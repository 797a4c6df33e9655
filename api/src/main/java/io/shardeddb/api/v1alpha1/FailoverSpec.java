package io.shardeddb.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** Thresholds for promoting a new primary and for replacing failed pods. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record FailoverSpec(
    @JsonPropertyDescription(
            "Seconds the primary may stay unavailable before a new one is elected: it answers"
                + " no heartbeat of the operator, or answers but reaches no majority of its"
                + " replicas. Not waited when the replicas say it cannot reach a majority: it"
                + " does not answer as a serving primary (silent, or stood down after a lease"
                + " period without a majority's answer) and enough of its voting secondaries have"
                + " heard nothing from it for a lease period; then the election starts at once.")
        @Default("5")
        @Min(1)
        @Max(3600)
        Integer primaryUnavailableSeconds,
    @JsonPropertyDescription("Container restarts after which a crash-looping pod is deleted.")
        @Default("5")
        @Min(1)
        @Max(1000)
        Integer crashLoopRestarts,
    @JsonPropertyDescription("Seconds a pod's node may be NotReady before the pod is deleted.")
        @Default("300")
        @Min(10)
        @Max(86400)
        Integer nodeNotReadySeconds) {

  /** Seconds before failover, default 5. */
  public int primaryUnavailableSecondsOrDefault() {
    return primaryUnavailableSeconds == null ? 5 : primaryUnavailableSeconds;
  }

  /** Restart threshold for crash-looping pods, default 5. */
  public int crashLoopRestartsOrDefault() {
    return crashLoopRestarts == null ? 5 : crashLoopRestarts;
  }

  /** Seconds a node may be NotReady before its shard pods are deleted, default 300. */
  public int nodeNotReadySecondsOrDefault() {
    return nodeNotReadySeconds == null ? 300 : nodeNotReadySeconds;
  }
}
