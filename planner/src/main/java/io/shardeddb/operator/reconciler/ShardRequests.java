package io.shardeddb.operator.reconciler;

import io.shardeddb.api.v1alpha1.IsolatedPrimary;
import io.shardeddb.api.v1alpha1.RequestStatus;
import io.shardeddb.api.v1alpha1.RequestStatus.Outcome;
import io.shardeddb.api.v1alpha1.RequestStatus.Type;
import io.shardeddb.api.v1alpha1.ShardStatus;
import io.shardeddb.operator.reconciler.ShardAction.AssignRole;
import io.shardeddb.operator.reconciler.ShardAction.Fence;
import io.shardeddb.operator.reconciler.ShardAction.Resync;
import io.shardeddb.operator.reconciler.ShardObservation.Member;
import io.shardeddb.operator.reconciler.ShardPlan.Stage;
import io.shardeddb.operator.recopy.RebuildGate;
import io.shardeddb.operator.shardclient.TimedFence;
import io.shardeddb.operator.status.EventReason;
import io.shardeddb.operator.status.ShardEvent;
import io.shardeddb.operator.status.ShardPhase;
import io.shardeddb.protocol.failover.FailoverPlanner;
import io.shardeddb.protocol.shard.FenceResponse;
import io.shardeddb.protocol.shard.Heartbeat;
import io.shardeddb.protocol.shard.LogPosition;
import io.shardeddb.protocol.shard.ReplicaState;
import io.shardeddb.protocol.topology.Role;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Pure: the operator's decisions on a user's one-shot requests for one shard, over the plan the
 * pass would make anyway. A planned switch-over ({@code shardeddb.io/promote}) fences the old
 * primary at a higher epoch first (DESIGN §5 rule 1: it can commit nothing more), promotes the
 * target at that epoch only once the target holds the fenced primary's whole log (so every write it
 * acknowledged), and otherwise announces the old primary again at that epoch. A rebuild ({@code
 * shardeddb.io/rebuild}) re-copies a secondary, never the primary, and never one whose copy would
 * leave fewer in-sync replicas than a write quorum.
 *
 * <p>Why this file is over 450 lines: a switch-over is one state machine (requested, fenced,
 * promoted or re-announced, recorded) whose steps span passes and must be read together, and
 * rebuild shares its refusal and recording rules.
 */
public final class ShardRequests {

  /** The request's value as the annotation carries it, for a switch-over. */
  static String promoteValue(String shard, String pod) {
    return shard + "=" + pod;
  }

  /** Decides a pending switch-over on top of {@code base}: refuse, done already, or start it. */
  public ShardPlan promote(ShardObservation o, ShardPlan base) {
    String target = o.promoteTo();
    String value = promoteValue(o.shardId(), target);
    Optional<Member> member = o.member(target);
    String refusal = null;
    if (member.isEmpty()) {
      refusal =
          "pod "
              + target
              + " is not a replica of shard "
              + o.shardId()
              + " (its pods: "
              + o.members().stream().map(Member::name).collect(Collectors.joining(", "))
              + ")";
    } else if (base.stage() != Stage.STEADY || base.primary() == null) {
      refusal = "shard " + o.shardId() + " has no serving primary now (" + base.message() + ")";
    } else if (target.equals(base.primary())) {
      return base.withRequest(
          record(
              o,
              Type.Promote,
              value,
              Outcome.Succeeded,
              target + " is already the primary of shard " + o.shardId()));
    } else {
      refusal = switchoverRefusal(o, base, member.get());
    }
    if (refusal != null) {
      return refuse(o, base, Type.Promote, value, EventReason.SwitchoverRefused, refusal);
    }
    return switchOver(o, base, target);
  }

