package io.shardeddb.simulation;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The replica's decisions the simulator asks about, as plain functions of values: whether to accept
 * a fence or a role, whether a replication batch continues this replica's log, how far a quorum
 * holds the log, and whether a primary holds its read lease.
 */
class ReplicaRules {
  /** How a replication batch relates to this replica's log. */
  enum Match {
    /** The entry before the batch is here with the same epoch: append. */
    MATCHES,
    /** This replica holds a different entry at the batch's previous LSN. */
    DIVERGED,
    /** This replica's log ends before the batch's previous LSN. */
    BEHIND,
    /** The batch starts before this replica's snapshot base: resend from the base. */
    BEFORE_BASE,
    /** A re-copy is under way: nothing counts. */
    COPYING
  }

  boolean acceptFence(long currentEpoch, long requested) {
    return requested >= currentEpoch;
  }

  boolean acceptRole(long currentEpoch, String vote, long epoch, String primary) {
    return epoch > currentEpoch
        || (epoch == currentEpoch && (vote == null || vote.equals(primary)));
  }

  Match match(long baseLsn, long lastLsn, long epochAtPrev, Messages.Append a) {
    if (a.prevLsn() < baseLsn) {
      return Match.BEFORE_BASE;
    }
    if (a.prevLsn() > lastLsn) {
      return Match.BEHIND;
    }
    return epochAtPrev == a.prevEpoch() ? Match.MATCHES : Match.DIVERGED;
  }

  /** The highest LSN held by a majority of the spec's {@code replicas} (the primary included). */
  long quorumLsn(long selfLsn, Map<String, Long> inSyncMatch, int replicas) {
    int required = replicas / 2 + 1;
    List<Long> held = new ArrayList<>(inSyncMatch.values());
    held.add(selfLsn);
    held.sort(Comparator.reverseOrder());
    return required <= held.size() ? held.get(required - 1) : -1;
  }

  /**
   * A primary may serve {@code primary} reads when a majority acknowledged its epoch for a round
   * sent within the last lease period, and a lease period has passed since it was promoted.
   */
  boolean holdsLease(
      long now, long promotedAt, Map<String, Long> lastAckSentAt, int replicas, long lease) {
    if (now - promotedAt < lease) {
      return false;
    }
    long fresh = lastAckSentAt.values().stream().filter(t -> now - t < lease).count();
    return fresh + 1 >= replicas / 2 + 1;
  }
}
