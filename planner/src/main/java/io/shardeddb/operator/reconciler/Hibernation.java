package io.shardeddb.operator.reconciler;

import io.shardeddb.api.v1alpha1.ReplicaStatus;
import io.shardeddb.api.v1alpha1.ShardStatus;
import io.shardeddb.operator.status.ShardOutcome;
import io.shardeddb.operator.status.ShardPhase;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Pure: a hibernated database ({@code kubectl sdb hibernate}, the annotation {@code
 * shardeddb.io/hibernation: on}, as CloudNativePG's {@code cnpg.io/hibernation}). While it is on,
 * every shard StatefulSet and the router Deployment run zero pods and the volumes stay; no shard is
 * coordinated (no failover, re-copy, roll or resharding step: there is nobody to talk to), and each
 * shard's status keeps its epoch and primary with every replica not ready. Resuming ({@code off},
 * or the annotation removed) brings the pods back on their volumes, and the next passes treat them
 * as any pods that restarted.
 */
public final class Hibernation {

  /** The annotation: {@code on} hibernates, {@code off} (or none) runs the database. */
  public static final String ANNOTATION = "shardeddb.io/hibernation";

  private Hibernation() {}

  /** Whether the database is to hibernate; {@code problem} when the value is neither on nor off. */
  public record State(boolean on, String problem) {}

  /** The state {@code annotations} ask for; an unreadable value keeps the database running. */
  public static State of(Map<String, String> annotations) {
    String v = annotations == null ? null : annotations.get(ANNOTATION);
    if (v == null || v.isBlank()) {
      return new State(false, null);
    }
    return switch (v.trim().toLowerCase(Locale.ROOT)) {
      case "on" -> new State(true, null);
      case "off" -> new State(false, null);
      default ->
          new State(
              false,
              "annotation " + ANNOTATION + " must be on or off, got '" + v + "' (left running)");
    };
  }

  /**
   * A hibernated shard's outcome: its last status (epoch, primary, voters: what resuming starts
   * from) with every replica not ready and nothing unavailable since, phase {@link
   * ShardPhase#Hibernated}.
   */
  public static ShardOutcome outcome(String shardId, ShardStatus previous, int desiredReplicas) {
    ShardStatus base = previous != null ? previous : ShardStatus.builder().id(shardId).build();
    List<ReplicaStatus> replicas =
        base.replicasOrEmpty().stream()
            .map(
                r ->
                    new ReplicaStatus(
                        r.pod(),
                        null,
                        r.role(),
                        false,
                        r.state(),
                        r.appliedLsn(),
                        r.lagLsn(),
                        r.copyProgress(),
                        r.storageFormat()))
            .toList();
    ShardStatus status =
        base.toBuilder()
            .id(shardId)
            .replicas(replicas)
            .readyReplicas(0)
            .primaryUnavailableSince(null)
            .build();
    return new ShardOutcome(
        status,
        desiredReplicas,
        ShardPhase.Hibernated,
        "hibernated: no pods, volumes kept"
            + (base.primary() == null ? "" : " (primary " + base.primary() + " when resumed)"));
  }
}
