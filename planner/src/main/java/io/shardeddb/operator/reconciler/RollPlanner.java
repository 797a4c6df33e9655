package io.shardeddb.operator.reconciler;

import io.shardeddb.api.v1alpha1.ReplicaStatus;
import io.shardeddb.api.v1alpha1.ShardStatus;
import io.shardeddb.operator.status.ShardPhase;
import io.shardeddb.protocol.shard.ReplicaState;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Pure: which shard pod a template change rolls next. Shard StatefulSets use the {@code OnDelete}
 * update strategy, so Kubernetes never restarts a shard pod by itself; the operator deletes one
 * outdated secondary at a time, highest ordinal first, only while the shard is Ready with every
 * replica caught up, and the primary never: once only it is outdated, the planner switches over to
 * an updated, caught-up secondary ({@link ShardRequests#handOver}) and the old primary, a secondary
 * then, is rolled like the others. A roll so pauses writes for one planned switch-over, never a
 * failover.
 */
public final class RollPlanner {

  private RollPlanner() {}

  /** The secondary to delete now so its StatefulSet re-creates it from the new template. */
  public static Optional<PodView> next(
      ShardPhase phase, ShardStatus status, List<PodView> pods, String updateRevision) {
    if (updateRevision == null
        || phase != ShardPhase.Ready
        || status == null
        || status.primary() == null
        || pods.isEmpty()) {
      return Optional.empty();
    }
    List<ReplicaStatus> replicas = status.replicasOrEmpty();
    boolean settled =
        replicas.size() == pods.size()
            && pods.stream().allMatch(p -> p.ready() && !p.terminating())
            && replicas.stream()
                .allMatch(r -> Boolean.TRUE.equals(r.ready()) && r.state() == ReplicaState.Ready);
    if (!settled) {
      return Optional.empty();
    }
    return pods.stream()
        .filter(p -> PodView.outdated(p, updateRevision))
        .filter(p -> !p.name().equals(status.primary()))
        .max(Comparator.comparingInt(PodView::ordinal));
  }
}
