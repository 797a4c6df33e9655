package io.shardeddb.operator.reconciler;

import io.shardeddb.protocol.failover.FailoverPlanner;
import io.shardeddb.protocol.shard.Heartbeat;
import io.shardeddb.protocol.shard.ReplicaState;
import io.shardeddb.protocol.topology.Role;
import java.util.List;

/**
 * DESIGN §5 rule 11's liveness half in the operator (issue 47 item 6, docs/safety.md "Where an
 * outage's seconds go"): when the replicas' reports let {@link ShardPlanner} elect without waiting
 * out {@code primaryUnavailableSeconds}. Pure: a function of one pass's observation.
 */
final class LostPrimary {
  private LostPrimary() {}

  /**
   * Why the replicas say the recorded {@code primary} of {@code epoch} reaches no majority (DESIGN
   * §5 rule 11), or null when they do not. Two words must agree. The primary's: it does not answer
   * the operator as a serving primary — silent, answering otherwise, or answering that it stood
   * down (check-quorum, {@code QuorumState.steppedDown}); a primary that answers as serving is
   * never overruled. Its secondaries': enough voting secondaries of this epoch that follow it
   * report it lost ({@code Heartbeat.primaryLost}: nothing from it for a lease period) that it
   * cannot form a majority without them — more than {@code n - majority(n)} of the recorded voters;
   * a silent secondary is not counted as having lost it. So a lost answer alone (the primary stood
   * down, its secondaries still hear it) or the operator's own silence alone (it may be the one cut
   * off) costs no immediate failover: those wait {@code primaryUnavailableSeconds}.
   */
  static String reason(ShardObservation o, long epoch, String primary, Heartbeat primaryBeat) {
    boolean answersAsPrimary =
        primaryBeat != null
            && primaryBeat.role() == Role.Primary
            && primaryBeat.epoch() == epoch
            && primaryBeat.state() != ReplicaState.Fenced;
    boolean stoodDown =
        answersAsPrimary && primaryBeat.quorum() != null && primaryBeat.quorum().steppedDown();
    if (answersAsPrimary && !stoodDown) {
      return null;
    }
    int voters = VotingSet.recordedVoters(o);
    List<String> reporting =
        o.members().stream()
            .filter(m -> m.ordinal() < voters && !m.name().equals(primary))
            .map(m -> o.beat(m.name()))
            .filter(
                h ->
                    h != null
                        && h.role() == Role.Secondary
                        && h.epoch() == epoch
                        && primary.equals(h.primary())
                        && h.primaryLost())
            .map(Heartbeat::name)
            .toList();
    int needed = voters - FailoverPlanner.majority(voters) + 1;
    if (reporting.size() < needed) {
      return null;
    }
    String word =
        stoodDown
            ? " stood down (no majority of its replicas answered it for "
                + primaryBeat.quorum().majorityAckAgeMillis()
                + " ms)"
            : primaryBeat == null ? " answers no heartbeat" : " does not answer as primary";
    return "primary "
        + primary
        + word
        + " and "
        + reporting
        + " (voting secondaries of epoch "
        + epoch
        + ") heard nothing from it for a lease period: it cannot reach a majority";
  }
}