  /**
   * A leaving primary (it was elected after a shrink because it held writes no staying replica had,
   * DESIGN §5 rule 12), the last outdated one of a roll, or one the user fenced ({@link Fencing})
   * hands over to the most caught-up staying (unfenced) secondary by the same planned switch-over,
   * with no user request recorded; while none may take over, {@code base} stands.
   */
  public ShardPlan handOver(ShardObservation o, ShardPlan base) {
    if (base.stage() != Stage.STEADY || base.primary() == null) {
      return base;
    }
    boolean leaving = VotingSet.leaving(o, base.primary());
    // A roll (RollPlanner) or a rolling rebuild onto larger volumes: the primary goes last, once
    // every other replica is back on the new template (or volume) and caught up.
    List<Member> others =
        o.members().stream().filter(m -> !m.name().equals(base.primary())).toList();
    boolean rolled =
        o.member(base.primary()).map(Member::outdated).orElse(false)
            && others.size() + 1 >= o.desiredReplicas()
            && others.stream().noneMatch(Member::outdated)
            && others.stream()
                .filter(m -> !m.fenced())
                .allMatch(m -> switchoverRefusal(o, base, m) == null);
    // A user's fence (Fencing): the fenced primary hands over to an unfenced replica.
    boolean fenced = o.member(base.primary()).map(Member::fenced).orElse(false);
    if (!leaving && !rolled && !fenced) {
      return base;
    }
    String avoided = recentlyIsolated(o);
    Optional<Member> target =
        o.members().stream()
            .filter(m -> m.ordinal() < o.desiredReplicas())
            .filter(m -> !m.outdated() || fenced)
            .filter(m -> !m.fenced())
            .filter(m -> !m.name().equals(avoided))
            .filter(m -> switchoverRefusal(o, base, m) == null)
            .max(Comparator.comparingLong((Member m) -> o.beat(m.name()).appliedLsn()));
    if (target.isEmpty()) {
      return base;
    }
    return switchOver(o, base, target.get().name());
  }

  /**
   * How long a planned hand-over does not pick a primary replaced for reaching no majority (rule
   * 11). The operator cannot see whether that replica reaches the others again: it is the most
   * caught-up one (it held the writes), and handed the role while still cut off it reaches no
   * majority again and is replaced again, back and forth for as long as the cut lasts (simulator
   * {@code ShrinkIsolationTest}, {@code MembershipFaultIT} 5 -> 3).
   */
  static final Duration ISOLATED_AVOIDED_FOR = Duration.ofSeconds(60);

  /** The primary replaced for reaching no majority less than ISOLATED_AVOIDED_FOR ago, or null. */
  static String recentlyIsolated(ShardObservation o) {
    IsolatedPrimary i = o.previous().isolatedPrimary();
    if (i == null || i.pod() == null || i.replacedAt() == null) {
      return null;
    }
    Instant at = Instant.parse(i.replacedAt());
    return o.now().isBefore(at.plus(ISOLATED_AVOIDED_FOR)) ? i.pod() : null;
  }

  private static ShardPlan switchOver(ShardObservation o, ShardPlan base, String target) {
    String primary = base.primary();
    String primaryUrl = o.member(primary).map(Member::url).orElseThrow();
    long fenceEpoch =
        FailoverPlanner.fenceEpoch(
            base.epoch(), o.beats().values().stream().map(t -> t.heartbeat().epoch()).toList());
    return ShardPlan.switchingOver(
            base.epoch(),
            primary,
            "switching over from " + primary + " to " + target + " at epoch " + fenceEpoch,
            fenceEpoch,
            new Fence(primary, primaryUrl, fenceEpoch),
            target)
        .withEvents(base.events())
        .withCopying(base.copying());
  }

  /** The request record of a finished switch-over, only when a user asked for this one. */
  private static ShardPlan recorded(
      ShardObservation o, ShardPlan plan, String target, Outcome outcome, String message) {
    if (!target.equals(o.promoteTo())) {
      return plan;
    }
    return plan.withRequest(
        record(o, Type.Promote, promoteValue(o.shardId(), target), outcome, message));
  }

