package io.shardeddb.shardserver.replication.rules;

import java.util.Arrays;

/**
 * Rule 9: when a primary may serve a {@code primary} read. It holds a lease while {@code required}
 * replicas (itself included) acknowledged its epoch in requests sent within the last {@code lease -
 * drift} (its own monotonic clock; {@code drift} covers clock-rate differences). A fenced replica
 * stops acknowledging, so an old primary's lease ends at most one lease period after the fence; a
 * new primary waits one full lease period after its promotion (which follows the fence) before
 * serving such reads — unless the former primary handed its lease over ({@link #handsOverLease}):
 * it took the fence itself, so it serves no such read any more (a fenced replica's term is closed),
 * and it was past its own wait, so no primary before it can still hold a lease either. A planned
 * switch-over is such a promotion; an election, whose former primary is silent, never is.
 */
public final class LeaseRules {
  private LeaseRules() {}

  /** The outcome. */
  public enum Lease {
    HELD,
    /** Promoted less than one lease period ago: an old primary's lease may still run. */
    TOO_SOON_AFTER_PROMOTION,
    /** Too few recent acknowledgements of this epoch. */
    EXPIRED
  }

  /**
   * Whether a replica taking a fence hands its lease over (the fence answer's {@code
   * handsOverLease}): as the unfenced primary of its epoch, when it is past its wait after
   * promotion (from the fence its term is closed, and no primary before it can still hold a lease);
   * as any other replica, when it last heard from a primary ({@code sinceContactNanos}, counted
   * from its start when nothing came since) a lease period or more ago — so no primary can count a
   * recent acknowledgement of it, and, fenced, it acknowledges no older epoch again. A primary
   * promoted at the fence's epoch need not wait when the replicas that handed over leave too few
   * others to hold any lease (the operator counts them, {@code ShardElection}).
   */
  public static boolean handsOverLease(
      boolean unfencedPrimary, Lease lease, long sinceContactNanos, long leaseNanos) {
    return unfencedPrimary
        ? lease != Lease.TOO_SOON_AFTER_PROMOTION
        : sinceContactNanos >= leaseNanos;
  }

  /**
   * @param formerLeaseHandedOver the primary of the epoch before handed its lease over at this
   *     epoch's fence ({@link #handsOverLease}): no wait after the promotion
   * @param peerAckSentNanos for each other replica, when the last request it acknowledged in this
   *     epoch was sent ({@code Long.MIN_VALUE} when never)
   */
  public static Lease primaryLease(
      long nowNanos,
      long promotedAtNanos,
      long leaseNanos,
      long driftNanos,
      boolean formerLeaseHandedOver,
      int required,
      long[] peerAckSentNanos) {
    if (!formerLeaseHandedOver && nowNanos - promotedAtNanos < leaseNanos + driftNanos) {
      return Lease.TOO_SOON_AFTER_PROMOTION;
    }
    int needed = required - 1;
    if (needed <= 0) {
      return Lease.HELD;
    }
    if (peerAckSentNanos.length < needed) {
      return Lease.EXPIRED;
    }
    long[] sorted = peerAckSentNanos.clone();
    Arrays.sort(sorted);
    long oldestCounted = sorted[sorted.length - needed];
    return oldestCounted != Long.MIN_VALUE && nowNanos - oldestCounted < leaseNanos - driftNanos
        ? Lease.HELD
        : Lease.EXPIRED;
  }
}
