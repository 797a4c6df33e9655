package io.shardeddb.operator.reshard;

import io.shardeddb.api.v1alpha1.MovePhase;
import io.shardeddb.api.v1alpha1.MoveStatus;
import io.shardeddb.protocol.shard.Heartbeat;
import io.shardeddb.protocol.shard.ImportProgress;
import io.shardeddb.protocol.topology.PointRange;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * The resharder's decisions on what shard-servers answered, as pure functions: what one pass
 * observed → the one thing to do ({@link Action}); {@link Resharder} observes and performs it.
 * {@link #copying} decides a move in Copying or CatchingUp, {@link #next} one in CuttingOver. The
 * cut-over never waits inside a pass: the fence's answer and the deadline are recorded in the
 * move's status, and each later pass looks once and decides (docs/resharding.md, DESIGN §5 rule
 * 14).
 */
public final class MoveStep {

  private MoveStep() {}

  /**
   * What a pass of a {@code CuttingOver} move observed.
   *
   * @param move the move as recorded (with the fence's answer and deadline once fenced)
   * @param destinationOwned what the destination's primary's heartbeat says it owns (null: not
   *     known)
   * @param source the source primary's heartbeat (null: not asked, as a fence is recorded)
   * @param progress the destination's import of this move (null: none runs there)
   * @param progressKnown false when the destination answered the progress question with an error
   * @param now the operator's clock
   * @param timeout how long a fence waits for the destination to catch up
   */
  public record Observation(
      MoveStatus move,
      List<PointRange> destinationOwned,
      Heartbeat source,
      ImportProgress progress,
      boolean progressKnown,
      Instant now,
      Duration timeout) {}

  /** What to do. */
  public sealed interface Action {
    /** Why, in a sentence (the move's message or the log). */
    String why();
  }

  /**
   * Send the adopt to the destination and publish the new layout on its acknowledged answer only;
   * first re-send the fence (same id) when {@code fenceAgain}, stop the import when {@code
   * stopImport}.
   */
  public record Publish(boolean fenceAgain, boolean stopImport, String why) implements Action {}

  /** Nothing is fenced and the destination is not ready: back to CatchingUp (re-start import). */
  public record CatchUpFirst(boolean startImport, String why) implements Action {}

  /** Fence the source, record its answer with {@code deadline}, and look again soon. */
  public record Fence(Instant deadline, String why) implements Action {}

  /** The fence stays; look again soon. */
  public record Wait(String why) implements Action {}

  /** Record the next attempt (CatchingUp) first, then un-fence the source. */
  public record Retry(String why) implements Action {}

  /** (Re-)send the import to the destination's primary. */
  public record StartImport(String why) implements Action {}

  /**
   * Record the import's progress ({@code rows}, {@code lsn}) in {@code phase}: a new phase is
   * recorded on its own pass (with an Event), the same phase only gets the new message.
   */
  public record Advance(MovePhase phase, long rows, long lsn, String why) implements Action {}

  /** Record CuttingOver (with the import's progress) and go on to the cut-over in this pass. */
  public record BeginCutOver(long rows, long lsn, String why) implements Action {}

  /**
   * First re-adopt the range on the source under the un-fence id of {@code attempt} (a cut-over
   * attempt fenced it and its pass ended before the un-fence), then {@code then}.
   */
  public record UnfenceFirst(int attempt, Action then) implements Action {
    @Override
    public String why() {
      return then.why();
    }
  }

  /**
   * What a pass of a move in Copying or CatchingUp observed.
   *
   * @param move the move as recorded
   * @param source the source primary's heartbeat
   * @param progress the destination's import of this move (null: none runs there)
   * @param progressError why the destination did not answer the progress question (null: it did)
   */
  public record CopyObservation(
      MoveStatus move, Heartbeat source, ImportProgress progress, String progressError) {}

  /** The one action for a move in Copying or CatchingUp. */
  public static Action copying(CopyObservation o) {
    MoveStatus move = o.move();
    PointRange r = new PointRange(move.low(), move.size());
    Action then = copyingAfterTheUnfence(o);
    if (move.attemptOrFirst() > 1 && MoveRules.lacks(o.source().owned(), r)) {
      // A cut-over attempt fenced the source and the pass stopped before un-fencing it; never
      // leave the range paused, whatever the destination answers.
      return new UnfenceFirst(move.attemptOrFirst() - 1, then);
    }
    return then;
  }

