package io.shardeddb.operator.reconciler;

import io.shardeddb.api.v1alpha1.ReplicaStatus;
import io.shardeddb.api.v1alpha1.ShardStatus;
import io.shardeddb.operator.reconciler.ShardAction.AssignRole;
import io.shardeddb.operator.reconciler.ShardAction.Configure;
import io.shardeddb.operator.reconciler.ShardAction.Fence;
import io.shardeddb.operator.reconciler.ShardAction.Resync;
import io.shardeddb.operator.reconciler.ShardAction.Verify;
import io.shardeddb.operator.reconciler.ShardObservation.Member;
import io.shardeddb.operator.reconciler.ShardPlan.Stage;
import io.shardeddb.operator.recopy.RecopyDecision;
import io.shardeddb.operator.recopy.RecopyPolicy;
import io.shardeddb.operator.shardclient.TimedFence;
import io.shardeddb.operator.status.EventReason;
import io.shardeddb.operator.status.ShardEvent;
import io.shardeddb.operator.status.ShardPhase;
import io.shardeddb.protocol.failover.Candidate;
import io.shardeddb.protocol.failover.Election;
import io.shardeddb.protocol.failover.FailoverPlanner;
import io.shardeddb.protocol.shard.Heartbeat;
import io.shardeddb.protocol.shard.LogPosition;
import io.shardeddb.protocol.shard.Peer;
import io.shardeddb.protocol.shard.ReplicaState;
import io.shardeddb.protocol.shard.RoleRequest;
import io.shardeddb.protocol.topology.Role;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The operator's decisions for one shard, as pure functions of a {@link ShardObservation}:
 * bring-up, adopting a primary the replicas elected when the status is behind, judging the primary
 * by the operator's own heartbeat, failover by fence-then-choose ({@link FailoverPlanner}),
 * re-announcing a moved primary, role repair, re-copy of replicas that came back empty, and
 * verification of finished copies. No client, no clock: the time comes in the observation.
 *
 * <p>Why one file (~440 lines): the decisions form one priority order per pass (bring-up, then
 * adopting or electing a primary, then repair and re-copy), and which one wins is only visible when
 * they are read together; user requests are apart in {@link ShardRequests}.
 */
public final class ShardPlanner {

  private final RecopyPolicy recopy;
  private final ShardRequests requests = new ShardRequests();

  /** A planner deciding re-copies with {@code recopy}. */
  public ShardPlanner(RecopyPolicy recopy) {
    this.recopy = recopy;
  }

  /**
   * The first decision of a pass, including a pending request's ({@link ShardRequests}): a
   * switch-over goes first; a rebuild waits for a pass without one.
   */
  public ShardPlan plan(ShardObservation o) {
    ShardPlan plan = maintain(o);
    if (o.promoteTo() != null) {
      plan = requests.promote(o, plan);
    } else {
      plan = requests.handOver(o, plan);
    }
    if (o.rebuild() != null && plan.stage() != Stage.SWITCH_OVER) {
      plan = requests.rebuild(o, plan);
    }
    return plan;
  }

  /** Finishes a switch-over plan; see {@link ShardRequests#complete}. */
  public ShardPlan completeSwitchover(
      ShardObservation o, ShardPlan started, TimedFence answer, Heartbeat target) {
    return requests.complete(o, started, answer, target);
  }

  /** The request's outcome after its calls; see {@link ShardRequests#afterApply}. */
  public ShardPlan afterApply(ShardPlan plan, List<ActionResult> results) {
    return requests.afterApply(plan, results);
  }

