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
 * of sync. Also remembers when each secondary last acknowledged this epoch (the send time of the
 * request answered, for the lease) and when it was last in contact (the arrival of its latest
 * answer or pull, for check-quorum). Only the voting secondaries it is built with count: reports
 * from anyone else -- a learner copying in while the shard grows (rule 12), fed by the primary all
 * the same -- are ignored, for the quorum, the lease and the majority's last acknowledgement alike.
 */
public final class QuorumTracker {
  private final int required;
  private final Map<String, Long> held = new HashMap<>();
  private final Map<String, Long> ackSent = new HashMap<>();
  private final Map<String, Long> contact = new HashMap<>();
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
   * A secondary answered, at {@code answeredAtNanos}, a request sent at {@code sentAtNanos}: when
   * {@code inSync}, its log equals the primary's up to {@code matchLsn}; otherwise it counts for
   * nothing until it is in sync again. The lease (rule 9) counts the send time (the secondary had
   * not been fenced then); check-quorum (rule 11) counts the arrival (the secondary is in contact
   * now), so a secondary that answers late -- it was away, or catches up before answering -- is
   * judged by its freshest contact.
   */
  public synchronized void peerReport(
      String peer, boolean inSync, long matchLsn, long sentAtNanos, long answeredAtNanos) {
    if (!held.containsKey(peer)) {
      return;
    }
    // Any answer at this epoch is contact (rule 11's check-quorum), in sync or catching up.
    contact.merge(peer, answeredAtNanos, Math::max);
    if (!inSync) {
      held.put(peer, 0L);
      return;
    }
    held.merge(peer, matchLsn, Math::max);
    ackSent.merge(peer, sentAtNanos, Math::max);
    release();
  }

  /**
   * A secondary proved at {@code atNanos} (via {@code /log}, naming this primary and its epoch,
   * with a matching previous entry) it holds up to lsn: credit for the quorum, and contact for
   * check-quorum (it follows this primary now); nothing for the lease, whose time is a request's.
   */
  public synchronized void peerHolds(String peer, long lsn, long atNanos) {
    if (held.containsKey(peer)) {
      held.merge(peer, lsn, Math::max);
      contact.merge(peer, atNanos, Math::max);
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
   * When a majority (the primary included) was last in contact with this primary at its epoch: as
   * {@link #majorityAckedAtNanos}, over the arrival of each voter's latest answer (in sync or not)
   * or {@code /log} pull. Rule 11's check-quorum judges a primary by it ({@link
   * LivenessRules#standsDown}).
   */
  public synchronized long majorityAnsweredAtNanos(long nowNanos, long termStartNanos) {
    int needed = required - 1;
    if (needed <= 0) {
      return nowNanos;
    }
    long[] answers = contact.values().stream().mapToLong(Long::longValue).sorted().toArray();
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