  /** Why {@code target} may not take over from the serving primary now, or null when it may. */
  private static String switchoverRefusal(ShardObservation o, ShardPlan base, Member target) {
    String name = target.name();
    ShardStatus prev = o.previous();
    boolean repairing =
        base.epoch() != prev.epochOrZero()
            || base.actions().stream()
                .anyMatch(a -> !(a instanceof ShardAction.Verify) && !(a instanceof Fence));
    if (repairing) {
      return "shard "
          + o.shardId()
          + " is repairing its replicas ("
          + base.message()
          + "); try again once it is Ready";
    }
    if (o.member(base.primary()).map(Member::url).orElse(null) == null) {
      return "primary " + base.primary() + " has no address to be fenced at";
    }
    if (target.fenced()) {
      return name + " is fenced (" + Fencing.ANNOTATION + "); unfence it first";
    }
    if (target.ordinal() >= o.desiredReplicas()) {
      return name + " is beyond the spec's " + o.desiredReplicas() + " replicas (being removed)";
    }
    if (target.ordinal() >= VotingSet.recordedVoters(o)) {
      // Rule 12: a learner is never made primary; it votes first, once caught up.
      return name + " is a learner still joining the shard (not a voter yet)";
    }
    if (!target.ready() || target.url() == null) {
      return "pod " + name + " is not Ready";
    }
    Heartbeat h = o.beat(name);
    if (h == null) {
      return name + " did not answer its heartbeat";
    }
    if (h.role() != Role.Secondary
        || h.epoch() != base.epoch()
        || !base.primary().equals(h.primary())) {
      return name
          + " is not a secondary of primary "
          + base.primary()
          + " at epoch "
          + base.epoch()
          + " (it is "
          + h.role()
          + " at epoch "
          + h.epoch()
          + ")";
    }
    boolean copying =
        base.copying().contains(name)
            || prev.replica(name).map(r -> r.state() == ReplicaState.Copying).orElse(false);
    if (h.state() != ReplicaState.Ready || copying) {
      return name
          + " is not a caught-up replica (state "
          + (copying ? ReplicaState.Copying : h.state())
          + ", lag "
          + h.lagLsn()
          + ")";
    }
    return null;
  }

  /**
   * Whether {@code target} holds the whole log of the primary that answered {@code fenced}: the
   * same last entry (epoch and LSN; by log matching the same log up to it) and not copying. The
   * fenced primary commits nothing more, so that log holds every write it ever acknowledged.
   */
  public static boolean caughtUp(FenceResponse fenced, Heartbeat target) {
    return target != null
        && target.role() == Role.Secondary
        && target.state() != ReplicaState.Copying
        && target.epoch() < fenced.epoch()
        && target.lastEntryEpoch() == fenced.lastEntryEpoch()
        && target.appliedLsn() == fenced.lastLsn();
  }

