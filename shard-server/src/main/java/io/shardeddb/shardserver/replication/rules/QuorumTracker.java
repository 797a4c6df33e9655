package io.shardeddb.shardserver.replication.rules;

import io.shardeddb.protocol.quorum.CabinetWeights;
import io.shardeddb.protocol.shard.ReplicaWeight;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

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
 * For Cabinet's weights it also smooths each voter's answer round trip ({@link #weights}): they are
 * reported, and complete waiters only with {@code writeQuorum: Cabinet} ({@link #quorumLsn}).
 *
 * <p>Waiters are completed with no lock of the tracker's held, in the order they were released: a
 * waiter's callbacks (a write's answer, the timestamp oracle's window) may take other locks, and a
 * thread holding one of those may be reading the tracker — completed under this lock, the two
 * deadlocked a primary for good (the fault matrix, 2026-11-28).
 */
public final class QuorumTracker {
  /**
   * How much of a new round trip enters a voter's smoothed acknowledgement latency (an
   * exponentially weighted moving average, as TCP's SRTT uses 1/8): a quarter, so a replica that
   * slows down weighs less within a few answers, and one slow answer does not swing it.
   */
  public static final double LATENCY_SMOOTHING = 0.25;

  private final int required;
  private final boolean cabinet;
  private final Map<String, Long> held = new HashMap<>();
  private final Map<String, Long> ackSent = new HashMap<>();
  private final Map<String, Long> contact = new HashMap<>();
  private final Map<String, Double> ackLatencyMillis = new HashMap<>();

  /**
   * Voters that cannot acknowledge now -- out of sync, or lost (an error or a deadline, rule 10) --
   * and so weigh 0 whatever was measured before, until they answer in sync again: Cabinet would
   * otherwise keep a fast replica that can no longer acknowledge in its majority.
   */
  private final java.util.Set<String> unweighed = new java.util.HashSet<>();

  private final TreeMap<Long, List<CompletableFuture<Void>>> waiters = new TreeMap<>();
  private long self;
  private RuntimeException failure;

  /** Completions released under the lock, run after it by {@link #runCompletions}. */
  private final ConcurrentLinkedQueue<Runnable> completions = new ConcurrentLinkedQueue<>();

  /** Whether a thread is running {@link #completions} (one at a time keeps their order). */
  private final AtomicBoolean completing = new AtomicBoolean();

  public QuorumTracker(int required, Collection<String> secondaries, long selfLsn) {
    this(required, secondaries, selfLsn, false);
  }

  /**
   * A tracker whose waiters complete once {@code required} replicas hold their LSN — with {@code
   * cabinet} ({@code writeQuorum: Cabinet}), once the best-weighted {@code required} do (the
   * primary and the heaviest voters by Cabinet's weight as they stand when an answer arrives):
   * never sooner than any {@code required} would, so still a majority (rule 5).
   */
  public QuorumTracker(
      int required, Collection<String> secondaries, long selfLsn, boolean cabinet) {
    this.required = required;
    this.cabinet = cabinet;
    secondaries.forEach(n -> held.put(n, 0L));
    this.self = selfLsn;
  }

  public int required() {
    return required;
  }

  public void selfHolds(long lsn) {
    synchronized (this) {
      self = Math.max(self, lsn);
      release();
    }
    runCompletions();
  }

  /**
   * A secondary answered, at {@code answeredAtNanos}, a request sent at {@code sentAtNanos}: when
   * {@code inSync}, its log equals the primary's up to {@code matchLsn}; otherwise it counts for
   * nothing until it is in sync again. The lease (rule 9) counts the send time (the secondary had
   * not been fenced then); check-quorum (rule 11) counts the arrival (the secondary is in contact
   * now), so a secondary that answers late -- it was away, or catches up before answering -- is
   * judged by its freshest contact.
   */
  public void peerReport(
      String peer, boolean inSync, long matchLsn, long sentAtNanos, long answeredAtNanos) {
    synchronized (this) {
      report(peer, inSync, matchLsn, sentAtNanos, answeredAtNanos);
    }
    runCompletions();
  }

  private void report(
      String peer, boolean inSync, long matchLsn, long sentAtNanos, long answeredAtNanos) {
    if (!held.containsKey(peer)) {
      return;
    }
    // Any answer at this epoch is contact (rule 11's check-quorum), in sync or catching up.
    contact.merge(peer, answeredAtNanos, Math::max);
    double rtt = Math.max(0, answeredAtNanos - sentAtNanos) / 1_000_000.0;
    ackLatencyMillis.merge(peer, rtt, (old, now) -> old + LATENCY_SMOOTHING * (now - old));
    if (!inSync) {
      held.put(peer, 0L);
      unweighed.add(peer);
      return;
    }
    unweighed.remove(peer);
    held.merge(peer, matchLsn, Math::max);
    ackSent.merge(peer, sentAtNanos, Math::max);
    release();
  }

  /**
   * A secondary proved at {@code atNanos} (via {@code /log}, naming this primary and its epoch,
   * with a matching previous entry) it holds up to lsn: credit for the quorum, and contact for
   * check-quorum (it follows this primary now); nothing for the lease, whose time is a request's.
   */
  public void peerHolds(String peer, long lsn, long atNanos) {
    synchronized (this) {
      if (held.containsKey(peer)) {
        held.merge(peer, lsn, Math::max);
        contact.merge(peer, atNanos, Math::max);
        unweighed.remove(peer);
        release();
      }
    }
    runCompletions();
  }

  /** The secondary could not be reached: nothing it reported before is relied on any more. */
  public synchronized void peerLost(String peer) {
    if (held.containsKey(peer)) {
      held.put(peer, 0L);
      unweighed.add(peer);
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

  /**
   * Cabinet's weights (issue 51 item 2): {@code primary}'s own (1) and each voter's, from its
   * smoothed answer round trip and how many LSNs of the primary's log it is not known to hold (all
   * of it while out of sync or unreachable), heaviest first ({@link CabinetWeights}). A voter that
   * cannot acknowledge now (out of sync, lost) has no latency and weighs 0.
   */
  public synchronized List<ReplicaWeight> weights(String primary) {
    List<ReplicaWeight> weights = new ArrayList<>();
    weights.add(CabinetWeights.primary(primary));
    weights.addAll(voterWeights());
    weights.sort(CabinetWeights.HEAVIEST_FIRST);
    return weights;
  }

  private List<ReplicaWeight> voterWeights() {
    List<ReplicaWeight> weights = new ArrayList<>();
    held.forEach(
        (peer, lsn) ->
            weights.add(
                CabinetWeights.of(
                    peer,
                    unweighed.contains(peer) ? null : ackLatencyMillis.get(peer),
                    self - lsn)));
    return weights;
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

  /**
   * The highest LSN held by at least {@code required} replicas (-1 when none is); with Cabinet, by
   * every member of the best-weighted {@code required} (the primary and the heaviest voters).
   */
  public synchronized long quorumLsn() {
    if (cabinet) {
      if (required <= 1) {
        return self;
      }
      List<ReplicaWeight> voters = voterWeights();
      voters.sort(CabinetWeights.HEAVIEST_FIRST);
      if (voters.size() < required - 1) {
        return -1;
      }
      long lsn = self;
      for (ReplicaWeight w : voters.subList(0, required - 1)) {
        lsn = Math.min(lsn, held.get(w.name()));
      }
      return lsn;
    }
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
  public void failAll(RuntimeException reason) {
    synchronized (this) {
      failure = reason;
      waiters
          .values()
          .forEach(
              list -> list.forEach(f -> completions.add(() -> f.completeExceptionally(reason))));
      waiters.clear();
    }
    runCompletions();
  }

  /** Under the lock: queues the completion of every waiter the quorum has reached. */
  private void release() {
    long q = quorumLsn();
    while (!waiters.isEmpty() && waiters.firstKey() <= q) {
      waiters.pollFirstEntry().getValue().forEach(f -> completions.add(() -> f.complete(null)));
    }
  }

  /**
   * Runs the queued completions, outside the lock, one thread at a time (in the order queued); a
   * thread that finds another running them leaves its own to it. A callback that reports to the
   * tracker again only queues more, which the running loop picks up.
   */
  private void runCompletions() {
    while (!completions.isEmpty() && completing.compareAndSet(false, true)) {
      try {
        Runnable r;
        while ((r = completions.poll()) != null) {
          r.run();
        }
      } finally {
        completing.set(false);
      }
    }
  }
}
