package io.shardeddb.shardserver.replication.rules;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * Rule 5: how far each replica of the shard (the primary included) is known to hold the primary's
 * log in this epoch, and completion of a waiter once {@code required} replicas (counted over the
 * spec's replicas) hold its LSN. Only in-sync reports count; a report that the secondary is out of
 * sync, or a lost connection, drops what it was credited with, so no stale maximum survives a loss
 * of sync. Also remembers when each secondary last acknowledged this epoch (for the lease). Only
 * the voting secondaries it is built with count: reports from anyone else -- a learner copying in
 * while the shard grows (rule 12), fed by the primary all the same -- are ignored, for the quorum,
 * the lease and the majority's last acknowledgement alike.
 */
public final class QuorumTracker {
  private final int required;
  private final Map<String, Long> held = new HashMap<>();
  private final Map<String, Long> ackSent = new HashMap<>();
  private final Map<String, Long> answerSent = new HashMap<>();
  private final TreeMap<Long, List<CompletableFuture<Void>>> waiters = new TreeMap<>();
  private long self;
  private RuntimeException failure;

  public QuorumTracker(int required, Collection<String> secondaries, long selfLsn) {
    this.required = required;
    secondaries.forEach(n -> held.put(n, 0L));
    this.self = selfLsn;
  }

  public int required() {
    return required;
  }

  public synchronized void selfHolds(long lsn) {
    self = Math.max(self, lsn);
    release();
  }

  /**
   * A secondary answered a request sent at {@code sentAtNanos}: when {@code inSync}, its log equals
   * the primary's up to {@code matchLsn}; otherwise it counts for nothing until it is in sync
   * again.
   */
  public synchronized void peerReport(
      String peer, boolean inSync, long matchLsn, long sentAtNanos) {
    if (!held.containsKey(peer)) {
      return;
    }
    // Any answer at this epoch is contact (rule 11's check-quorum), in sync or catching up.
    answerSent.merge(peer, sentAtNanos, Math::max);
    if (!inSync) {
      held.put(peer, 0L);
      return;
    }
    held.merge(peer, matchLsn, Math::max);
    ackSent.merge(peer, sentAtNanos, Math::max);
    release();
  }

  /** A secondary proved (via {@code /log} with a matching previous entry) it holds up to lsn. */
  public synchronized void peerHolds(String peer, long lsn) {
    if (held.containsKey(peer)) {
      held.merge(peer, lsn, Math::max);
      release();
    }
  }

  /** The secondary could not be reached: nothing it reported before is relied on any more. */
  public synchronized void peerLost(String peer) {
    if (held.containsKey(peer)) {
      held.put(peer, 0L);
    }
  }

  /** When each secondary last acknowledged this epoch ({@code Long.MIN_VALUE} when never). */
  public synchronized long[] ackSentNanos() {
    return held.keySet().stream().mapToLong(p -> ackSent.getOrDefault(p, Long.MIN_VALUE)).toArray();
  }

  /**
   * When a majority (the primary included) last acknowledged this epoch: the {@code required - 1}th
   * most recent acknowledgement among the secondaries, never before {@code termStartNanos} (a term
   * that no majority has acknowledged yet counts from its start). Rule 11 judges a primary by it.
   */
  public synchronized long majorityAckedAtNanos(long nowNanos, long termStartNanos) {
    int needed = required - 1;
    if (needed <= 0) {
      return nowNanos;
    }
    long[] acks = ackSent.values().stream().mapToLong(Long::longValue).sorted().toArray();
    if (acks.length < needed) {
      return termStartNanos;
    }
    return Math.max(acks[acks.length - needed], termStartNanos);
  }

  /**
   * When a majority (the primary included) last answered a request of this epoch at all, in sync or
   * not: as {@link #majorityAckedAtNanos} over every answer. Rule 11's check-quorum judges a
   * primary by it ({@link LivenessRules#standsDown}).
   */
  public synchronized long majorityAnsweredAtNanos(long nowNanos, long termStartNanos) {
    int needed = required - 1;
    if (needed <= 0) {
      return nowNanos;
    }
    long[] answers = answerSent.values().stream().mapToLong(Long::longValue).sorted().toArray();
    if (answers.length < needed) {
      return termStartNanos;
    }
    return Math.max(answers[answers.length - needed], termStartNanos);
  }

  /** How many replicas hold {@code lsn}. */
  public synchronized int holders(long lsn) {
    int n = self >= lsn ? 1 : 0;
    for (long h : held.values()) {
      if (h >= lsn) {
        n++;
      }
    }
    return n;
  }

  /** The highest LSN held by at least {@code required} replicas (-1 when none is). */
  public synchronized long quorumLsn() {
    List<Long> all = new ArrayList<>(held.values());
    all.add(self);
    all.sort(Comparator.reverseOrder());
    return required <= all.size() ? all.get(required - 1) : -1;
  }

  /** Completes when {@code lsn} reaches the quorum (at once if it already has). */
  public synchronized CompletableFuture<Void> await(long lsn) {
    CompletableFuture<Void> f = new CompletableFuture<>();
    if (failure != null) {
      f.completeExceptionally(failure);
    } else if (quorumLsn() >= lsn) {
      f.complete(null);
    } else {
      waiters.computeIfAbsent(lsn, k -> new ArrayList<>()).add(f);
    }
    return f;
  }

  /** Fails every waiter (the primary stepped down); later waiters fail at once. */
  public synchronized void failAll(RuntimeException reason) {
    failure = reason;
    waiters.values().forEach(list -> list.forEach(f -> f.completeExceptionally(reason)));
    waiters.clear();
  }

  private void release() {
    long q = quorumLsn();
    while (!waiters.isEmpty() && waiters.firstKey() <= q) {
      waiters.pollFirstEntry().getValue().forEach(f -> f.complete(null));
    }
  }
}
