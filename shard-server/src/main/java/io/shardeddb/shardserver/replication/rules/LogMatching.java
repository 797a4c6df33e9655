package io.shardeddb.shardserver.replication.rules;

/**
 * Rule 4: what a secondary does with a {@code /replicate} batch, and whether its answer may count
 * toward the primary's quorum. A secondary is verified in an epoch once its log was checked against
 * that epoch's primary ({@code /log} with the epoch of its last entry); from then on it only
 * appends that primary's entries in order, so its whole log matches up to its applied LSN.
 */
public final class LogMatching {
  /** The epoch at an LSN that this replica no longer holds (trimmed or below a snapshot). */
  public static final long NOT_HELD = -1;

  private LogMatching() {}

  /** What the secondary knows about its own log when a batch arrives. */
  public record Local(
      boolean copying, boolean verifiedThisEpoch, long appliedLsn, long epochAtPrev) {}

  /** The batch as the primary described it. */
  public record Batch(long prevLsn, long prevEpoch, long firstLsn, long lastLsn) {}

  /** What to do. */
  public enum Action {
    /** Append the entries after the applied LSN, then answer in sync. */
    APPEND,
    /** The batch starts beyond the applied LSN: answer in sync up to it and pull the gap. */
    GAP,
    /** Not verified in this epoch (or copying): count for nothing and verify or copy first. */
    UNVERIFIED,
    /** The entry before the batch differs here: count for nothing and re-verify (or re-copy). */
    DIVERGED
  }

  /**
   * The decision; {@code inSync} says whether {@code matchLsn} (before any append) may be counted.
   */
  public record Decision(Action action, boolean inSync, long matchLsn) {}

  public static Decision decide(Local mine, Batch batch) {
    if (mine.copying() || !mine.verifiedThisEpoch()) {
      return new Decision(Action.UNVERIFIED, false, 0);
    }
    if (batch.prevLsn() > mine.appliedLsn()) {
      return new Decision(Action.GAP, true, mine.appliedLsn());
    }
    boolean checkable =
        batch.prevLsn() > 0 && batch.prevEpoch() >= 0 && mine.epochAtPrev() != NOT_HELD;
    if (checkable && mine.epochAtPrev() != batch.prevEpoch()) {
      return new Decision(Action.DIVERGED, false, 0);
    }
    return new Decision(Action.APPEND, true, mine.appliedLsn());
  }
}
