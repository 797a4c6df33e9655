package io.shardeddb.operator.reconciler;

import io.shardeddb.api.v1alpha1.RequestStatus;
import io.shardeddb.operator.status.ShardEvent;
import io.shardeddb.operator.status.ShardPhase;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What the planner decided for one pass over a shard, as data: the epoch and primary to record,
 * when the primary was first seen unavailable, the phase and message, the calls to make, the Events
 * due, the replicas whose copy still awaits a matching checksum, and the outcome of a request
 * handled in this pass (null: none). An {@link Stage#ELECT} plan holds only fences; the planner
 * chooses after their answers. A {@link Stage#SWITCH_OVER} plan holds only the fence of the old
 * primary; {@code target} is the replica to promote once it holds the fenced primary's whole log.
 * {@code voters} is the voting count to record ({@link #withVoters}), 0 to keep the recorded one;
 * {@code shrinkVoters} the smaller count a primary may be told from the next pass on ({@link
 * #withShrinkVoters}): positive to record it, {@link #CLEAR_SHRINK} to clear it, 0 to keep it.
 * {@code isolated} names the primary this pass replaced because it reached no majority (rule 11;
 * {@link #withIsolated}), null when it replaced none.
 *
 * <p>Plans are made by the factory of their stage ({@link #waiting}, {@link #steady}, {@link
 * #bringingUp}, {@link #fencing}, {@link #switchingOver}) and completed with {@code with}-methods,
 * so a new field touches this file and the places that set it, not every plan.
 */
public record ShardPlan(
    Stage stage,
    long epoch,
    String primary,
    String since,
    ShardPhase phase,
    String message,
    long fenceEpoch,
    List<ShardAction> actions,
    List<ShardEvent> events,
    Set<String> copying,
    String target,
    RequestStatus request,
    int voters,
    int shrinkVoters,
    String isolated) {

  /** {@code shrinkVoters} that clears the recorded smaller count. */
  public static final int CLEAR_SHRINK = -1;

  /**
   * Nothing to call (until {@link #withActions}): waiting for pods, for the primary, or for a
   * quorum; {@code since} is when the primary was first seen unavailable (null: it was not).
   */
  public static ShardPlan waiting(
      long epoch, String primary, String since, ShardPhase phase, String message) {
    return new ShardPlan(
        Stage.WAIT,
        epoch,
        primary,
        since,
        phase,
        message,
        0,
        List.of(),
        List.of(),
        Set.of(),
        null,
        null,
        0,
        0,
        null);
  }

  /** A primary serves (or was just elected) at {@code epoch}; {@code actions} repair and verify. */
  public static ShardPlan steady(
      long epoch, String primary, String message, List<ShardAction> actions) {
    return new ShardPlan(
        Stage.STEADY,
        epoch,
        primary,
        null,
        ShardPhase.Ready,
        message,
        0,
        actions,
        List.of(),
        Set.of(),
        null,
        null,
        0,
        0,
        null);
  }

  /** The first roles of a shard whose replicas hold nothing yet. */
  public static ShardPlan bringingUp(
      long epoch, String primary, String message, List<ShardAction> actions) {
    return new ShardPlan(
        Stage.BRING_UP,
        epoch,
        primary,
        null,
        ShardPhase.BringingUp,
        message,
        0,
        actions,
        List.of(),
        Set.of(),
        null,
        null,
        0,
        0,
        null);
  }

  /** Fences at {@code fenceEpoch}; the planner chooses a primary from their answers. */
  public static ShardPlan fencing(
      long epoch,
      String primary,
      String since,
      ShardPhase phase,
      long fenceEpoch,
      List<ShardAction> fences) {
    return new ShardPlan(
        Stage.ELECT,
        epoch,
        primary,
        since,
        phase,
        "fencing at epoch " + fenceEpoch,
        fenceEpoch,
        fences,
        List.of(),
        Set.of(),
        null,
        null,
        0,
        0,
        null);
  }

  /** The serving primary fenced at {@code fenceEpoch} ({@code fence}) to hand over to target. */
  public static ShardPlan switchingOver(
      long epoch,
      String primary,
      String message,
      long fenceEpoch,
      ShardAction fence,
      String target) {
    return new ShardPlan(
        Stage.SWITCH_OVER,
        epoch,
        primary,
        null,
        ShardPhase.Ready,
        message,
        fenceEpoch,
        List.of(fence),
        List.of(),
        Set.of(),
        target,
        null,
        0,
        0,
        null);
  }

  /** Which kind of pass this is. */
  public enum Stage {
    /** First roles for a shard whose replicas hold nothing yet. */
    BRING_UP,
    /** Fences sent; a primary is chosen from their answers. */
    ELECT,
    /** A primary serves (or was just elected): repair roles, re-copy, verify. */
    STEADY,
    /** Nothing to call: waiting for pods, for the primary, or for a quorum. */
    WAIT,
    /** A planned switch-over: the old primary is fenced; the target is promoted once caught up. */
    SWITCH_OVER
  }

  /** A copy with more actions and events appended. */
  public ShardPlan plus(List<? extends ShardAction> more, List<ShardEvent> moreEvents) {
    List<ShardAction> a = new ArrayList<>(actions);
    a.addAll(more);
    List<ShardEvent> e = new ArrayList<>(events);
    e.addAll(moreEvents);
    return withActions(a).withEvents(e);
  }

  /** A copy with these calls to make instead. */
  public ShardPlan withActions(List<ShardAction> calls) {
    return new ShardPlan(
        stage,
        epoch,
        primary,
        since,
        phase,
        message,
        fenceEpoch,
        calls,
        events,
        copying,
        target,
        request,
        voters,
        shrinkVoters,
        isolated);
  }

  /** A copy with these Events due instead. */
  public ShardPlan withEvents(List<ShardEvent> due) {
    return new ShardPlan(
        stage,
        epoch,
        primary,
        since,
        phase,
        message,
        fenceEpoch,
        actions,
        due,
        copying,
        target,
        request,
        voters,
        shrinkVoters,
        isolated);
  }

  /** A copy with these replicas still awaiting verification. */
  public ShardPlan withCopying(Set<String> stillCopying) {
    return new ShardPlan(
        stage,
        epoch,
        primary,
        since,
        phase,
        message,
        fenceEpoch,
        actions,
        events,
        stillCopying,
        target,
        request,
        voters,
        shrinkVoters,
        isolated);
  }

  /** A copy naming {@code replica} as the switch-over's target (or, once done, its new primary). */
  public ShardPlan withTarget(String replica) {
    return new ShardPlan(
        stage,
        epoch,
        primary,
        since,
        phase,
        message,
        fenceEpoch,
        actions,
        events,
        copying,
        replica,
        request,
        voters,
        shrinkVoters,
        isolated);
  }

  /** A copy recording {@code outcome} as the result of the request handled in this pass. */
  public ShardPlan withRequest(RequestStatus outcome) {
    return new ShardPlan(
        stage,
        epoch,
        primary,
        since,
        phase,
        message,
        fenceEpoch,
        actions,
        events,
        copying,
        target,
        outcome,
        voters,
        shrinkVoters,
        isolated);
  }

  /**
   * A copy recording {@code count} replicas as the shard's voting set (ordinals below it; DESIGN §5
   * rule 12): set when a pass promotes a learner, lowers the count after a shrink, or brings the
   * shard up; 0 keeps what was recorded.
   */
  public ShardPlan withVoters(int count) {
    return new ShardPlan(
        stage,
        epoch,
        primary,
        since,
        phase,
        message,
        fenceEpoch,
        actions,
        events,
        copying,
        target,
        request,
        count,
        shrinkVoters,
        isolated);
  }

  /**
   * A copy recording {@code count} as the smallest voting count a primary may be told from the next
   * pass on (a shrink, DESIGN §5 rule 12), or clearing it ({@link #CLEAR_SHRINK}).
   */
  public ShardPlan withShrinkVoters(int count) {
    return new ShardPlan(
        stage,
        epoch,
        primary,
        since,
        phase,
        message,
        fenceEpoch,
        actions,
        events,
        copying,
        target,
        request,
        voters,
        count,
        isolated);
  }

  /**
   * A copy naming {@code pod} as the primary this pass replaced because it reached no majority
   * (DESIGN §5 rule 11): the status records it, and a planned hand-over avoids it for a while.
   */
  public ShardPlan withIsolated(String pod) {
    return new ShardPlan(
        stage,
        epoch,
        primary,
        since,
        phase,
        message,
        fenceEpoch,
        actions,
        events,
        copying,
        target,
        request,
        voters,
        shrinkVoters,
        pod);
  }
}
