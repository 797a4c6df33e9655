package io.shardeddb.shardserver.replication.rules;

import java.util.Arrays;

/**
 * Rule 9: when a primary may serve a {@code primary} read. It holds a lease while {@code required}
 * replicas (itself included) acknowledged its epoch in requests sent within the last {@code lease -
 * drift} (its own monotonic clock; {@code drift} covers clock-rate differences). A fenced replica
 * stops acknowledging, so an old primary's lease ends at most one lease period after the fence; a
 * new primary waits one full lease period after its promotion (which follows the fence) before
 * serving such reads.
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
   * @param peerAckSentNanos for each other replica, when the last request it acknowledged in this
   *     epoch was sent ({@code Long.MIN_VALUE} when never)
   */
  public static Lease primaryLease(
      long nowNanos,
      long promotedAtNanos,
      long leaseNanos,
      long driftNanos,
      int required,
      long[] peerAckSentNanos) {
    if (nowNanos - promotedAtNanos < leaseNanos + driftNanos) {
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
