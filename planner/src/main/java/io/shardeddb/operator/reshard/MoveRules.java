package io.shardeddb.operator.reshard;

import io.shardeddb.api.v1alpha1.MovePhase;
import io.shardeddb.protocol.shard.Heartbeat;
import io.shardeddb.protocol.shard.ImportProgress;
import io.shardeddb.protocol.shard.ImportState;
import io.shardeddb.protocol.topology.PointRange;
import java.util.List;

/** The resharding decisions that look at what shard-servers answered; pure functions of values. */
public final class MoveRules {

  private MoveRules() {}

  /**
   * How far behind the source's log the import may be for a cut-over to start: the fence pauses
   * writes to the range until the destination has applied the rest, so start only when little is
   * left.
   */
  public static final long CUTOVER_LAG = 1000;

  /**
   * Whether the destination has applied the source's log through the fence: the import's progress
   * is of this move, at the fence's source epoch, through at least the fence's LSN.
   */
  public static boolean caughtUp(ImportProgress p, String moveId, long fenceEpoch, long fenceLsn) {
    return p != null
        && moveId.equals(p.moveId())
        && (p.state() == ImportState.CatchingUp || p.state() == ImportState.Stopped)
        && p.sourceEpoch() == fenceEpoch
        && p.sourceLsn() >= fenceLsn;
  }

  /**
   * Whether the import must be (re-)sent: the destination's primary runs none of this move (a new
   * primary after a failover), or it failed or was stopped before the cut-over.
   */
  public static boolean needsStart(ImportProgress p, String moveId) {
    return p == null
        || !moveId.equals(p.moveId())
        || p.state() == ImportState.Failed
        || p.state() == ImportState.Stopped;
  }

  /** The move's phase while the import runs. */
  public static MovePhase phaseOf(ImportProgress p) {
    return p.state() == ImportState.CatchingUp ? MovePhase.CatchingUp : MovePhase.Copying;
  }

  /**
   * Whether to start the cut-over: the import applies the source's log at the source primary's
   * epoch and is at most {@link #CUTOVER_LAG} entries behind it.
   */
  public static boolean readyToCutOver(ImportProgress p, Heartbeat sourcePrimary) {
    return p != null
        && sourcePrimary != null
        && p.state() == ImportState.CatchingUp
        && p.sourceEpoch() == sourcePrimary.epoch()
        && sourcePrimary.appliedLsn() - p.sourceLsn() <= CUTOVER_LAG;
  }

  /** Whether {@code owned} holds every point of {@code range}; false when unknown (null). */
  /**
   * What a destination's primary owns, as evidence about an adopt whose answer was lost (rule 14):
   * its reported ranges once its term is confirmed (its no-op on a quorum: no entry outside its log
   * can commit any more), else null — unknown. A primary elected without the adopt reports the
   * range not owned, yet the replica holding the adopt can still win the next election, and the
   * adopt then commits (the move simulator, seed 9232).
   */
  public static List<PointRange> confirmedOwned(Heartbeat destinationPrimary) {
    if (destinationPrimary == null
        || destinationPrimary.role() != io.shardeddb.protocol.topology.Role.Primary
        || destinationPrimary.quorum() == null
        || !destinationPrimary.quorum().termCommitted()) {
      return null;
    }
    return destinationPrimary.owned();
  }

  public static boolean owns(List<PointRange> owned, PointRange range) {
    return owned != null && outside(owned, range).isEmpty();
  }

  /** Whether {@code owned} is known and lacks some point of {@code range}. */
  public static boolean lacks(List<PointRange> owned, PointRange range) {
    return owned != null && !outside(owned, range).isEmpty();
  }

  private static List<PointRange> outside(List<PointRange> owned, PointRange range) {
    List<PointRange> left = List.of(range);
    for (PointRange r : owned) {
      left = PointRange.minus(left, r);
    }
    return left;
  }

  /**
   * Whether the destination runs the move's import now ({@code progress} from {@code GET /import}):
   * copying or catching up, so its sources can be named to it again.
   */
  public static boolean importRunning(io.shardeddb.protocol.shard.ImportProgress progress) {
    return progress != null
        && (progress.state() == io.shardeddb.protocol.shard.ImportState.Copying
            || progress.state() == io.shardeddb.protocol.shard.ImportState.CatchingUp);
  }
}
