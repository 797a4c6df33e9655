package io.shardeddb.shardserver.replication;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.shardeddb.protocol.shard.Operation;
import io.shardeddb.shardserver.ShardException;
import io.shardeddb.shardserver.config.ReplicationSettings;
import io.shardeddb.shardserver.replication.WriteCoordinator.Acked;
import io.shardeddb.shardserver.replication.WriteCoordinator.RangeOutcome;
import io.shardeddb.shardserver.replication.rules.Rulebook;
import io.shardeddb.shardserver.replication.write.BatchPlan;
import io.shardeddb.shardserver.storage.RequestOutcome;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The primary's quorum wait: answers each change of a committed batch once its entry (and the
 * term's no-op) is on a quorum, and holds a {@code primary} read until its read index is (rule 9).
 * Never blocks: the term's {@link io.shardeddb.shardserver.replication.rules.QuorumTracker}
 * completes the waits, a timer of the replica's clock bounds them.
 */
final class QuorumWait {
  private final ReplicaContext ctx;
  private final ReplicationSettings settings;
  private final Rulebook rules;
  private final ReplicaClock clock;
  private final MeterRegistry registry;
  private final Map<Operation, Counter> writes = new ConcurrentHashMap<>();
  private final Timer quorumLatency;
  private final Supplier<PrimaryTerm> term;

  QuorumWait(
      ReplicaContext ctx,
      ReplicationSettings settings,
      Rulebook rules,
      ReplicaClock clock,
      MeterRegistry registry,
      Timer quorumLatency,
      Supplier<PrimaryTerm> term) {
    this.ctx = ctx;
    this.settings = settings;
    this.rules = rules;
    this.clock = clock;
    this.registry = registry;
    this.quorumLatency = quorumLatency;
    this.term = term;
  }

  /** The counter of applied writes of {@code op}, registered at its first write and kept. */
  private Counter writes(Operation op) {
    return writes.computeIfAbsent(op, o -> registry.counter("shardeddb.writes", "op", o.name()));
  }

  /**
   * Completes each change of a committed batch once its entry is on a quorum (or fails it); {@code
   * removed} is, per operation of {@code plan}, the rows it removed (null when not known).
   */
  void answer(PrimaryTerm t, List<PendingChange> batch, BatchPlan plan, long[] removed) {
    long committedAt = clock.nanos();
    List<BatchPlan.Outcome> outcomes = plan.outcomes();
    for (int i = 0; i < batch.size(); i++) {
      PendingChange p = batch.get(i);
      long lsn;
      // A new entry of this batch carries the term's epoch; an earlier one's is looked up later.
      long entryEpoch = t.epoch;
      RangeOutcome rangeOutcome = null;
      switch (outcomes.get(i)) {
        case BatchPlan.Wakeup w -> {
          p.done().complete(new Acked(0, 0, t.replicas));
          continue;
        }
        case BatchPlan.Refused r -> {
          p.done().completeExceptionally(r.error());
          continue;
        }
        case BatchPlan.Earlier earlier -> {
          if (!earlier.outcome().applied()) {
            RequestOutcome o = earlier.outcome();
            p.done().completeExceptionally(new ShardException(o.status(), o.message()));
            continue;
          }
          lsn = earlier.outcome().lsn();
          entryEpoch = 0;
        }
        case BatchPlan.Ranged ro -> {
          long rows = ro.purgeOp() >= 0 && removed != null ? removed[ro.purgeOp()] : 0;
          rangeOutcome = new RangeOutcome(ro.lsn(), ro.owned(), rows);
          lsn = ro.lsn();
          writes(p.change().op()).increment();
        }
        case BatchPlan.Applied a -> {
          lsn = a.lsn();
          writes(p.change().op()).increment();
        }
      }
      // Nothing is acknowledged before this term's no-op is on a quorum (rule 3).
      long needed = Math.max(lsn, t.noopLsn);
      RangeOutcome ranged = rangeOutcome;
      long knownEpoch = entryEpoch;
      long knownTimestamp = entryEpoch == 0 ? 0 : timestampOf(plan, lsn);
      withTimeout(t.tracker.await(needed), settings.quorumTimeout().toMillis())
          .whenComplete(
              (ok, err) -> {
                if (err == null) {
                  quorumLatency.record(clock.nanos() - committedAt, TimeUnit.NANOSECONDS);
                  // Counted as the quorum is reached: what the client's acknowledgement rests on.
                  p.done()
                      .complete(
                          new Acked(
                              lsn,
                              t.tracker.holders(needed),
                              t.replicas,
                              ranged,
                              knownEpoch,
                              knownTimestamp));
                } else if (err instanceof TimeoutException) {
                  p.done()
                      .completeExceptionally(
                          ShardException.unavailable(
                              "write quorum not reached: lsn "
                                  + needed
                                  + " is held by "
                                  + t.tracker.holders(needed)
                                  + " of the "
                                  + t.tracker.required()
                                  + " replicas required within "
                                  + settings.quorumTimeout().toMillis()
                                  + " ms; the write is not acknowledged"));
                } else {
                  p.done().completeExceptionally(err);
                }
              });
    }
  }

