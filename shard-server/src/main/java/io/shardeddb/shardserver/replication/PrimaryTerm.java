package io.shardeddb.shardserver.replication;

import io.shardeddb.protocol.shard.Peer;
import io.shardeddb.protocol.shard.QuorumState;
import io.shardeddb.shardserver.ShardException;
import io.shardeddb.shardserver.replication.rules.QuorumTracker;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * One epoch as primary: its quorum tracker, its links to the secondaries and learners, and where
 * its no-op and its group commits stand. {@code noopLsn} is -1 until the term's no-op entry is
 * committed.
 */
final class PrimaryTerm {
  final long epoch;
  final QuorumTracker tracker;
  final List<PeerLink> links;
  final long promotedAtNanos;

  /**
   * When the wait for a former primary's lease began (rule 9): this replica's first promotion at
   * this epoch — earlier than {@link #promotedAtNanos} when the role was sent again at the same
   * epoch (the wait is for primaries of earlier epochs). Only the lease asks it; check-quorum and
   * the quorum report count from this term's own start.
   */
  final long leaseWaitFromNanos;

  /**
   * The primary of the epoch before handed its lease over at this epoch's fence (a planned
   * switch-over, {@code LeaseRules.handsOverLease}): this term serves lease reads without waiting
   * one lease period after {@link #promotedAtNanos}.
   */
  final boolean formerLeaseHandedOver;

  final int replicas;
  final List<Peer> learners;
  volatile long noopLsn = -1;

  /**
   * The last LSN of the group commit in flight (or of the last one): its rows may be visible in
   * storage before the view's applied LSN advances, so a {@code primary} read waits for it too.
   */
  volatile long committingLsn = -1;

  /**
   * The last LSN this term handed to its secondaries before its own commit of it returned ({@code
   * overlap-commit}), -1 when none: no later batch may be planned at or below it (rule 4: an {@code
   * (epoch, lsn)} a secondary may hold names one entry), so a commit that fails after its entries
   * went out ends the term instead.
   */
  volatile long shippedLsn = -1;

  /**
   * Set when a commit failed and storage could not be read back (rule 15): the next batch first
   * learns from storage where the log ends, and commits nothing before it knows.
   */
  boolean positionUnknown;

  /**
   * The commit time of the last batch this term planned (0 before its first, whose floor is the
   * log's last entry, read in its transaction): the floor of the next batch's commit time (DESIGN
   * §9, {@code Rulebook.commitMillis}).
   */
  volatile long lastCommitMillis;

  /**
   * The global timestamp of the last entry this term planned (0 before its first): the next batch's
   * entries are above it (DESIGN §11, {@code GlobalTimestamp.forEntry}).
   */
  volatile long lastTimestamp;

  /** A wake-up that appends the no-op again is scheduled (its last attempt failed). */
  final AtomicBoolean noopRetryScheduled = new AtomicBoolean();

  PrimaryTerm(
      long epoch,
      QuorumTracker tracker,
      List<PeerLink> links,
      long promotedAtNanos,
      long leaseWaitFromNanos,
      boolean formerLeaseHandedOver,
      int replicas,
      List<Peer> learners) {
    this.epoch = epoch;
    this.tracker = tracker;
    this.links = links;
    this.promotedAtNanos = promotedAtNanos;
    this.leaseWaitFromNanos = leaseWaitFromNanos;
    this.formerLeaseHandedOver = formerLeaseHandedOver;
    this.replicas = replicas;
    this.learners = learners;
  }

  /**
   * The highest LSN of {@code t}'s log that a quorum holds in its term, once the term's no-op is on
   * a quorum (every entry up to it survives any failover, rules 2-3); -1 when {@code t} is null
   * (not primary) or not yet.
   */
  static long committedLsn(PrimaryTerm t) {
    long noop = t == null ? -1 : t.noopLsn;
    long held = t == null ? -1 : t.tracker.quorumLsn();
    return noop >= 0 && held >= noop ? held : -1;
  }

  /**
   * This term's write quorum as it stands at {@code now} (rules 11 and 12); {@code committedLsn} is
   * the primary's quorum-committed LSN, read by the caller after the clock; {@code steppedDown}
   * whether the term stands down (check-quorum, rule 11); {@code self} this primary's name, first
   * in Cabinet's weights.
   */
  QuorumState quorumState(
      ReplicaClock clock, LongSupplier committedLsn, boolean steppedDown, String self) {
    List<String> learning = learners.stream().map(Peer::name).toList();
    List<String> voters =
        links.stream().map(PeerLink::peerName).filter(n -> !learning.contains(n)).toList();
    boolean committed = noopLsn >= 0 && tracker.holders(noopLsn) >= tracker.required();
    long now = clock.nanos();
    long since = tracker.majorityAckedAtNanos(now, promotedAtNanos);
    return new QuorumState(
        replicas,
        voters,
        committed,
        Math.max(0, (now - since) / 1_000_000),
        learning,
        committedLsn.getAsLong(),
        steppedDown,
        tracker.weights(self));
  }

  /** Ends the term: closes its links and fails every quorum wait with {@code reason}. */
  void close(ShardException reason) {
    links.forEach(PeerLink::close);
    tracker.failAll(reason);
  }
}
