package io.shardeddb.operator.reconciler;

import io.shardeddb.api.v1alpha1.ShardStatus;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.operator.shardclient.TimedHeartbeat;
import io.shardeddb.protocol.shard.ShardConfigRequest;
import io.shardeddb.protocol.topology.WriteQuorum;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything observed about one shard for one coordination pass: the resource, the shard's /config
 * request (null for a retained shard being removed), its desired replicas, the previous status, its
 * pods and their heartbeats (absent when a replica did not answer), and the pods named by a pending
 * promote or rebuild request for this shard (null: none), the shard StatefulSet's update revision
 * (null: unknown), which pods carrying another revision are not on yet (a roll), and the pods a
 * rolling rebuild has yet to move onto a larger volume; both count as outdated, so the primary
 * hands over once it is the last one.
 */
public record ShardContext(
    ShardedDatabase sdb,
    String shardId,
    ShardConfigRequest config,
    int desiredReplicas,
    WriteQuorum writeQuorum,
    Duration primaryUnavailableAfter,
    ShardStatus previous,
    List<ShardPod> pods,
    Map<String, TimedHeartbeat> heartbeats,
    Instant now,
    String promoteTo,
    String rebuild,
    String updateRevision,
    Set<String> awaitingVolume) {

  /** A context with no rolling rebuild. */
  public ShardContext(
      ShardedDatabase sdb,
      String shardId,
      ShardConfigRequest config,
      int desiredReplicas,
      WriteQuorum writeQuorum,
      Duration primaryUnavailableAfter,
      ShardStatus previous,
      List<ShardPod> pods,
      Map<String, TimedHeartbeat> heartbeats,
      Instant now,
      String promoteTo,
      String rebuild,
      String updateRevision) {
    this(
        sdb,
        shardId,
        config,
        desiredReplicas,
        writeQuorum,
        primaryUnavailableAfter,
        previous,
        pods,
        heartbeats,
        now,
        promoteTo,
        rebuild,
        updateRevision,
        Set.of());
  }

  /** The planner's observation of this pass: plain values, no Kubernetes types. */
  public ShardObservation observation() {
    List<ShardObservation.Member> members =
        pods.stream()
            .filter(p -> p.ordinal() >= 0 && !p.terminating())
            .sorted(Comparator.comparingInt(ShardPod::ordinal))
            .map(
                p ->
                    new ShardObservation.Member(
                        p.name(),
                        p.ordinal(),
                        p.url(),
                        p.ready(),
                        p.view().restarts(),
                        p.uptime(now),
                        PodView.outdated(p.view(), updateRevision)
                            || awaitingVolume.contains(p.name())))
            .toList();
    ShardStatus before =
        previous != null ? previous : ShardStatus.builder().id(shardId).replicas(List.of()).build();
    return new ShardObservation(
        shardId,
        config,
        desiredReplicas,
        writeQuorum,
        primaryUnavailableAfter,
        before,
        members,
        Map.copyOf(heartbeats),
        now,
        promoteTo,
        rebuild);
  }
}