  /**
   * Finishes a {@link Stage#SWITCH_OVER} plan from the old primary's fence answer and the target's
   * last heartbeat: promote the target at the fence epoch if it caught up, else announce the old
   * primary again at that epoch; if the old primary did not take the fence, change nothing (were it
   * fenced after all, the next pass sees a higher epoch without a primary and elects as after a
   * failure).
   */
  public ShardPlan complete(
      ShardObservation o, ShardPlan started, TimedFence answer, Heartbeat target) {
    String old = started.primary();
    long e = started.fenceEpoch();
    List<ShardEvent> events = new ArrayList<>(started.events());
    if (answer == null || answer.answer().epoch() != e) {
      String why =
          "the switch-over to "
              + started.target()
              + " did not start: primary "
              + old
              + " did not take the fence at epoch "
              + e
              + (answer == null
                  ? " (no answer)"
                  : " (it is at epoch " + answer.answer().epoch() + ")")
              + "; nothing was switched";
      events.add(ShardPlanner.event(EventReason.SwitchoverFailed, o, why));
      return recorded(
          o,
          ShardPlan.waiting(started.epoch(), old, null, ShardPhase.Ready, why)
              .withEvents(events)
              .withCopying(started.copying()),
          started.target(),
          Outcome.Failed,
          why);
    }
    FenceResponse fenced = answer.answer();
    String position = "lsn " + fenced.lastLsn() + " of epoch " + fenced.lastEntryEpoch();
    if (caughtUp(fenced, target)) {
      String promoted = started.target();
      events.add(
          ShardPlanner.event(
              EventReason.PrimarySwitchedOver,
              o,
              "promoted "
                  + promoted
                  + " to primary at epoch "
                  + e
                  + " (planned switch-over from "
                  + old
                  + ", fenced at "
                  + position
                  + ", which "
                  + promoted
                  + " had applied)"));
      return recorded(
          o,
          ShardPlan.steady(
                  e,
                  promoted,
                  "switched over from " + old + " to " + promoted + " at epoch " + e,
                  announce(o, e, promoted, LogPosition.of(fenced), fenced.handsOverLease()))
              .withEvents(events)
              .withCopying(started.copying())
              .withTarget(promoted),
          promoted,
          Outcome.Succeeded,
          promoted
              + " is the primary of shard "
              + o.shardId()
              + " at epoch "
              + e
              + " (was "
              + old
              + ")");
    }
    String why =
        started.target()
            + " had not applied "
            + old
            + "'s log through "
            + position
            + " in time"
            + (target == null
                ? " (no heartbeat)"
                : " (it was at lsn "
                    + target.appliedLsn()
                    + " of epoch "
                    + target.lastEntryEpoch()
                    + ", state "
                    + target.state()
                    + ")")
            + "; "
            + old
            + " stays primary, announced again at epoch "
            + e;
    events.add(ShardPlanner.event(EventReason.SwitchoverFailed, o, why));
    return recorded(
        o,
        ShardPlan.steady(
                e,
                old,
                "switch-over to "
                    + started.target()
                    + " given up; "
                    + old
                    + " primary at epoch "
                    + e,
                announce(o, e, old, LogPosition.of(fenced), fenced.handsOverLease()))
            .withEvents(events)
            .withCopying(started.copying()),
        started.target(),
        Outcome.Failed,
        why);
  }

  /**
   * Roles at {@code epoch} under {@code primary}: the primary first, then every other replica. The
   * primary's names {@code chosenAt}, the fenced primary's last entry (the target caught up with
   * it; the old primary holds it): it refuses the role if its log no longer reaches it (rule 2).
   * {@code leaseHandedOver}: the fenced primary's answer handed its lease over, so the primary
   * serves lease reads at once (rule 9; a planned switch-over's outage is then the catch-up alone).
   */
  private static List<ShardAction> announce(
      ShardObservation o,
      long epoch,
      String primary,
      LogPosition chosenAt,
      boolean leaseHandedOver) {
    List<ShardAction> actions = new ArrayList<>();
    Member p = o.member(primary).orElseThrow();
    actions.add(
        new AssignRole(
            p.name(),
            p.url(),
            RoleRequests.roleRequest(o, primary, epoch, primary, chosenAt)
                .withLeaseHandedOver(leaseHandedOver)));
    for (Member m : o.members()) {
      if (!m.name().equals(primary) && m.url() != null) {
        actions.add(
            new AssignRole(
                m.name(), m.url(), RoleRequests.roleRequest(o, m.name(), epoch, primary)));
      }
    }
    return actions;
  }

  /**
   * The request's outcome once its calls were made: a promotion or a re-copy the replica did not
   * take turns into Failed (a promotion that failed is resolved by the next passes' election).
   */
  public ShardPlan afterApply(ShardPlan plan, List<ActionResult> results) {
    RequestStatus r = plan.request();
    if (r == null || r.outcome() == Outcome.Refused || r.outcome() == Outcome.Failed) {
      return plan;
    }
    for (ActionResult result : results) {
      if (result.ok()) {
        continue;
      }
      boolean promotion =
          r.type() == Type.Promote
              && result.action() instanceof AssignRole a
              && a.pod().equals(plan.primary())
              && a.request().role() == Role.Primary;
      boolean copy =
          r.type() == Type.Rebuild
              && result.action() instanceof Resync s
              && s.pod().equals(r.request());
      if (promotion || copy) {
        return plan.withRequest(
            r.with(
                Outcome.Failed,
                result.action().pod()
                    + (promotion ? " did not take the primary role: " : " did not start its copy: ")
                    + result.error()
                    + (promotion ? "; the shard elects a primary at the next passes" : ""),
                r.time()));
      }
    }
    return plan;
  }

