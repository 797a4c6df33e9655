package io.shardeddb.operator.reconciler;

import io.shardeddb.api.v1alpha1.ReplicaStatus;
import io.shardeddb.api.v1alpha1.ShardStatus;
import io.shardeddb.operator.reconciler.ShardAction.AssignRole;
import io.shardeddb.operator.reconciler.ShardAction.Configure;
import io.shardeddb.operator.reconciler.ShardObservation.Member;
import io.shardeddb.operator.reconciler.ShardPlan.Stage;
import io.shardeddb.operator.recopy.RecopyPolicy;
import io.shardeddb.operator.shardclient.TimedFence;
import io.shardeddb.operator.status.EventReason;
import io.shardeddb.operator.status.ShardEvent;
import io.shardeddb.operator.status.ShardPhase;
import io.shardeddb.protocol.failover.FailoverPlanner;
import io.shardeddb.protocol.shard.Heartbeat;
import io.shardeddb.protocol.shard.LogPosition;
import io.shardeddb.protocol.shard.ReplicaState;
import io.shardeddb.protocol.topology.Role;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The operator's decisions for one shard, as pure functions of a {@link ShardObservation}:
 * bring-up, adopting a primary the replicas elected when the status is behind, judging the primary
 * by the operator's own heartbeat and the replicas' reports ({@link LostPrimary}), failover by
 * fence-then-choose ({@link FailoverPlanner}), re-announcing a moved primary, role repair, re-copy
 * of replicas that came back empty, and verification of finished copies. No client, no clock: the
 * time comes in the observation.
 *
 * <p>This file keeps the priority order of a pass (bring-up, then adopting or electing a primary,
 * then repair and re-copy), so which decision wins is visible in one place; each decision's detail
 * is apart: the election in {@link ShardElection}, the steady upkeep in {@link ShardRepair}, who
 * votes in {@link VotingSet}, the role requests in {@link RoleRequests}, user requests in {@link
 * ShardRequests}.
 *
 * <p>Not final only for the simulator ({@code SimOperator}): it overrides {@link #plan} and {@link
 * #elect} to inject a scripted fault between a decision and the calls that follow it, and for the
 * mutations of {@code BrokenRulesAreCaughtTest} that change what an election sees, and {@link
 * #resendsARoleNeverTaken} for the mutation of that rule. Nothing else overrides it.
 *
 * <p>Why this file is over 450 lines: it is the one place that orders a pass's decisions (which
 * wins over which, above); each decision's detail is already in the classes named there.
 */
public class ShardPlanner {

  private final ShardRepair repair;
  private final ShardRequests requests = new ShardRequests();

  /** A planner deciding re-copies with {@code recopy}. */
  public ShardPlanner(RecopyPolicy recopy) {
    this.repair = new ShardRepair(recopy);
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

  /**
   * Whether a recorded primary that never took its role is sent it again when no election can win
   * ({@link RecordedPrimary#neverTookItsRole}); false only in the simulator's mutation.
   */
  protected boolean resendsARoleNeverTaken() {
    return true;
  }

  /** Finishes a switch-over plan; see {@link ShardRequests#complete}. */
  public ShardPlan completeSwitchover(
      ShardObservation o, ShardPlan started, TimedFence answer, Heartbeat target) {
    return requests.complete(o, started, answer, target);
  }

  /** Chooses a primary from the fence answers of an {@link Stage#ELECT} plan. */
  public ShardPlan elect(ShardObservation o, ShardPlan plan, Map<String, TimedFence> answers) {
    return ShardElection.elect(o, plan, answers);
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
        if (ShardElection.recordedPrimaryResumes(o, epoch, primary)) {
          // The recorded primary holds every acknowledged write but persisted a fence of an
          // election that found no quorum.
          return resumed(
              o,
              seen,
              primary,
              "of epoch "
                  + epoch
                  + " holds every acknowledged write but was fenced at epoch "
                  + seen
                  + " by an election that found no quorum",
              events);
        }
        return ShardElection.election(o, epoch, primary, prev.primaryUnavailableSince(), events);
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
      return ShardElection.election(
          o, epoch, null, since != null ? since : o.now().toString(), events);
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
    // Rule 11: the replicas' own word that the primary reaches no majority (LostPrimary).
    String lost = LostPrimary.reason(o, epoch, primary, primaryBeat);
    if (!primaryUp || lost != null) {
      String since = prev.primaryUnavailableSince();
      Instant first = since == null ? o.now() : Instant.parse(since);
      Duration down = Duration.between(first, o.now());
      String primaryUrl = o.member(primary).map(Member::url).orElse(null);
      if (RecordedPrimary.behindItsRecordedEpoch(primaryBeat, epoch, seen)
          && primaryUrl != null
          && down.compareTo(o.primaryUnavailableAfter()) < 0) {
        // The recorded primary still serves the epoch before (its /role call of a re-announce
        // or a membership change timed out): sent its role again before any election, which a
        // shard with few replicas holding data may never win (simulator seed 1162); bounded by
        // primaryUnavailableSeconds as any outage.
        return RecordedPrimary.roleSentAgain(o, epoch, primary, primaryBeat, primaryUrl, first)
            .withEvents(events);
      }
      // It ends the wait; the operator's own silence alone (it may be the one cut off), or the
      // primary's stand-down alone (its answers lost, its secondaries still hear it), waits
      // primaryUnavailableSeconds.
      if (lost != null && down.compareTo(o.primaryUnavailableAfter()) < 0) {
        if (since == null) {
          // Once per outage: a pass that finds no quorum records the outage's start.
          events.add(event(EventReason.PrimaryLost, o, lost + "; electing without waiting"));
        }
        down = o.primaryUnavailableAfter();
      }
      if (down.compareTo(o.primaryUnavailableAfter()) < 0) {
        return ShardPlan.waiting(
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
                    + "s")
            .withActions(rolesForAnsweringPrimary(o, epoch, primary, primaryBeat))
            .withEvents(events);
      }
      if (neverAcknowledged(o)
          && VotingSet.holdingData(o, VotingSet.recordedVoters(o))
              < FailoverPlanner.majority(VotingSet.recordedVoters(o))) {
        // The bring-up's Primary role never arrived (or its primary lost it before its no-op
        // entry reached anyone): no write was ever acknowledged (rule 3) and too few replicas
        // hold data for an election to succeed (rule 2). Done again, above every epoch seen; while
        // an election can succeed it is preferred (simulator seed 337: a redo onto an empty pod-0
        // beside three replicas holding the first no-op).
        return bringUp(o, Math.max(epoch, seen) + 1);
      }
      if (resendsARoleNeverTaken()
          && RecordedPrimary.neverTookItsRole(o, epoch, primary, primaryBeat)) {
        // Its role of this epoch was lost and it stood down at the epoch its secondaries refused
        // it with (simulator seed 1162): no election can win, and it holds every acknowledged
        // write (ShardElection.recordedPrimaryResumes).
        return resumed(
            o,
            Math.max(epoch, seen),
            primary,
            "of epoch "
                + epoch
                + " holds every acknowledged write but never took its role (it answers "
                + primaryBeat.role()
                + " at epoch "
                + primaryBeat.epoch()
                + ") and no election can win",
            events);
      }
      return ShardElection.election(o, epoch, primary, first.toString(), events);
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
    return repair.repair(o, epoch, primary, message, events);
  }

  /**
   * The recorded primary's own role sent again at the epoch after {@code above} (never at one it
   * was fenced out of or stood down at), with the repair of its secondaries, as an election's
   * winner would be: {@code why} completes "primary P ..." in the event.
   */
  private ShardPlan resumed(
      ShardObservation o, long above, String primary, String why, List<ShardEvent> events) {
    long resent = above + 1;
    events.add(
        event(
            EventReason.PrimaryReannounced,
            o,
            "primary " + primary + " " + why + "; its role sent again at epoch " + resent));
    return repair.repair(
        o, resent, primary, "primary " + primary + " resumed at epoch " + resent, events);
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
        actions.add(
            new AssignRole(
                m.name(), m.url(), RoleRequests.roleRequest(o, m.name(), epoch, primary)));
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

  /**
   * Whether every replica answered, at most a minority is re-copying or empty, and none that is not
   * re-copying holds more than one log entry: then no write was ever acknowledged, since every log
   * starts with its first term's no-op (lsn 1) and each acknowledgement leaves an entry past it on
   * a majority (DESIGN §5 rule 3). A lone no-op is what a bring-up's primary writes before its
   * peers follow it (simulator seed 1879). A silent replica may hold the data, so all of them must
   * answer.
   */
  private static boolean neverAcknowledged(ShardObservation o) {
    boolean allAnswer =
        o.members().size() >= o.desiredReplicas()
            && o.members().stream().allMatch(m -> o.beats().containsKey(m.name()));
    List<Heartbeat> beats = o.beats().values().stream().map(t -> t.heartbeat()).toList();
    long copying = beats.stream().filter(h -> h.state() == ReplicaState.Copying).count();
    // A replica re-copying holds nothing of what it had. While such replicas and empty ones are
    // at most a minority, a write acknowledged by a majority is still on one that answers with
    // its entry past lsn 1; a rebuild asked before the bring-up's primary served (or whose
    // primary lost its first term) would otherwise block the redo for good, its copy waiting for
    // a primary that never serves (simulator seed 23 of the faults aimed at copies).
    long withoutData =
        copying + beats.stream().filter(h -> h.state() == ReplicaState.Unconfigured).count();
    int n = Math.max(o.desiredReplicas(), o.members().size());
    return allAnswer
        && (copying == 0 || withoutData <= n - FailoverPlanner.majority(n))
        && beats.stream().noneMatch(h -> h.state() != ReplicaState.Copying && h.appliedLsn() > 1);
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
      return ShardElection.election(o, 0, null, null, new ArrayList<>());
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
    // A redo never makes a replica that is re-copying the primary: it would refuse the role.
    String primary =
        staying.stream()
            .filter(m -> o.beat(m.name()).state() != ReplicaState.Copying)
            .findFirst()
            .orElse(staying.get(0))
            .name();
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
              RoleRequests.roleRequest(
                  o, o.desiredReplicas(), m.name(), epoch, primary, LogPosition.EMPTY)));
    }
    return ShardPlan.bringingUp(
            epoch, primary, "brought up with primary " + primary + " at epoch " + epoch, actions)
        .withEvents(
            List.of(
                event(
                    EventReason.ShardBroughtUp,
                    o,
                    "configured "
                        + staying.size()
                        + " replicas, "
                        + primary
                        + " is primary at epoch "
                        + epoch)))
        .withVoters(o.desiredReplicas());
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

  private static ShardPlan wait(ShardPhase phase, String message) {
    return ShardPlan.waiting(0, null, null, phase, message);
  }

  static ShardEvent event(EventReason reason, ShardObservation o, String what) {
    return new ShardEvent(reason, "shard " + o.shardId() + ": " + what);
  }
}