  /** The pass's decision without requests: bring-up, adoption, failover, re-announce, repair. */
  private ShardPlan maintain(ShardObservation o) {
    ShardStatus prev = o.previous();
    long epoch = prev.epochOrZero();
    String primary = prev.primary();
    long seen = o.beats().values().stream().mapToLong(t -> t.heartbeat().epoch()).max().orElse(0);
    List<ShardEvent> events = new ArrayList<>();
    if (seen > epoch) {
      // The replicas are ahead of the status (lost status, a failed status write, or fences of an
      // election that found no quorum). Only a primary they accepted at that epoch may be adopted.
      Optional<Heartbeat> claimant =
          o.members().stream()
              .map(m -> o.beat(m.name()))
              .filter(h -> h != null && h.epoch() == seen && h.role() == Role.Primary)
              .filter(h -> h.state() != ReplicaState.Fenced)
              .findFirst();
      if (claimant.isEmpty()) {
        if (epoch == 0 && neverAcknowledged(o)) {
          // A bring-up that failed half-way (a /config or /role call timed out): the replicas
          // took epochs but no primary ever wrote its no-op entry. An election can never fix
          // that (empty logs do not hold data), so the bring-up is done again above them.
          return bringUp(o, seen + 1);
        }
        return election(o, epoch, primary, prev.primaryUnavailableSince(), events);
      }
      events.add(
          event(
              EventReason.PrimaryAdopted,
              o,
              "replicas are at epoch "
                  + seen
                  + " above the recorded "
                  + epoch
                  + "; adopted "
                  + claimant.get().name()
                  + ", the primary they accepted"));
      epoch = seen;
      primary = claimant.get().name();
    }
    if (epoch == 0) {
      return bringUp(o, 1);
    }
    if (primary == null) {
      // No primary is recorded at this epoch: the one elected refused its role (its log no longer
      // reached the position it was chosen for, rule 2). Nobody is to be waited for: elect again.
      String since = prev.primaryUnavailableSince();
      return election(o, epoch, null, since != null ? since : o.now().toString(), events);
    }
    Heartbeat primaryBeat = primary == null ? null : o.beat(primary);
    // The operator's own heartbeat decides (each call has a deadline), not pod readiness: a hung
    // or partitioned primary answers no heartbeat, a deposed one answers as something else.
    boolean primaryUp =
        primaryBeat != null
            && primaryBeat.role() == Role.Primary
            && primaryBeat.epoch() == epoch
            && primaryBeat.state() != ReplicaState.Fenced
            // A primary that answers but reaches no majority takes no write either (rule 11).
            && !isolated(primaryBeat);
    if (!primaryUp) {
      String since = prev.primaryUnavailableSince();
      Instant first = since == null ? o.now() : Instant.parse(since);
      Duration down = Duration.between(first, o.now());
      if (down.compareTo(o.primaryUnavailableAfter()) < 0) {
        return new ShardPlan(
            Stage.WAIT,
            epoch,
            primary,
            first.toString(),
            ShardPhase.PrimaryUnavailable,
            "primary "
                + primary
                + (primaryBeat != null && isolated(primaryBeat)
                    ? " reaches no majority of its replicas"
                        + " (no majority acknowledgement for "
                        + primaryBeat.quorum().majorityAckAgeMillis() / 1000
                        + "s)"
                    : " unavailable")
                + " for "
                + down.toSeconds()
                + "s",
            0,
            rolesForAnsweringPrimary(o, epoch, primary, primaryBeat),
            events,
            Set.of());
      }
      if (neverAcknowledged(o)
          && holdingData(o, recordedVoters(o)) < FailoverPlanner.majority(recordedVoters(o))) {
        // The bring-up's Primary role never arrived (or its primary lost it before its no-op
        // entry reached anyone): no write was ever acknowledged (rule 3) and too few replicas
        // hold data for an election to succeed (rule 2). Done again, above every epoch seen; while
        // an election can succeed it is preferred (simulator seed 337: a redo onto an empty pod-0
        // beside three replicas holding the first no-op).
        return bringUp(o, Math.max(epoch, seen) + 1);
      }
      return election(o, epoch, primary, first.toString(), events);
    }
    String message = "primary " + primary + " at epoch " + epoch;
    Optional<Member> current = o.member(primary);
    String currentUrl = current.map(Member::url).orElse(null);
    if (currentUrl != null && announcedElsewhere(o, prev, epoch, primary, currentUrl)) {
      // The primary came back at a new address: replicas refuse a different primary for the same
      // epoch, and the same one at a new address is news to them, so announce it at the next one.
      epoch = Math.max(epoch, seen) + 1;
      events.add(
          event(
              EventReason.PrimaryReannounced,
              o,
              "primary "
                  + primary
                  + " moved to "
                  + currentUrl
                  + "; announced to all replicas at epoch "
                  + epoch));
      message = "primary " + primary + " re-announced at epoch " + epoch;
    }
    return repair(o, epoch, primary, message, events);
  }

