package io.shardeddb.operator.reconciler;

import io.shardeddb.api.v1alpha1.ShardStatus;
import io.shardeddb.operator.reconciler.ShardAction.AssignRole;
import io.shardeddb.operator.reconciler.ShardAction.Configure;
import io.shardeddb.operator.reconciler.ShardAction.Resync;
import io.shardeddb.operator.reconciler.ShardAction.Verify;
import io.shardeddb.operator.reconciler.ShardObservation.Member;
import io.shardeddb.operator.recopy.RecopyDecision;
import io.shardeddb.operator.recopy.RecopyPolicy;
import io.shardeddb.operator.status.EventReason;
import io.shardeddb.operator.status.ShardEvent;
import io.shardeddb.protocol.shard.Heartbeat;
import io.shardeddb.protocol.shard.ReplicaState;
import io.shardeddb.protocol.topology.Role;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A steady shard's upkeep each pass: configures replicas that came back empty, assigns roles that
 * are missing or stale, grows or shrinks the voting set one step (rule 12), re-copies replicas the
 * {@link RecopyPolicy} says must be, and verifies finished copies.
 */
final class ShardRepair {
  private final RecopyPolicy recopy;

  ShardRepair(RecopyPolicy recopy) {
    this.recopy = recopy;
  }

  /** Configures empty replicas, repairs roles, re-copies empty ones, verifies finished copies. */
  ShardPlan repair(
      ShardObservation o, long epoch, String primary, String message, List<ShardEvent> events) {
    ShardStatus prev = o.previous();
    Set<String> before =
        prev.replicasOrEmpty().stream()
            .map(r -> r.pod() + "@" + r.url())
            .collect(Collectors.toSet());
    Set<String> now =
        o.members().stream()
            .filter(m -> m.url() != null)
            .map(m -> m.name() + "@" + m.url())
            .collect(Collectors.toSet());
    // Peers changed (scale, replaced pod with a new IP): everyone gets the new peer list.
    boolean membershipChanged = !before.equals(now);
    Heartbeat primaryBeat = o.beat(primary);
    String primaryUrl = o.member(primary).map(Member::url).orElse(null);
    List<ShardAction> actions = new ArrayList<>();
    Set<String> copying = new HashSet<>();
    // The voting set (rule 12): one learner becomes a voter per pass, and only once the primary
    // counts over the current set with its term confirmed on it; a shrink's lower count is
    // recorded once the primary's quorum has moved to the staying replicas and confirmed its log.
    int voters = VotingSet.recordedVoters(o);
    int record = 0;
    // A shrink reverted half-way: the spec went back up before a pass saw the primary's quorum
    // over the staying replicas confirmed, so the count recorded is still the old one while the
    // primary counts over fewer. Its set is the base: kept in the roles (never a jump of two or
    // more back to the recorded count), recorded once confirmed; learners then grow it back.
    int reverted =
        voters <= o.desiredReplicas()
            ? VotingSet.smallerVotingSet(o, voters, primary, primaryBeat)
            : 0;
    if (reverted > 0) {
      voters = reverted;
      record = primaryBeat.quorum().termCommitted() ? reverted : 0;
      if (record > 0) {
        message = message + "; " + reverted + " voters (a shrink reverted half-way grows back)";
      }
    } else if (voters < o.desiredReplicas()) {
      Optional<Member> learner = VotingSet.promotable(o, voters, epoch, primary, primaryBeat);
      if (learner.isPresent()) {
        voters++;
        record = voters;
        events.add(
            ShardPlanner.event(
                EventReason.LearnerPromoted,
                o,
                learner.get().name()
                    + " caught up with primary "
                    + primary
                    + " (applied lsn "
                    + o.beat(learner.get().name()).appliedLsn()
                    + ", committed "
                    + primaryBeat.quorum().committedLsn()
                    + "); it votes now: quorum counted over "
                    + voters
                    + " replicas"));
        message = message + "; " + learner.get().name() + " is a voter now";
      }
    } else if (voters > o.desiredReplicas() && VotingSet.shrinkConfirmed(o, primary, primaryBeat)) {
      voters = o.desiredReplicas();
      record = voters;
    }
    int shrink = VotingSet.shrinkToRecord(o, voters, epoch, primary, primaryBeat);
    boolean quorumStale = VotingSet.quorumStale(o, voters, primary, primaryBeat);
    for (Member m : o.members()) {
      Heartbeat h = o.beat(m.name());
      if (h == null || m.url() == null) {
        // A copy not yet verified stays so through a pass its heartbeat was not read (a loaded
        // pod): dropped, it would rejoin unverified and a rebuild request never finish.
        if (VotingSet.wasCopying(prev, m.name())) {
          copying.add(m.name());
        }
        continue;
      }
      if (m.ordinal() >= o.desiredReplicas() && !VotingSet.leaving(o, primary)) {
        // Being removed: left as it is (no role, no re-copy), so it still holds what it
        // acknowledged and answers fences until the StatefulSet has removed it (rule 12). While a
        // leaving primary leads, the old membership is its quorum: everyone keeps a role.
        continue;
      }
      boolean cameBackEmpty = h.state() == ReplicaState.Unconfigured && o.config() != null;
      if (cameBackEmpty) {
        actions.add(new Configure(m.name(), m.url(), o.config()));
      }
      Role expected = m.name().equals(primary) ? Role.Primary : Role.Secondary;
      if (cameBackEmpty
          || membershipChanged
          || (quorumStale && m.name().equals(primary))
          || h.epoch() < epoch
          || h.role() != expected
          || h.state() == ReplicaState.AwaitingRole
          || h.state() == ReplicaState.Fenced) {
        actions.add(
            new AssignRole(
                m.name(),
                m.url(),
                RoleRequests.roleRequest(
                    o, voters, m.name(), epoch, primary, RoleRequests.positionOf(primaryBeat))));
      }
      if (expected != Role.Secondary || primaryBeat == null) {
        continue;
      }
      RecopyDecision decision = recopy.decide(h, primaryBeat, cameBackEmpty);
      if (decision.resync()) {
        // Verified once done, even if the copy finishes before any pass sees it Copying.
        copying.add(m.name());
        actions.add(new Resync(m.name(), m.url(), decision.reason()));
      } else if (VotingSet.wasCopying(prev, m.name()) && h.state() == ReplicaState.Ready) {
        // The copy finished; it rejoins only once its checksum matches (looked at every pass
        // until comparable, so a busy primary cannot leave it unverified for good).
        copying.add(m.name());
        if (primaryUrl != null) {
          actions.add(new Verify(m.name(), m.url(), primaryUrl));
        }
      }
    }
    return ShardPlan.steady(epoch, primary, message, actions)
        .withEvents(events)
        .withCopying(Set.copyOf(copying))
        .withVoters(record)
        .withShrinkVoters(shrink);
  }
}
