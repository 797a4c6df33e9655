package io.shardeddb.operator.reconciler;

import io.shardeddb.operator.reconciler.ShardAction.AssignRole;
import io.shardeddb.operator.reconciler.ShardAction.Configure;
import io.shardeddb.operator.reconciler.ShardAction.Fence;
import io.shardeddb.operator.reconciler.ShardObservation.Member;
import io.shardeddb.operator.reconciler.ShardPlan.Stage;
import io.shardeddb.operator.shardclient.TimedFence;
import io.shardeddb.operator.status.EventReason;
import io.shardeddb.operator.status.ShardEvent;
import io.shardeddb.operator.status.ShardPhase;
import io.shardeddb.protocol.failover.Candidate;
import io.shardeddb.protocol.failover.Election;
import io.shardeddb.protocol.failover.FailoverPlanner;
import io.shardeddb.protocol.shard.Heartbeat;
import io.shardeddb.protocol.shard.LogPosition;
import io.shardeddb.protocol.shard.ReplicaState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Failover by fence-then-choose (DESIGN §5 rules 1, 2, 11, 12): whether an election may run (a
 * majority of the voters, and of the staying voters, answer holding data; fencing otherwise only
 * raises the epoch), the fences, and the choice among the fence answers ({@link FailoverPlanner}),
 * joint over a shrink's old and new voting sets.
 */
final class ShardElection {
  private ShardElection() {}

  /** Chooses a primary from the fence answers of an {@link Stage#ELECT} plan. */
  static ShardPlan elect(ShardObservation o, ShardPlan plan, Map<String, TimedFence> answers) {
    // A primary that reported it reaches no majority is fenced but is no candidate, and its answer
    // does not count: its extra entries were never acknowledged, and every acknowledged one is on
    // a majority of the others (rule 11). That is: no majority acknowledgement for a while, or a
    // stand-down (check-quorum) its secondaries confirm (LostPrimary) — elected at once on it, it
    // would still be cut off. A stand-down alone (its answers lost) keeps it a candidate: its
    // answer may be needed for a majority.
    Heartbeat oldPrimary = plan.primary() == null ? null : o.beat(plan.primary());
    boolean confirmedStandDown =
        oldPrimary != null
            && oldPrimary.quorum() != null
            && oldPrimary.quorum().steppedDown()
            && LostPrimary.reason(o, oldPrimary.epoch(), plan.primary(), oldPrimary) != null;
    String excluded =
        oldPrimary != null && (ShardPlanner.isolated(oldPrimary) || confirmedStandDown)
            ? plan.primary()
            : null;
    // Only voters count and may lead (rule 12): a learner (ordinal at or past the voting count)
    // was never counted in an acknowledgement, so its answer proves nothing and it may lack
    // acknowledged writes; a replica that stays and votes is one below both counts.
    int voters = VotingSet.recordedVoters(o);
    // A shrink whose smaller set a primary may have been told (recorded before it was): writes may
    // have been acknowledged by a majority of that set alone, so the election is joint over it even
    // once the spec has gone back up.
    int stayingVoters = VotingSet.stayingVoters(o);
    List<Candidate> staying = new ArrayList<>();
    List<Candidate> all = new ArrayList<>();
    for (Member m : o.members()) {
      TimedFence t = answers.get(m.name());
      if (t == null || m.name().equals(excluded) || m.ordinal() >= voters) {
        continue;
      }
      Candidate c = Candidate.of(t.answer(), m.name(), t.latency(), m.restarts(), m.uptime());
      all.add(c);
      if (m.ordinal() < stayingVoters) {
        staying.add(c);
      }
    }
    Set<String> mayLead =
        o.members().stream()
            .filter(m -> m.ordinal() < stayingVoters)
            .map(Member::name)
            .collect(Collectors.toSet());
    Election result =
        FailoverPlanner.choose(plan.fenceEpoch(), stayingVoters, staying, mayLead::contains);
    int oldSize = voters;
    if (oldSize > stayingVoters && result instanceof Election.Elected) {
      // Replicas are being removed (rule 12): writes may have been acknowledged by a majority of
      // the old membership, so a majority of it must answer too (joint quorum), and a leaving
      // replica that is ahead of every staying one blocks the choice (Behind).
      result = FailoverPlanner.choose(plan.fenceEpoch(), oldSize, all, mayLead::contains);
      if (result instanceof Election.Behind) {
        // A leaving replica holds writes no staying one has (a majority of the old membership
        // acknowledged them): it leads for now, over the old membership, until a staying replica
        // has caught up and takes over by a planned switch-over; only then does the shrink go on.
        result = FailoverPlanner.choose(plan.fenceEpoch(), oldSize, all, name -> true);
      }
    }
    String refusal =
        switch (result) {
          case Election.NoQuorum q -> q.describe();
          case Election.Behind b -> b.describe();
          case Election.Elected e -> null;
        };
    if (refusal != null) {
      String who =
          plan.primary() == null
              ? "no primary recorded"
              : "primary " + plan.primary() + " unavailable";
      return ShardPlan.waiting(
              plan.epoch(),
              plan.primary(),
              plan.since(),
              ShardPhase.NoQuorum,
              who + " and " + refusal)
          .withEvents(plan.events());
    }
    Election.Elected won = (Election.Elected) result;
    String winner = won.winner().name();
    long epoch = won.epoch();
    // The winner is chosen for the log its fence answer reported, and refuses the role if its log
    // no longer reaches that far (it lost its volume in between: rule 2).
    LogPosition chosenAt = LogPosition.of(answers.get(winner).answer());
    boolean leaseOver = formerLeasesOver(o, answers, epoch, voters, stayingVoters);
    List<ShardAction> actions = new ArrayList<>();
    List<Member> answered =
        o.members().stream()
            .filter(m -> answers.containsKey(m.name()) && m.url() != null)
            .sorted(Comparator.comparing((Member m) -> !m.name().equals(winner)))
            .toList();
    for (Member m : answered) {
      if (answers.get(m.name()).answer().state() == ReplicaState.Unconfigured
          && o.config() != null) {
        actions.add(new Configure(m.name(), m.url(), o.config()));
      }
      // Primary first, then every other replica that answered; the rest are repaired next pass.
      actions.add(
          new AssignRole(
              m.name(),
              m.url(),
              RoleRequests.roleRequest(o, m.name(), epoch, winner, chosenAt)
                  .withLeaseHandedOver(leaseOver && m.name().equals(winner))));
    }
    String previously =
        plan.primary() == null
            ? "no primary was recorded"
            : "previous primary "
                + plan.primary()
                + " unavailable"
                + (plan.since() == null
                    ? ""
                    : " for "
                        + Duration.between(Instant.parse(plan.since()), o.now()).toSeconds()
                        + "s");
    List<ShardEvent> events = new ArrayList<>(plan.events());
    events.add(
        ShardPlanner.event(
            EventReason.FailoverCompleted,
            o,
            "promoted "
                + winner
                + " to primary at epoch "
                + epoch
                + " ("
                + previously
                + "); "
                + won.reason()));
    return ShardPlan.steady(epoch, winner, failedOver(won), actions)
        .withEvents(events)
        .withIsolated(excluded);
  }

