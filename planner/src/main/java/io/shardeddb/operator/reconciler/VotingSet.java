package io.shardeddb.operator.reconciler;

import io.shardeddb.api.v1alpha1.ShardStatus;
import io.shardeddb.operator.reconciler.ShardObservation.Member;
import io.shardeddb.protocol.shard.Heartbeat;
import io.shardeddb.protocol.shard.Peer;
import io.shardeddb.protocol.shard.ReplicaState;
import io.shardeddb.protocol.shard.RoleRequest;
import io.shardeddb.protocol.topology.Role;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Who votes in a shard (DESIGN §5 rule 12), as pure functions of a {@link ShardObservation}: the
 * voting count the status records, the learners past it, a shrink's smaller set while a primary may
 * have been told it, when a learner may vote, when a shrink is confirmed, and whether the primary's
 * quorum is stale. The planner's election, repair and role requests all ask here, so the rule has
 * one definition.
 */
final class VotingSet {
  private VotingSet() {}

  /**
   * The voters an election must also win a majority of and chooses among (rule 12): the ones that
   * stay — below the spec's count and, while a shrink's smaller set is recorded, below that count
   * too (a primary may have been told it, so writes may have been acknowledged by a majority of it
   * alone), also once the spec has gone back up.
   */
  static int stayingVoters(ShardObservation o) {
    int voters = recordedVoters(o);
    int shrink = recordedShrink(o);
    return shrink > 0
        ? Math.min(shrink, Math.min(voters, o.desiredReplicas()))
        : Math.min(voters, o.desiredReplicas());
  }

  /** How many voters answered this pass holding data (the election's candidates). */
  static long holdingData(ShardObservation o, int voters) {
    return o.members().stream()
        .filter(m -> m.url() != null && m.ordinal() < voters)
        .map(m -> o.beat(m.name()))
        .filter(VotingSet::holdsData)
        .count();
  }

  /**
   * What to record of a shrink's smaller voting set (DESIGN §5 rule 12), as {@link
   * ShardPlan#withShrinkVoters} takes it. A primary is told a set smaller than the status allows
   * ({@link #toldFloor}) only from the pass after the one that recorded it, so an election always
   * knows every set a quorum may have been counted over, also once the spec has gone back up. The
   * record is cleared once the primary counts over the whole voting set with its term confirmed:
   * its term's first entry is then on a majority of that set, and so is every entry before it.
   */
  static int shrinkToRecord(
      ShardObservation o, int voters, long epoch, String primary, Heartbeat primaryBeat) {
    int wanted = leaving(o, primary) ? voters : Math.min(voters, o.desiredReplicas());
    if (wanted < Math.min(voters, toldFloor(o))) {
      return Math.max(1, wanted);
    }
    if (recordedShrink(o) == 0
        || primaryBeat == null
        || primaryBeat.quorum() == null
        || primaryBeat.role() != Role.Primary
        || primaryBeat.epoch() != epoch
        || primaryBeat.state() == ReplicaState.Fenced
        || !primaryBeat.quorum().termCommitted()
        || primaryBeat.quorum().replicas() != voters
        || quorumStale(o, voters, primary, primaryBeat)) {
      return 0;
    }
    return ShardPlan.CLEAR_SHRINK;
  }

  /**
   * The smaller voting count of a shrink a primary may have been told (recorded by {@link
   * #shrinkToRecord}), 0 when none is in force.
   */
  static int recordedShrink(ShardObservation o) {
    Integer s = o.previous().shrinkVoters();
    return s != null && s > 0 && s < recordedVoters(o) ? s : 0;
  }

  /**
   * The smallest voting set a primary may be told in this pass: the recorded shrink's, else the
   * recorded voting count. Before the shard's first epoch nothing was acknowledged: no floor.
   */
  static int toldFloor(ShardObservation o) {
    if (o.previous().epochOrZero() == 0) {
      return 1;
    }
    int s = recordedShrink(o);
    return s > 0 ? s : recordedVoters(o);
  }

  /**
   * The learner at ordinal {@code voters} when it may vote now (rule 12), else empty. It may once
   * (a) the primary counts its quorum over the current voting set (not stale) and its term's first
   * entry is on a majority of that set ({@code termCommitted}: every write acknowledged under an
   * earlier, smaller set is then on a majority of this one, so adding one more voter keeps every
   * election intersecting every quorum that acknowledged anything), and (b) the learner is caught
   * up: a secondary of this primary at this epoch, Ready, its pod ready, not copying or awaiting
   * verification, and its applied LSN at least the LSN the primary reports committed (held by a
   * quorum) in the same pass. (b) is for availability only: safety needs one voter at a time.
   */
  static Optional<Member> promotable(
      ShardObservation o, int voters, long epoch, String primary, Heartbeat primaryBeat) {
    if (primaryBeat == null
        || primaryBeat.quorum() == null
        || primaryBeat.role() != Role.Primary
        || primaryBeat.epoch() != epoch
        || primaryBeat.state() == ReplicaState.Fenced
        || leaving(o, primary)
        || !primaryBeat.quorum().termCommitted()
        || quorumStale(o, voters, primary, primaryBeat)) {
      return Optional.empty();
    }
    long committed = primaryBeat.quorum().committedLsn();
    return o.members().stream()
        .filter(m -> m.ordinal() == voters && m.url() != null && m.ready())
        .filter(
            m -> {
              Heartbeat h = o.beat(m.name());
              return h != null
                  && h.role() == Role.Secondary
                  && h.epoch() == epoch
                  && primary.equals(h.primary())
                  && h.state() == ReplicaState.Ready
                  && !wasCopying(o.previous(), m.name())
                  && committed >= 0
                  && h.appliedLsn() >= committed;
            })
        .findFirst();
  }

