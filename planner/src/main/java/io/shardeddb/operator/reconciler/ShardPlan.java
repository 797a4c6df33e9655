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
    int shrinkVoters) {

  /** {@code shrinkVoters} that clears the recorded smaller count. */
  public static final int CLEAR_SHRINK = -1;

  /** A plan that leaves the smaller count of a shrink as recorded. */
  public ShardPlan(
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
      int voters) {
    this(
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
        0);
  }

  /** A plan that leaves the voting count as recorded ({@code voters} 0). */
  public ShardPlan(
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
      RequestStatus request) {
    this(
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
        0);
  }

  /** A plan with no switch-over target and no request outcome. */
  public ShardPlan(
      Stage stage,
      long epoch,
      String primary,
      String since,
      ShardPhase phase,
      String message,
      long fenceEpoch,
      List<ShardAction> actions,
      List<ShardEvent> events,
      Set<String> copying) {
    this(
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
        null,
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
    return new ShardPlan(
        stage,
        epoch,
        primary,
        since,
        phase,
        message,
        fenceEpoch,
        a,
        e,
        copying,
        target,
        request,
        voters,
        shrinkVoters);
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
        shrinkVoters);
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
        shrinkVoters);
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
        shrinkVoters);
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
        count);
  }
}