  /**
   * The status message of an election: who won at which epoch, with its SEER score and the
   * runner-up's (the full terms are in the {@code FailoverCompleted} Event).
   */
  static String failedOver(Election.Elected won) {
    String runnerUp =
        won.runnerUp() == null
            ? "no runner-up"
            : String.format(
                Locale.ROOT,
                "runner-up %s %.2f",
                won.runnerUp().name(),
                won.runnerUpScore().total());
    return String.format(
        Locale.ROOT,
        "failed over to %s at epoch %d (SEER score %.2f; %s)",
        won.winner().name(),
        won.epoch(),
        won.score().total(),
        runnerUp);
  }

  /** How many voters answer holding data against how many an election needs. */
  private record Count(int voters, long holdingData, int required) {
    boolean enough() {
      return holdingData >= required;
    }
  }

  private static Count count(ShardObservation o) {
    int voters = VotingSet.recordedVoters(o);
    long holdingData = VotingSet.holdingData(o, voters);
    int required = FailoverPlanner.majority(voters);
    // The election is joint (rule 12): a majority of the staying voters must answer holding data
    // as well; without it fences elect nobody and only raise the epoch, pass after pass.
    int staying = VotingSet.stayingVoters(o);
    if (staying < voters
        && holdingData >= required
        && VotingSet.holdingData(o, staying) < FailoverPlanner.majority(staying)) {
      return new Count(
          staying, VotingSet.holdingData(o, staying), FailoverPlanner.majority(staying));
    }
    return new Count(voters, holdingData, required);
  }