  private static Action copyingAfterTheUnfence(CopyObservation o) {
    MoveStatus move = o.move();
    ImportProgress p = o.progress();
    if (o.progressError() != null) {
      return new Wait("no import progress from " + move.destination() + ": " + o.progressError());
    }
    if (MoveRules.needsStart(p, move.id())) {
      return new StartImport("import (re)started on " + move.destination() + "'s primary");
    }
    MovePhase phase = MoveRules.phaseOf(p);
    String why =
        phase == MovePhase.Copying
            ? p.rowsCopied() + " rows copied"
            : "catching up: source lsn "
                + p.sourceLsn()
                + " of "
                + o.source().appliedLsn()
                + " applied";
    if (phase != move.phase() || !MoveRules.readyToCutOver(p, o.source())) {
      // A new phase is recorded on its own; the cut-over starts on a later pass.
      return new Advance(phase, p.rowsCopied(), p.sourceLsn(), why);
    }
    return new BeginCutOver(
        p.rowsCopied(),
        p.sourceLsn(),
        "cutting over (attempt " + move.attemptOrFirst() + "): writes to the range pause");
  }

  /** The one action for what a cut-over pass observed. */
  public static Action next(Observation o) {
    MoveStatus move = o.move();
    PointRange r = new PointRange(move.low(), move.size());
    if (!move.fenceRecorded()) {
      if (MoveRules.owns(o.destinationOwned(), r)) {
        // An earlier pass sent the adopt (after the destination had caught up) and it committed
        // on the destination's primary, but a heartbeat may report a state no quorum holds: a
        // failover could drop it. Publish on the re-sent fence's and adopt's answers only.
        return new Publish(true, false, move.destination() + " already owns " + r);
      }
      if (o.source() != null
          && MoveRules.owns(o.source().owned(), r)
          && !MoveRules.readyToCutOver(o.progress(), o.source())) {
        // The cut-over was chosen on an earlier pass, but the destination's primary changed (a
        // failover: its import does not run there) or fell behind since. A fence now would pause
        // the range's writes for the whole timeout; catch up first, nothing fenced.
        return new CatchUpFirst(
            MoveRules.needsStart(o.progress(), move.id()),
            move.destination()
                + "'s primary is not caught up with the source (import "
                + (o.progress() == null
                    ? "not running there"
                    : o.progress().state() + " at lsn " + o.progress().sourceLsn())
                + "); catching up before the fence");
      }
      // Also when the source already lacks the range: a pass fenced it and ended before recording
      // the answer; the same fence again answers a new lsn that bounds every change before it.
      Instant deadline = o.now().plus(o.timeout());
      return new Fence(
          deadline,
          "cutting over (attempt "
              + move.attemptOrFirst()
              + "): "
              + move.source()
              + " fenced, writes to the range pause until "
              + move.destination()
              + " has caught up or "
              + deadline);
    }
    String fence = move.fenceEpoch() + "/" + move.fenceLsn();
    ImportProgress p = o.progress();
    if (MoveRules.caughtUp(p, move.id(), move.fenceEpoch(), move.fenceLsn())) {
      return new Publish(
          false, true, move.destination() + " applied the source's log through the fence " + fence);
    }
    if (MoveRules.owns(o.destinationOwned(), r)) {
      // The destination adopted meanwhile (an operator that restarted mid-pass): never un-fence
      // the source then; publish on the adopt's acknowledged answer.
      return new Publish(false, false, move.destination() + " already owns " + r);
    }
    if (o.destinationOwned() == null) {
      // Whether an adopt reached the destination is unknown: the fence stays (rule 14).
      return new Wait(
          "cut-over: "
              + move.destination()
              + "'s ownership is unknown; the range stays fenced until it answers or fails over");
    }
    String applied = p == null ? "none" : p.sourceEpoch() + "/" + p.sourceLsn();
    boolean noImport = o.progressKnown() && MoveRules.needsStart(p, move.id());
    if (noImport || expired(move, o.now())) {
      return new Retry(
          "shard "
              + move.destination()
              + " was not caught up "
              + (noImport ? "(it runs no import of the move) " : "")
              + "by "
              + move.fenceDeadline()
              + " (source "
              + fence
              + ", applied "
              + applied
              + "); "
              + move.source()
              + " owns the range again; retrying");
    }
    return new Wait(
        "cutting over (attempt "
            + move.attemptOrFirst()
            + "): waiting for "
            + move.destination()
            + " to apply the source's log through "
            + fence
            + " (applied "
            + applied
            + ") until "
            + move.fenceDeadline());
  }

  /**
   * Whether the fence's wait is over: the deadline passed, or cannot be read, or the clock is
   * before the recorded fence (it went back; ending the wait early only costs a retry).
   */
  static boolean expired(MoveStatus move, Instant now) {
    try {
      Instant deadline = Instant.parse(move.fenceDeadline());
      Instant at = move.fencedAt() == null ? null : Instant.parse(move.fencedAt());
      return !now.isBefore(deadline) || (at != null && now.isBefore(at));
    } catch (DateTimeParseException | NullPointerException e) {
      return true;
    }
  }
}