  /**
   * The size of the primary's voting set when it is smaller than {@code voters} (the recorded
   * count) and made of the replicas below it (a prefix of the ordinals): what a shrink moved its
   * quorum to before the spec went back up (rule 12). 0 otherwise, and for a leaving primary (it
   * leads over the old membership) or one that does not report its quorum.
   */
  static int smallerVotingSet(ShardObservation o, int voters, String primary, Heartbeat beat) {
    if (beat == null
        || beat.quorum() == null
        || beat.role() != Role.Primary
        || beat.state() == ReplicaState.Fenced
        || leaving(o, primary)) {
      return 0;
    }
    int q = beat.quorum().replicas();
    if (q <= 0 || q >= voters) {
      return 0;
    }
    Set<String> below =
        o.members().stream()
            .filter(m -> m.ordinal() < q)
            .map(Member::name)
            .collect(Collectors.toSet());
    return below.contains(primary) && below.containsAll(beat.quorum().voters()) ? q : 0;
  }

  /**
   * Whether a shrink's new, smaller voting set is in force: the primary (a staying replica) counts
   * over the spec's count, replicates to staying replicas only, and its term's first entry is on a
   * majority of them (the condition on which {@link ResizeGate} lets the leaving pods go).
   */
  static boolean shrinkConfirmed(ShardObservation o, String primary, Heartbeat beat) {
    if (beat == null
        || beat.quorum() == null
        || beat.role() != Role.Primary
        || beat.state() == ReplicaState.Fenced
        || leaving(o, primary)
        || !beat.quorum().termCommitted()
        || beat.quorum().replicas() != o.desiredReplicas()) {
      return false;
    }
    Set<String> staying =
        o.members().stream()
            .filter(m -> m.ordinal() < o.desiredReplicas())
            .map(Member::name)
            .collect(Collectors.toSet());
    return staying.containsAll(beat.quorum().voters());
  }

  /** Whether a heartbeat shows a replica that holds data (may vote for a new primary). */
  static boolean holdsData(Heartbeat h) {
    return h != null
        && h.state() != ReplicaState.Copying
        && h.state() != ReplicaState.Unconfigured
        && (h.lastEntryEpoch() > 0 || h.appliedLsn() > 0);
  }

  /** The replicas that exist or are kept: the spec's count, or more while some are leaving. */
  static int membershipSize(ShardObservation o) {
    int highest = o.members().stream().mapToInt(Member::ordinal).max().orElse(-1);
    return Math.max(o.desiredReplicas(), highest + 1);
  }

  /**
   * Whether the primary's write quorum differs from the membership in force with {@code voters}
   * voting: counted over another replica count, counting other secondaries than the voting staying
   * ones, or feeding other learners (rule 12). Older shard-servers do not report it: never stale.
   */
  static boolean quorumStale(
      ShardObservation o, int voters, String primary, Heartbeat primaryBeat) {
    if (primaryBeat == null || primaryBeat.quorum() == null) {
      return false;
    }
    RoleRequest wanted = RoleRequests.roleRequest(o, voters, primary, primaryBeat.epoch(), primary);
    Set<String> expected =
        wanted.peers().stream()
            .map(Peer::name)
            .filter(n -> !n.equals(primary))
            .collect(Collectors.toSet());
    Set<String> learners = wanted.learners().stream().map(Peer::name).collect(Collectors.toSet());
    return primaryBeat.quorum().replicas() != wanted.replicas()
        || !Set.copyOf(primaryBeat.quorum().voters()).equals(expected)
        || !Set.copyOf(primaryBeat.quorum().learners()).equals(learners);
  }

  static boolean wasCopying(ShardStatus prev, String pod) {
    return prev.replica(pod).map(r -> r.state() == ReplicaState.Copying).orElse(false);
  }

  /**
   * The voting count in force (DESIGN §5 rule 12), as the status records it: replicas with an
   * ordinal below it vote -- the primary's quorum and elections are counted over them; the ones
   * from it up to the spec's count are learners. Absent (a status written before learners, or
   * lost): every replica the shard has, as the operator counted before learners.
   */
  static int recordedVoters(ShardObservation o) {
    Integer v = o.previous().voters();
    return v != null && v > 0 ? v : membershipSize(o);
  }

  /** Whether {@code pod} is a replica being removed (its ordinal is past the spec's count). */
  static boolean leaving(ShardObservation o, String pod) {
    return pod != null && o.member(pod).map(m -> m.ordinal() >= o.desiredReplicas()).orElse(false);
  }
}
