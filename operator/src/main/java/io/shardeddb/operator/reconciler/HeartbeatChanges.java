package io.shardeddb.operator.reconciler;

import io.shardeddb.protocol.shard.Heartbeat;
import io.shardeddb.protocol.shard.ImportState;
import io.shardeddb.protocol.shard.QuorumState;
import io.shardeddb.protocol.shard.ReplicaState;
import io.shardeddb.protocol.topology.PointRange;
import io.shardeddb.protocol.topology.Role;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a pass decides from in a database's heartbeats (pure): who answers, and for each answer its
 * identity, role, epochs, state, primary, ranges, quorum and the position thresholds the planner
 * compares against — not the raw positions, latencies or copy counters, which move on every poll of
 * a database taking writes. Two heartbeat sets with equal views lead a pass to the same decisions,
 * so {@link HeartbeatEventSource} triggers a pass only when the view changes.
 */
final class HeartbeatChanges {

  private HeartbeatChanges() {}

  /**
   * One answer as the planner reads it. {@code empty}: no entry at all (a replica that came back
   * empty, {@code RecopyPolicy}); {@code learnerCaughtUp}: a learner of its shard's primary that
   * applied at least what the primary reports a quorum holds (it may vote, {@code VotingSet});
   * {@code isolated}: a primary no majority acknowledged for a while (rule 11, {@link
   * ShardPlanner#isolated}); {@code primaryLost}: a secondary that heard nothing from its primary
   * for a lease period (rule 11, {@link LostPrimary}).
   */
  record Answer(
      String name,
      String shard,
      Role role,
      long epoch,
      long lastEntryEpoch,
      String primary,
      ReplicaState state,
      String primaryUrl,
      List<PointRange> owned,
      boolean copying,
      String importMove,
      ImportState importState,
      Quorum quorum,
      boolean empty,
      boolean learnerCaughtUp,
      boolean isolated,
      boolean primaryLost) {}

  /** A primary's quorum without its ages and positions; whether it stood down (rule 11). */
  record Quorum(
      int replicas,
      List<String> voters,
      List<String> learners,
      boolean termCommitted,
      boolean steppedDown) {

    static Quorum of(QuorumState q) {
      return q == null
          ? null
          : new Quorum(q.replicas(), q.voters(), q.learners(), q.termCommitted(), q.steppedDown());
    }
  }

  /** The view of {@code answers} (by pod name; the silent pods are absent). */
  static Map<String, Answer> view(Map<String, Heartbeat> answers) {
    // Each shard's primary at the highest epoch that reports a quorum.
    Map<String, Heartbeat> primaries = new HashMap<>();
    answers.values().stream()
        .filter(h -> h.role() == Role.Primary && h.quorum() != null)
        .forEach(h -> primaries.merge(h.shard(), h, (a, b) -> a.epoch() >= b.epoch() ? a : b));
    Map<String, Answer> out = new HashMap<>();
    answers.forEach(
        (pod, h) -> {
          Heartbeat primary = primaries.get(h.shard());
          boolean learner = primary != null && primary.quorum().learners().contains(pod);
          out.put(
              pod,
              new Answer(
                  h.name(),
                  h.shard(),
                  h.role(),
                  h.epoch(),
                  h.lastEntryEpoch(),
                  h.primary(),
                  h.state(),
                  h.primaryUrl(),
                  h.owned(),
                  h.copy() != null,
                  h.importing() == null ? null : h.importing().moveId(),
                  h.importing() == null ? null : h.importing().state(),
                  Quorum.of(h.quorum()),
                  h.appliedLsn() == 0 && h.lastEntryEpoch() == 0,
                  learner
                      && primary.quorum().committedLsn() >= 0
                      && h.appliedLsn() >= primary.quorum().committedLsn(),
                  ShardPlanner.isolated(h),
                  h.primaryLost()));
        });
    return out;
  }
}