  /**
   * While a primary that answers but reaches no majority waits out primaryUnavailableSeconds: the
   * staying secondaries that do not follow it at this epoch get their role again (they may have
   * restarted and lost it — then the primary is isolated because nobody follows it, and the repair
   * ends that without a failover). Nothing else is sent: no fence, no re-copy.
   */
  private List<ShardAction> rolesForAnsweringPrimary(
      ShardObservation o, long epoch, String primary, Heartbeat primaryBeat) {
    if (primaryBeat == null
        || primaryBeat.role() != Role.Primary
        || primaryBeat.epoch() != epoch
        || primaryBeat.state() == ReplicaState.Fenced) {
      return List.of();
    }
    List<ShardAction> actions = new ArrayList<>();
    for (Member m : o.members()) {
      Heartbeat h = o.beat(m.name());
      if (h == null
          || m.url() == null
          || m.name().equals(primary)
          || m.ordinal() >= o.desiredReplicas()
          || h.state() == ReplicaState.Unconfigured
          || h.state() == ReplicaState.Fenced) {
        continue;
      }
      if (h.epoch() < epoch
          || h.role() != Role.Secondary
          || h.state() == ReplicaState.AwaitingRole) {
        actions.add(new AssignRole(m.name(), m.url(), roleRequest(o, m.name(), epoch, primary)));
      }
    }
    return actions;
  }

  /**
   * Whether the replicas know {@code primary} at an address other than {@code currentUrl}: one of
   * them at the current epoch names it as primary at another URL (what it pulls the log from), or,
   * for shard-servers that do not report that, the status recorded another URL. The heartbeats
   * decide because the status follows the pods: a pass while the moved primary was not yet
   * answering records its new URL before anyone was told.
   */
  private static boolean announcedElsewhere(
      ShardObservation o, ShardStatus prev, long epoch, String primary, String currentUrl) {
    boolean replicasDisagree =
        o.beats().values().stream()
            .map(t -> t.heartbeat())
            .anyMatch(
                h ->
                    h.epoch() == epoch
                        && primary.equals(h.primary())
                        && h.primaryUrl() != null
                        && !h.primaryUrl().equals(currentUrl));
    String recordedUrl = prev.replica(primary).map(ReplicaStatus::url).orElse(null);
    return replicasDisagree || (recordedUrl != null && !recordedUrl.equals(currentUrl));
  }