  /**
   * Whether {@code primary}, recorded at {@code epoch}, may be given its own role again at a new
   * epoch without an election: no election can run (too few voters answer holding data), every pod
   * answers, {@code primary} is a staying voter holding its data, and no replica's log holds an
   * entry of an epoch above {@code epoch}. Then every acknowledged write is in its log: those of
   * {@code epoch} went through it (one primary per epoch, rule 1), earlier ones were in its log
   * when it was chosen (rule 2), and none was acknowledged later (an acknowledgement leaves entries
   * of its epoch on a majority, rule 3; every replica answered without one). It came back without
   * its role (a fence of an election that found no quorum, persisted before its restart), and
   * without it nobody ever takes writes again.
   */
  static boolean recordedPrimaryResumes(ShardObservation o, long epoch, String primary) {
    if (primary == null || epoch <= 0 || count(o).enough()) {
      return false;
    }
    Heartbeat p = o.beat(primary);
    boolean allAnswer =
        o.members().size() >= o.desiredReplicas()
            && o.members().stream().allMatch(m -> o.beats().containsKey(m.name()));
    boolean stayingVoter =
        o.member(primary)
            .map(m -> m.url() != null && m.ordinal() < VotingSet.stayingVoters(o))
            .orElse(false);
    return allAnswer
        && stayingVoter
        && VotingSet.holdsData(p)
        && p.state() != ReplicaState.Unconfigured
        && o.beats().values().stream().allMatch(t -> t.heartbeat().lastEntryEpoch() <= epoch);
  }

  static ShardPlan election(
      ShardObservation o, long epoch, String primary, String since, List<ShardEvent> events) {
    Count c = count(o);
    int voters = c.voters();
    long holdingData = c.holdingData();
    int required = c.required();
    if (!c.enough()) {
      // Fences that cannot reach a majority elect nobody but leave the epoch they carried on the
      // replicas they reach: fencing anyway would raise the epoch every pass (DESIGN §5 rule 1).
      String who = primary == null ? "no primary recorded" : "primary " + primary + " unavailable";
      return ShardPlan.waiting(
              epoch,
              primary,
              since,
              ShardPhase.NoQuorum,
              who
                  + " and only "
                  + holdingData
                  + " of "
                  + voters
                  + " replicas answered holding their data; a new primary needs "
                  + required
                  + " (not fencing: it would only raise their epoch)")
          .withEvents(events);
    }
    long fenceEpoch =
        FailoverPlanner.fenceEpoch(
            epoch, o.beats().values().stream().map(t -> t.heartbeat().epoch()).toList());
    List<ShardAction> fences =
        o.members().stream()
            .filter(m -> m.url() != null)
            .map(m -> (ShardAction) new Fence(m.name(), m.url(), fenceEpoch))
            .toList();
    return ShardPlan.fencing(
            epoch,
            primary,
            since,
            epoch == 0 ? ShardPhase.BringingUp : ShardPhase.PrimaryUnavailable,
            fenceEpoch,
            fences)
        .withEvents(events);
  }

  /**
   * Rule 9: whether no primary before {@code epoch} can still hold a lease, so the winner need not
   * wait one lease period: enough voters handed their lease over in their fence answers at {@code
   * epoch} ({@code FenceResponse.handsOverLease}: a primary past its wait, or a replica that heard
   * from no primary for a lease period) that the replicas left could not give any primary the
   * acknowledgements a lease needs (a majority of the smaller membership, less the primary itself):
   * with n replicas and a majority m, at least n - m + 1 handed over. Never with {@code
   * writeQuorum: One}, whose primary holds its lease alone.
   */
  static boolean formerLeasesOver(
      ShardObservation o, Map<String, TimedFence> answers, long epoch, int voters, int staying) {
    if (o.writeQuorum() == io.shardeddb.protocol.topology.WriteQuorum.One) {
      return false;
    }
    // Counted over every pod, not only the voters: a replica that could have acknowledged a
    // primary of a larger membership counts against the hand-over unless it handed over too.
    long handedOver =
        o.members().stream()
            .map(m -> answers.get(m.name()))
            .filter(t -> t != null && t.answer().epoch() == epoch && t.answer().handsOverLease())
            .count();
    int replicas = Math.max(voters, o.members().size());
    int smallest = Math.min(voters, staying);
    return handedOver >= replicas - FailoverPlanner.majority(smallest) + 1;
  }
}
