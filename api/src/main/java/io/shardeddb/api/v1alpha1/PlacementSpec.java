package io.shardeddb.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;

/**
 * Where a shard's replicas may run relative to each other, so that one node (or zone) lost never
 * takes a majority of a shard.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record PlacementSpec(
    @JsonPropertyDescription(
            "Keeping a shard's replicas on different nodes (kubernetes.io/hostname): Required"
                + " (never two on one node; a single-node cluster cannot run more than one replica"
                + " per shard), Preferred (spread when possible) or None.")
        @Default("Required")
        Spread replicaSpread,
    @JsonPropertyDescription(
            "Spreading a shard's replicas over zones (topology.kubernetes.io/zone): Required"
                + " (at most one replica more in any zone than in another), Preferred or None.")
        @Default("Preferred")
        Spread zoneSpread) {

  /** How strictly replicas are kept apart. */
  public enum Spread {
    /** The scheduler never breaks the rule; pods stay Pending instead. */
    Required,
    /** The scheduler follows the rule when it can. */
    Preferred,
    /** No rule. */
    None
  }

  /** The node spread, default Required. */
  public Spread replicaSpreadOrDefault() {
    return replicaSpread == null ? Spread.Required : replicaSpread;
  }

  /** The zone spread, default Preferred. */
  public Spread zoneSpreadOrDefault() {
    return zoneSpread == null ? Spread.Preferred : zoneSpread;
  }
}