  /** Decides a pending rebuild on top of {@code base}: refuse, or re-copy the replica. */
  public ShardPlan rebuild(ShardObservation o, ShardPlan base) {
    String pod = o.rebuild();
    Optional<Member> member = o.member(pod);
    String refusal = null;
    if (member.isEmpty()) {
      refusal = "pod " + pod + " is not a replica of shard " + o.shardId();
    } else if (base.stage() != Stage.STEADY || base.primary() == null) {
      refusal =
          "shard "
              + o.shardId()
              + " has no serving primary to copy from now ("
              + base.message()
              + ")";
    } else if (pod.equals(base.primary())) {
      refusal =
          pod
              + " is the primary of shard "
              + o.shardId()
              + "; promote another replica first (kubectl sdb promote DB "
              + o.shardId()
              + " POD), then rebuild "
              + pod;
    } else if (member.get().url() == null || o.beat(pod) == null) {
      refusal = pod + " is not answering; it cannot be told to re-copy";
    }
    if (refusal != null) {
      return refuse(o, base, Type.Rebuild, pod, EventReason.RebuildRefused, refusal);
    }
    Heartbeat h = o.beat(pod);
    Set<String> copying = new HashSet<>(base.copying());
    boolean alreadyResyncing =
        base.actions().stream().anyMatch(a -> a instanceof Resync && a.pod().equals(pod));
    if (h.state() == ReplicaState.Copying || alreadyResyncing) {
      copying.add(pod);
      return base.withCopying(Set.copyOf(copying))
          .withRequest(
              record(
                  o,
                  Type.Rebuild,
                  pod,
                  Outcome.InProgress,
                  pod + " is already re-copying from primary " + base.primary()));
    }
    // Only voters carry writes (rule 12): learners in sync do not make up for a voter's copy.
    int voting = Math.min(VotingSet.recordedVoters(o), o.desiredReplicas());
    long inSyncOthers =
        o.members().stream()
            .filter(m -> !m.name().equals(pod) && m.ordinal() < voting)
            .filter(m -> inSync(o, base, m.name()))
            .count();
    String lacking = RebuildGate.refusal(o.shardId(), pod, voting, inSyncOthers);
    if (lacking != null) {
      return refuse(o, base, Type.Rebuild, pod, EventReason.RebuildRefused, lacking);
    }
    // Verified once the copy is done, even if it finishes before any pass saw it Copying.
    copying.add(pod);
    return base.plus(
            List.of(
                new Resync(
                    pod, member.get().url(), "requested with annotation shardeddb.io/rebuild")),
            List.of())
        .withCopying(Set.copyOf(copying))
        .withRequest(
            record(
                o,
                Type.Rebuild,
                pod,
                Outcome.InProgress,
                pod + " re-copies from primary " + base.primary()));
  }

  /** Whether {@code pod} holds the current history: the primary, or a caught-up secondary. */
  private static boolean inSync(ShardObservation o, ShardPlan base, String pod) {
    Heartbeat h = o.beat(pod);
    if (h == null || h.epoch() != base.epoch() || base.copying().contains(pod)) {
      return false;
    }
    Role expected = pod.equals(base.primary()) ? Role.Primary : Role.Secondary;
    return h.role() == expected && h.state() == ReplicaState.Ready;
  }

  private static ShardPlan refuse(
      ShardObservation o, ShardPlan base, Type type, String value, EventReason reason, String why) {
    return base.plus(List.of(), List.of(ShardPlanner.event(reason, o, why)))
        .withRequest(record(o, type, value, Outcome.Refused, why));
  }

  private static RequestStatus record(
      ShardObservation o, Type type, String value, Outcome outcome, String message) {
    return new RequestStatus(type, value, outcome, message, o.now().toString());
  }
}