  /** The global timestamp of this plan's entry at {@code lsn} (0 when it holds none there). */
  private static long timestampOf(BatchPlan plan, long lsn) {
    List<io.shardeddb.protocol.shard.LogEntry> entries = plan.entries();
    if (entries.isEmpty()) {
      return 0;
    }
    long i = lsn - entries.get(0).lsn();
    return i >= 0 && i < entries.size() ? entries.get((int) i).timestamp() : 0;
  }

  /**
   * Rule 9, read index: the LSN a {@code primary} read must see held by a quorum before it is
   * answered — every entry whose rows it may have read (the applied LSN, or the last LSN of a group
   * commit in flight, whose rows may be visible before the applied LSN advances). Call it after
   * reading the rows.
   */
  long readIndexLsn() {
    PrimaryTerm t = term.get();
    long applied = ctx.view().appliedLsn();
    return t == null ? applied : Math.max(applied, t.committingLsn);
  }

  /**
   * Rule 9, read index (Raft §6.4): completes once this primary's quorum-committed LSN reaches
   * {@code readLsn}, as {@link Rulebook#readIndexReached} decides; fails with a 503 {@link
   * ShardException} when it does not within {@code waitMillis} or this replica is no longer primary
   * of the same term. Never blocks: the quorum tracker completes it, a timer of the replica's clock
   * bounds it.
   */
  CompletableFuture<Void> awaitReadIndex(long readLsn, long waitMillis) {
    PrimaryTerm t = term.get();
    if (t == null) {
      return CompletableFuture.failedFuture(
          ShardException.unavailable("no read index: " + ctx.name() + " is not primary"));
    }
    if (rules.readIndexReached(readLsn, committedLsn())) {
      return CompletableFuture.completedFuture(null);
    }
    CompletableFuture<Void> out = new CompletableFuture<>();
    long needed = Math.max(readLsn, t.noopLsn);
    withTimeout(t.tracker.await(needed), waitMillis)
        .whenComplete(
            (ok, err) -> {
              if (term.get() == t && rules.readIndexReached(readLsn, committedLsn())) {
                out.complete(null);
              } else {
                out.completeExceptionally(
                    ShardException.unavailable(
                        "no read index: lsn "
                            + readLsn
                            + " of "
                            + ctx.name()
                            + " is held by "
                            + t.tracker.holders(readLsn)
                            + " of the "
                            + t.tracker.required()
                            + " replicas required"
                            + (term.get() == t
                                ? " after " + waitMillis + " ms"
                                : ", and it left the term")
                            + "; the read is not answered"));
              }
            });
    return out;
  }

  /** The current term's quorum-committed LSN ({@link PrimaryTerm#committedLsn}). */
  private long committedLsn() {
    return PrimaryTerm.committedLsn(term.get());
  }

  /** Fails {@code f} with a {@link TimeoutException} unless it completes within {@code millis}. */
  private <T> CompletableFuture<T> withTimeout(CompletableFuture<T> f, long millis) {
    if (!f.isDone()) {
      ReplicaClock.Scheduled timer =
          clock.schedule(millis, () -> f.completeExceptionally(new TimeoutException()));
      f.whenComplete((ok, err) -> timer.cancel());
    }
    return f;
  }
}
