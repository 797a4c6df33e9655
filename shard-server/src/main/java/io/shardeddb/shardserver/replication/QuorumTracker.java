package io.shardeddb.shardserver.replication;

import io.shardeddb.shardserver.ShardException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * Knows how far each replica of the shard (the primary included) durably holds the log, and
 * completes a waiter once {@code required} replicas hold its LSN.
 */
final class QuorumTracker {
  private final int required;
  private final Map<String, Long> held = new HashMap<>();
  private final TreeMap<Long, List<CompletableFuture<Void>>> waiters = new TreeMap<>();
  private long self;
  private RuntimeException failure;

  QuorumTracker(int required, Collection<String> secondaries, long selfLsn) {
    this.required = required;
    secondaries.forEach(n -> held.put(n, 0L));
    this.self = selfLsn;
  }

  int required() {
    return required;
  }

  synchronized void selfHolds(long lsn) {
    self = Math.max(self, lsn);
    release();
  }

  /** A secondary reported it holds every entry up to {@code lsn}. */
  synchronized void peerHolds(String peer, long lsn) {
    if (held.containsKey(peer)) {
      held.merge(peer, lsn, Math::max);
      release();
    }
  }

  /** How many replicas hold {@code lsn}. */
  synchronized int holders(long lsn) {
    int n = self >= lsn ? 1 : 0;
    for (long h : held.values()) {
      if (h >= lsn) {
        n++;
      }
    }
    return n;
  }

  /** The highest LSN held by at least {@code required} replicas. */
  synchronized long quorumLsn() {
    List<Long> all = new ArrayList<>(held.values());
    all.add(self);
    all.sort(Comparator.reverseOrder());
    return required <= all.size() ? all.get(required - 1) : -1;
  }

  /** Completes when {@code lsn} reaches the quorum (at once if it already has). */
  synchronized CompletableFuture<Void> await(long lsn) {
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
  synchronized void failAll(ShardException reason) {
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
