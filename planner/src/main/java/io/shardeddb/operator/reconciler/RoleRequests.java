package io.shardeddb.operator.reconciler;

import io.shardeddb.operator.reconciler.ShardObservation.Member;
import io.shardeddb.protocol.shard.Heartbeat;
import io.shardeddb.protocol.shard.LogPosition;
import io.shardeddb.protocol.shard.Peer;
import io.shardeddb.protocol.shard.RoleRequest;
import io.shardeddb.protocol.topology.Role;
import java.util.List;

/**
 * The role requests the planner sends: peers are the voting replicas, learners the replicas fed but
 * not counted ({@link VotingSet}), and a primary's request names the log position it was chosen for
 * (rule 2).
 */
final class RoleRequests {
  private RoleRequests() {}

  /** The role request for {@code pod} under the recorded voting set ({@link #recordedVoters}). */
  static RoleRequest roleRequest(ShardObservation o, String pod, long epoch, String primary) {
    return roleRequest(o, VotingSet.recordedVoters(o), pod, epoch, primary);
  }

  /**
   * The same, and the primary's own request names {@code chosenAt}: the log position it was chosen
   * for, which it refuses to lead without (rule 2).
   */
  static RoleRequest roleRequest(
      ShardObservation o, String pod, long epoch, String primary, LogPosition chosenAt) {
    return roleRequest(o, VotingSet.recordedVoters(o), pod, epoch, primary, chosenAt);
  }

  /**
   * The role request with {@code voters} voting; the primary's names {@code chosenAt} (null: none).
   */
  static RoleRequest roleRequest(
      ShardObservation o,
      int voters,
      String pod,
      long epoch,
      String primary,
      LogPosition chosenAt) {
    RoleRequest r = roleRequest(o, voters, pod, epoch, primary);
    return r.role() == Role.Primary && chosenAt != null ? r.chosenAt(chosenAt) : r;
  }

  /**
   * The position a sitting primary reported (its last entry), which it is told its role again for:
   * a primary's log only grows, so only a primary that lost entries refuses (null: no heartbeat).
   */
  static LogPosition positionOf(Heartbeat primaryBeat) {
    return primaryBeat == null
        ? null
        : new LogPosition(primaryBeat.lastEntryEpoch(), primaryBeat.appliedLsn());
  }

  /**
   * The role request for {@code pod} with {@code voters} replicas voting (rule 12). Peers are the
   * voting replicas with an address and {@code replicas} their count, over which the quorum is
   * counted; learners (ordinals from the voting count up to the spec's) are fed but not counted.
   * Replicas being removed (ordinal past the spec's count) are neither: the primary's quorum moves
   * to the staying ones -- unless the primary is itself leaving (it held writes no staying replica
   * had): then its quorum is the old voting set until it hands over.
   */
  static RoleRequest roleRequest(
      ShardObservation o, int voters, String pod, long epoch, String primary) {
    boolean oldMembership = VotingSet.leaving(o, primary);
    // A smaller set than the status records as possibly in force waits for the pass that records
    // it (a shrink: shrinkToRecord), so elections always know it.
    int bound =
        Math.max(
            1,
            Math.max(
                oldMembership ? voters : Math.min(voters, o.desiredReplicas()),
                Math.min(voters, VotingSet.toldFloor(o))));
    List<Peer> peers =
        o.members().stream()
            .filter(m -> m.url() != null && m.ordinal() < bound)
            .map(m -> new Peer(m.name(), m.url()))
            .toList();
    List<Peer> learners =
        o.members().stream()
            .filter(
                m -> m.url() != null && m.ordinal() >= bound && m.ordinal() < o.desiredReplicas())
            .map(m -> new Peer(m.name(), m.url()))
            .toList();
    Peer primaryPeer = new Peer(primary, o.member(primary).map(Member::url).orElse(null));
    Role role = pod.equals(primary) ? Role.Primary : Role.Secondary;
    return new RoleRequest(epoch, role, primaryPeer, peers, o.writeQuorum(), bound, learners);
  }
}
