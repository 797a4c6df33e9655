package io.shardeddb.shardserver.replication.rules;

/**
 * Rule 9, bounded staleness (follower reads, as Spanner's and CockroachDB's): a secondary serves a
 * read with bound {@code N} ms only if, at a contact from its primary no older than {@code N} ms,
 * it had applied everything that primary had committed at that contact — the {@code commitLsn} the
 * primary sent with it (Raft's leaderCommit; its last entry, sent only while it holds its lease) —
 * and it is still in sync in the same epoch. The read then reflects every write acknowledged before
 * that contact, so every write acknowledged more than {@code N} ms before the read (plus the
 * contact's delivery time; docs/safety.md). Anything else is refused (409) and the router reads
 * from the primary.
 */
public final class BoundedReads {
  private BoundedReads() {}

  /** No contact at which this replica was caught up ({@code contactNanos}). */
  public static final long NEVER = Long.MIN_VALUE;

  /** The outcome. */
  public enum Bounded {
    SERVE,
    /** Copying, unverified in this epoch, or not Ready: 409. */
    NOT_IN_SYNC,
    /** The last caught-up contact is older than the bound, of another epoch, or none: 409. */
    TOO_STALE
  }

  /**
   * @param inSync whether this replica is a Ready secondary verified in its current epoch
   * @param epoch its current epoch
   * @param contactEpoch the epoch of its last caught-up contact
   * @param contactNanos when that contact arrived ({@link #NEVER}: none)
   * @param nowNanos now, on the same monotonic clock
   * @param maxStalenessNanos the read's bound
   */
  public static Bounded decide(
      boolean inSync,
      long epoch,
      long contactEpoch,
      long contactNanos,
      long nowNanos,
      long maxStalenessNanos) {
    if (!inSync) {
      return Bounded.NOT_IN_SYNC;
    }
    if (contactNanos == NEVER || contactEpoch != epoch) {
      return Bounded.TOO_STALE;
    }
    return nowNanos - contactNanos <= maxStalenessNanos ? Bounded.SERVE : Bounded.TOO_STALE;
  }

  /**
   * Whether a contact from the primary proves this secondary caught up: the primary sent a {@code
   * commitLsn} (it held its lease) and the secondary, in sync with it, has applied that far.
   */
  public static boolean caughtUp(boolean inSync, Long commitLsn, long appliedLsn) {
    return inSync && commitLsn != null && commitLsn >= 0 && appliedLsn >= commitLsn;
  }
}