  /** Chooses a primary from the fence answers of an {@link Stage#ELECT} plan. */
  public ShardPlan elect(ShardObservation o, ShardPlan plan, Map<String, TimedFence> answers) {
    // A primary that reported it reaches no majority is fenced but is no candidate, and its answer
    // does not count: its extra entries were never acknowledged, and every acknowledged one is on
    // a majority of the others (rule 11).
    Heartbeat oldPrimary = plan.primary() == null ? null : o.beat(plan.primary());
    String excluded = oldPrimary != null && isolated(oldPrimary) ? plan.primary() : null;
    // Only voters count and may lead (rule 12): a learner (ordinal at or past the voting count)
    // was never counted in an acknowledgement, so its answer proves nothing and it may lack
    // acknowledged writes; a replica that stays and votes is one below both counts.
    int voters = recordedVoters(o);
    // A shrink whose smaller set a primary may have been told (recorded before it was): writes may
    // have been acknowledged by a majority of that set alone, so the election is joint over it even
    // once the spec has gone back up.
    int stayingVoters = stayingVoters(o);
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
      return new ShardPlan(
          Stage.WAIT,
          plan.epoch(),
          plan.primary(),
          plan.since(),
          ShardPhase.NoQuorum,
          who + " and " + refusal,
          0,
          List.of(),
          plan.events(),
          Set.of());
    }
    Election.Elected won = (Election.Elected) result;
    String winner = won.winner().name();
    long epoch = won.epoch();
    // The winner is chosen for the log its fence answer reported, and refuses the role if its log
    // no longer reaches that far (it lost its volume in between: rule 2).
    LogPosition chosenAt = LogPosition.of(answers.get(winner).answer());
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
          new AssignRole(m.name(), m.url(), roleRequest(o, m.name(), epoch, winner, chosenAt)));
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
        event(
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
    return new ShardPlan(
        Stage.STEADY,
        epoch,
        winner,
        null,
        ShardPhase.Ready,
        "failed over to " + winner + " at epoch " + epoch,
        0,
        actions,
        events,
        Set.of());
  }

  /**
   * Whether every replica answered, none is copying and none holds more than one log entry: then no
   * write was ever acknowledged, since every log starts with its first term's no-op (lsn 1) and
   * each acknowledgement leaves an entry past it on a majority (DESIGN §5 rule 3). A lone no-op is
   * what a bring-up's primary writes before its peers follow it (simulator seed 1879). A silent
   * replica may hold the data, so all of them must answer.
   */
  private static boolean neverAcknowledged(ShardObservation o) {
    boolean allAnswer =
        o.members().size() >= o.desiredReplicas()
            && o.members().stream().allMatch(m -> o.beats().containsKey(m.name()));
    return allAnswer
        && o.beats().values().stream()
            .map(t -> t.heartbeat())
            .noneMatch(h -> h.state() == ReplicaState.Copying || h.appliedLsn() > 1);
  }

  /** Configures every empty replica and assigns pod-0 primary at {@code epoch}. */
  private ShardPlan bringUp(ShardObservation o, long epoch) {
    // At epoch 1 (nothing seen yet) any data means a lost status; above it (a half-done bring-up
    // is redone) the caller has checked that no replica holds any.
    boolean history =
        epoch == 1
            && o.beats().values().stream()
                .map(t -> t.heartbeat())
                .anyMatch(
                    h ->
                        h.epoch() > 0
                            || (h.state() != ReplicaState.Unconfigured
                                && (h.appliedLsn() > 0 || h.lastEntryEpoch() > 0)));
    if (history) {
      // The status is lost but the replicas hold data: the same fence-then-choose as a failover
      // picks the most up-to-date one, never simply pod-0.
      return election(o, 0, null, null, new ArrayList<>());
    }
    // Only the replicas the spec keeps: pods past a lowered count (kept by the resize gate while
    // the status records more voters) never held data and get no first role (rule 12).
    List<Member> staying =
        o.members().stream().filter(m -> m.ordinal() < o.desiredReplicas()).toList();
    long answering = staying.stream().filter(m -> o.beats().containsKey(m.name())).count();
    if (staying.size() < o.desiredReplicas() || answering < o.desiredReplicas()) {
      return wait(
          ShardPhase.AwaitingPods,
          answering + " of " + o.desiredReplicas() + " shard-servers answering");
    }
    if (o.config() == null) {
      return wait(ShardPhase.AwaitingPods, "no configuration for the shard");
    }
    String primary = staying.get(0).name();
    List<ShardAction> actions = new ArrayList<>();
    for (Member m : staying) {
      if (o.beat(m.name()).state() == ReplicaState.Unconfigured) {
        actions.add(new Configure(m.name(), m.url(), o.config()));
      }
    }
    for (Member m : staying) {
      actions.add(
          new AssignRole(
              m.name(),
              m.url(),
              roleRequest(o, o.desiredReplicas(), m.name(), epoch, primary, LogPosition.EMPTY)));
    }
    return new ShardPlan(
            Stage.BRING_UP,
            epoch,
            primary,
            null,
            ShardPhase.BringingUp,
            "brought up with primary " + primary + " at epoch " + epoch,
            0,
            actions,
            List.of(
                event(
                    EventReason.ShardBroughtUp,
                    o,
                    "configured "
                        + staying.size()
                        + " replicas, "
                        + primary
                        + " is primary at epoch "
                        + epoch)),
            Set.of())
        .withVoters(o.desiredReplicas());
  }

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
  private static long holdingData(ShardObservation o, int voters) {
    return o.members().stream()
        .filter(m -> m.url() != null && m.ordinal() < voters)
        .map(m -> o.beat(m.name()))
        .filter(ShardPlanner::holdsData)
        .count();
  }

  private ShardPlan election(
      ShardObservation o, long epoch, String primary, String since, List<ShardEvent> events) {
    int voters = recordedVoters(o);
    long holdingData = holdingData(o, voters);
    int required = FailoverPlanner.majority(voters);
    // The election is joint (rule 12): a majority of the staying voters must answer holding data
    // as well; without it fences elect nobody and only raise the epoch, pass after pass.
    int staying = stayingVoters(o);
    if (staying < voters
        && holdingData >= required
        && holdingData(o, staying) < FailoverPlanner.majority(staying)) {
      voters = staying;
      holdingData = holdingData(o, staying);
      required = FailoverPlanner.majority(staying);
    }
    if (holdingData < required) {
      // Fences that cannot reach a majority elect nobody but leave the epoch they carried on the
      // replicas they reach: fencing anyway would raise the epoch every pass (DESIGN §5 rule 1).
      String who = primary == null ? "no primary recorded" : "primary " + primary + " unavailable";
      return new ShardPlan(
          Stage.WAIT,
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
              + " (not fencing: it would only raise their epoch)",
          0,
          List.of(),
          events,
          Set.of());
    }
    long fenceEpoch =
        FailoverPlanner.fenceEpoch(
            epoch, o.beats().values().stream().map(t -> t.heartbeat().epoch()).toList());
    List<ShardAction> fences =
        o.members().stream()
            .filter(m -> m.url() != null)
            .map(m -> (ShardAction) new Fence(m.name(), m.url(), fenceEpoch))
            .toList();
    return new ShardPlan(
        Stage.ELECT,
        epoch,
        primary,
        since,
        epoch == 0 ? ShardPhase.BringingUp : ShardPhase.PrimaryUnavailable,
        "fencing at epoch " + fenceEpoch,
        fenceEpoch,
        fences,
        events,
        Set.of());
  }

  /** Configures empty replicas, repairs roles, re-copies empty ones, verifies finished copies. */
  private ShardPlan repair(
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
    int voters = recordedVoters(o);
    int record = 0;
    // A shrink reverted half-way: the spec went back up before a pass saw the primary's quorum
    // over the staying replicas confirmed, so the count recorded is still the old one while the
    // primary counts over fewer. Its set is the base: kept in the roles (never a jump of two or
    // more back to the recorded count), recorded once confirmed; learners then grow it back.
    int reverted =
        voters <= o.desiredReplicas() ? smallerVotingSet(o, voters, primary, primaryBeat) : 0;
    if (reverted > 0) {
      voters = reverted;
      record = primaryBeat.quorum().termCommitted() ? reverted : 0;
      if (record > 0) {
        message = message + "; " + reverted + " voters (a shrink reverted half-way grows back)";
      }
    } else if (voters < o.desiredReplicas()) {
      Optional<Member> learner = promotable(o, voters, epoch, primary, primaryBeat);
      if (learner.isPresent()) {
        voters++;
        record = voters;
        events.add(
            event(
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
    } else if (voters > o.desiredReplicas() && shrinkConfirmed(o, primary, primaryBeat)) {
      voters = o.desiredReplicas();
      record = voters;
    }
    int shrink = shrinkToRecord(o, voters, epoch, primary, primaryBeat);
    boolean quorumStale = quorumStale(o, voters, primary, primaryBeat);
    for (Member m : o.members()) {
      Heartbeat h = o.beat(m.name());
      if (h == null || m.url() == null) {
        continue;
      }
      if (m.ordinal() >= o.desiredReplicas() && !leaving(o, primary)) {
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
                roleRequest(o, voters, m.name(), epoch, primary, positionOf(primaryBeat))));
      }
      if (expected != Role.Secondary || primaryBeat == null) {
        continue;
      }
      RecopyDecision decision = recopy.decide(h, primaryBeat, cameBackEmpty);
      if (decision.resync()) {
        actions.add(new Resync(m.name(), m.url(), decision.reason()));
      } else if (wasCopying(prev, m.name()) && h.state() == ReplicaState.Ready) {
        // The copy finished; it rejoins only once its checksum matches (looked at every pass
        // until comparable, so a busy primary cannot leave it unverified for good).
        copying.add(m.name());
        if (primaryUrl != null) {
          actions.add(new Verify(m.name(), m.url(), primaryUrl));
        }
      }
    }
    return new ShardPlan(
            Stage.STEADY,
            epoch,
            primary,
            null,
            ShardPhase.Ready,
            message,
            0,
            actions,
            events,
            Set.copyOf(copying))
        .withVoters(record)
        .withShrinkVoters(shrink);
  }

  /**
   * What to record of a shrink's smaller voting set (DESIGN §5 rule 12), as {@link
   * ShardPlan#withShrinkVoters} takes it. A primary is told a set smaller than the status allows
   * ({@link #toldFloor}) only from the pass after the one that recorded it, so an election always
   * knows every set a quorum may have been counted over, also once the spec has gone back up. The
   * record is cleared once the primary counts over the whole voting set with its term confirmed:
   * its term's first entry is then on a majority of that set, and so is every entry before it.
   */
  private static int shrinkToRecord(
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
  private static Optional<Member> promotable(
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
  private static int smallerVotingSet(
      ShardObservation o, int voters, String primary, Heartbeat beat) {
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
  private static boolean shrinkConfirmed(ShardObservation o, String primary, Heartbeat beat) {
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

  /**
   * How long a primary may go without a majority acknowledging its epoch before the operator treats
   * it as unavailable (rule 11): several lease pings, so one slow round trip does not count.
   */
  static final Duration ISOLATED_AFTER = Duration.ofSeconds(3);

  /**
   * Whether the primary reported that no majority has acknowledged it for {@link #ISOLATED_AFTER}.
   */
  static boolean isolated(Heartbeat primaryBeat) {
    return primaryBeat.quorum() != null
        && primaryBeat.quorum().majorityAckAgeMillis() > ISOLATED_AFTER.toMillis();
  }

  /** Whether a heartbeat shows a replica that holds data (may vote for a new primary). */
  private static boolean holdsData(Heartbeat h) {
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
    RoleRequest wanted = roleRequest(o, voters, primary, primaryBeat.epoch(), primary);
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

  private static boolean wasCopying(ShardStatus prev, String pod) {
    return prev.replica(pod).map(r -> r.state() == ReplicaState.Copying).orElse(false);
  }

  private static ShardPlan wait(ShardPhase phase, String message) {
    return new ShardPlan(
        Stage.WAIT, 0, null, null, phase, message, 0, List.of(), List.of(), Set.of());
  }

  /** The role request for {@code pod} under the recorded voting set ({@link #recordedVoters}). */
  static RoleRequest roleRequest(ShardObservation o, String pod, long epoch, String primary) {
    return roleRequest(o, recordedVoters(o), pod, epoch, primary);
  }

  /**
   * The same, and the primary's own request names {@code chosenAt}: the log position it was chosen
   * for, which it refuses to lead without (rule 2).
   */
  static RoleRequest roleRequest(
      ShardObservation o, String pod, long epoch, String primary, LogPosition chosenAt) {
    return roleRequest(o, recordedVoters(o), pod, epoch, primary, chosenAt);
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
    boolean oldMembership = leaving(o, primary);
    // A smaller set than the status records as possibly in force waits for the pass that records
    // it (a shrink: shrinkToRecord), so elections always know it.
    int bound =
        Math.max(
            1,
            Math.max(
                oldMembership ? voters : Math.min(voters, o.desiredReplicas()),
                Math.min(voters, toldFloor(o))));
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

  static ShardEvent event(EventReason reason, ShardObservation o, String what) {
    return new ShardEvent(reason, "shard " + o.shardId() + ": " + what);
  }
}
