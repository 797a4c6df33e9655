package io.shardeddb.shardserver.replication;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Timer;
import io.shardeddb.protocol.shard.LogEntry;
import io.shardeddb.protocol.shard.Operation;
import io.shardeddb.protocol.topology.Role;
import io.shardeddb.shardserver.ShardException;
import io.shardeddb.shardserver.config.ReplicationSettings;
import io.shardeddb.shardserver.replication.WriteCoordinator.Acked;
import io.shardeddb.shardserver.replication.rules.RangeRules;
import io.shardeddb.shardserver.replication.rules.ReassignsShippedEntries;
import io.shardeddb.shardserver.replication.rules.Rulebook;
import io.shardeddb.shardserver.replication.write.BatchPlan;
import io.shardeddb.shardserver.replication.write.GroupCommit;
import io.shardeddb.shardserver.storage.ShardConfig;
import io.shardeddb.shardserver.storage.ShardStore;
import io.shardeddb.shardserver.storage.UserTable;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The primary's group-commit batcher: client changes queue up; one drain at a time on the replica's
 * serial executor takes everything that arrived meanwhile, applies it and appends its log entries
 * in ONE transaction (carrying the term's no-op until one commits), hands the entries to the term's
 * {@link PeerLink}s and passes the batch to the {@link QuorumWait}. A commit whose outcome is
 * unknown is resolved from storage (rule 15), and the commit lock keeps role changes out of a
 * commit in flight (rule 6).
 *
 * <p>With {@code shardeddb.replication.overlap-commit} (issue 27, Raft §10.2.1) a batch's entries
 * go to the links as soon as they are planned — the plan is fixed before the COMMIT — so the
 * secondaries commit them while the primary does; the primary counts itself ({@code
 * tracker.selfHolds}) only once its own commit returned, and no change is answered before that. The
 * term's first batch (its no-op) is never sent early. Entries once sent are never given to other
 * content (rule 4: a secondary holding {@code (epoch, lsn)} holds that entry): when the commit that
 * sent them did not write them — refused by the epoch re-check, failed with nothing written, or
 * unknown and later read back as not written — this term stops serving ({@code abandon}: the
 * primary reports that it reaches no majority, so the operator elects a new primary at a higher
 * epoch, rules 2 and 11), and the batch is answered "outcome unknown".
 *
 * <p>Why this file is over 450 lines: the batch, its commit and every way the commit's outcome is
 * resolved (rule 15) or ends the term (overlap-commit, default off since 2026-11-25) are decided
 * under one commit lock on one term's state; the overlap path is to be moved apart or removed once
 * it is kept or dropped (docs/benchmarks.md, the overlap-commit A/B).
 */
final class GroupCommitBatcher {
  private static final Logger LOG = LoggerFactory.getLogger(GroupCommitBatcher.class);

  /** How long after a failed attempt the term's no-op is appended again. */
  static final long NOOP_RETRY_MILLIS = 200;

  private final ReplicaContext ctx;
  private final ReplicaStore store;
  private final ReplicationSettings settings;
  private final Rulebook rules;
  private final ReplicaClock clock;
  private final Supplier<PrimaryTerm> term;
  private final QuorumWait quorum;
  private final Consumer<ShardException> stepDown;
  private final BiConsumer<PrimaryTerm, ShardException> abandon;
  private final BooleanSupplier running;
  private final DistributionSummary batchSizes;
  private final Timer queueLatency;
  private final Timer commitLatency;
  private final LinkedBlockingQueue<PendingChange> queue = new LinkedBlockingQueue<>();
  private final AtomicBoolean drainQueued = new AtomicBoolean();
  private final ReentrantLock commitLock = new ReentrantLock();
  private final Executor batcher;

  GroupCommitBatcher(
      ReplicaContext ctx,
      ReplicaStore store,
      ReplicationSettings settings,
      Rulebook rules,
      ReplicaClock clock,
      Supplier<PrimaryTerm> term,
      QuorumWait quorum,
      Consumer<ShardException> stepDown,
      BiConsumer<PrimaryTerm, ShardException> abandon,
      BooleanSupplier running,
      DistributionSummary batchSizes,
      Timer queueLatency,
      Timer commitLatency) {
    this.ctx = ctx;
    this.store = store;
    this.settings = settings;
    this.rules = rules;
    this.clock = clock;
    this.term = term;
    this.quorum = quorum;
    this.stepDown = stepDown;
    this.abandon = abandon;
    this.running = running;
    this.batchSizes = batchSizes;
    this.queueLatency = queueLatency;
    this.commitLatency = commitLatency;
    this.batcher = clock.serial("write-batcher-" + ctx.name());
  }

  /** Queues one change (or, when {@code change} is null, a wake-up that appends the no-op). */
  CompletableFuture<Acked> enqueue(ClientChange change) {
    PendingChange p = new PendingChange(change, new CompletableFuture<>(), clock.nanos());
    queue.add(p);
    kick();
    return p.done();
  }

  /**
   * Runs {@code change} with no group commit in flight, so that no batch of the old role commits or
   * advances after it (rule 6).
   */
  <T> T whileNoCommit(Supplier<T> change) {
    commitLock.lock();
    try {
      return change.get();
    } finally {
      commitLock.unlock();
    }
  }

  /**
   * Makes the batcher take what is queued (group commit): one drain at a time on the serial
   * executor; whatever arrives while a batch commits goes in the next one.
   */
  private void kick() {
    if (!running.getAsBoolean() || !drainQueued.compareAndSet(false, true)) {
      return;
    }
    try {
      batcher.execute(this::drain);
    } catch (RuntimeException e) {
      drainQueued.set(false);
      failQueued(ShardException.unavailable("the write batcher of " + ctx.name() + " stopped"));
    }
  }

  private void drain() {
    drainQueued.set(false);
    List<PendingChange> batch = new ArrayList<>();
    queue.drainTo(batch, settings.maxBatch());
    if (batch.isEmpty()) {
      return;
    }
    try {
      process(batch);
    } catch (RuntimeException e) {
      LOG.error("write batcher of {} failed; continuing", ctx.name(), e);
      ShardException failed = ShardException.unavailable("write failed: " + e);
      batch.forEach(p -> p.done().completeExceptionally(failed));
    }
    if (!queue.isEmpty()) {
      kick();
    }
  }

  private void failQueued(ShardException reason) {
    PendingChange p;
    while ((p = queue.poll()) != null) {
      p.done().completeExceptionally(reason);
    }
  }

  /** Stops the batcher's executor (production: its thread) and fails what is still queued. */
  void shutdown() {
    if (batcher instanceof ExecutorService es) {
      es.shutdownNow();
      try {
        es.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    failQueued(ShardException.unavailable("shutting down"));
  }

  private void process(List<PendingChange> batch) {
    commitLock.lock();
    try {
      long startedAt = clock.nanos();
      for (PendingChange p : batch) {
        if (p.change() != null) {
          queueLatency.record(startedAt - p.queuedAt(), TimeUnit.NANOSECONDS);
        }
      }
      processLocked(batch);
    } finally {
      commitLock.unlock();
    }
    retryNoopIfFailed();
  }

  /**
   * Every batch of a term carries its no-op until one commits; when that batch failed (a storage
   * error: nothing written, or the outcome unknown), a wake-up tries again after {@link
   * #NOOP_RETRY_MILLIS}. Without it an idle primary — no client write to carry the no-op — never
   * confirms its term: its committed position stays unknown, so it serves no range snapshot and
   * acknowledges nothing (found by the move simulator, seed 290: a move of its range stayed in
   * Copying for good).
   */
  private void retryNoopIfFailed() {
    PrimaryTerm t = term.get();
    if (t == null
        || t.noopLsn >= 0
        || !rules.retriesFailedNoOp()
        || !t.noopRetryScheduled.compareAndSet(false, true)) {
      return;
    }
    clock.schedule(
        NOOP_RETRY_MILLIS,
        () -> {
          t.noopRetryScheduled.set(false);
          if (term.get() == t && t.noopLsn < 0) {
            enqueue(null);
          }
        });
  }

  private void processLocked(List<PendingChange> batch) {
    PrimaryTerm t = term.get();
    ReplicaContext.View v = ctx.view();
    UserTable table;
    try {
      if (t == null || v.role() != Role.Primary || v.fenced() || t.epoch != v.epoch()) {
        ctx.requirePrimary();
        throw ShardException.conflict("not primary: " + ctx.name() + " is changing role");
      }
      table = ctx.requireTable();
    } catch (RuntimeException e) {
      batch.forEach(p -> p.done().completeExceptionally(e));
      return;
    }
    if (t.positionUnknown && !catchUpWithStorage(t)) {
      ShardException unknown =
          ShardException.unavailable(
              "storage unavailable: the outcome of an earlier commit is not known yet; nothing"
                  + " was written");
      batch.forEach(p -> p.done().completeExceptionally(unknown));
      return;
    }
    // The catch-up may have moved the position.
    v = ctx.view();
    boolean keepsShipped = !(rules instanceof ReassignsShippedEntries);
    if (keepsShipped && t.shippedLsn > v.appliedLsn()) {
      // Entries up to shippedLsn went to the secondaries and storage does not hold them: planning
      // here would give their LSNs to other entries (rule 4).
      ShardException stop = stopsServing(t, v.appliedLsn() + 1, t.shippedLsn, "storage lacks them");
      batch.forEach(p -> p.done().completeExceptionally(stop));
      abandon.accept(t, stop);
      return;
    }
    boolean needNoop = t.noopLsn < 0;
    if (!needNoop && batch.stream().allMatch(p -> p.change() == null)) {
      batch.forEach(p -> p.done().complete(new Acked(0, 0, t.replicas)));
      return;
    }
    long prevLsn = v.appliedLsn();
    long prevEpoch = v.lastEntryEpoch();
    ShardConfig before = ctx.config();
    List<ClientChange> changes = batch.stream().map(PendingChange::change).toList();
    Attempt attempt = new Attempt();
    // Overlap (issue 27): hand the entries to the secondaries before the COMMIT, once the term's
    // no-op is committed (a term with no entry of its epoch in storage has sent nothing early,
    // which
    // a restarted primary relies on: WriteCoordinator.becomePrimary).
    boolean early = settings.overlapCommit() && !needNoop;
    long commitStart = clock.nanos();
    try {
      GroupCommit.Result result =
          store.groupCommit(
              table,
              changes,
              t.epoch,
              needNoop,
              prevLsn,
              floor -> rules.commitMillis(clock.wallMillis(), Math.max(floor, t.lastCommitMillis)),
              before,
              p -> {
                attempt.plan = p;
                if (!p.entries().isEmpty()) {
                  t.lastCommitMillis = p.entries().get(0).commitMillis();
                }
                if (!p.entries().isEmpty()) {
                  long last = p.entries().get(p.entries().size() - 1).lsn();
                  t.committingLsn = Math.max(t.committingLsn, last);
                  if (early) {
                    t.shippedLsn = Math.max(t.shippedLsn, last);
                    attempt.shipped = true;
                    t.links.forEach(l -> l.offer(p.entries(), prevLsn, prevEpoch));
                  }
                }
              });
      if (!result.committed()) {
        throw ShardException.conflict(
            "not primary: "
                + ctx.name()
                + " was fenced or demoted from epoch "
                + t.epoch
                + " while committing; nothing was written");
      }
      attempt.removed = result.removed();
      commitLatency.record(clock.nanos() - commitStart, TimeUnit.NANOSECONDS);
    } catch (RuntimeException e) {
      if (e instanceof ShardException se && se.status() == 409) {
        // Demoted or fenced while committing: the transaction rolled back, nothing was written.
        if (attempt.shipped && keepsShipped) {
          // ... here; a secondary may hold the entries and be elected: the outcome is unknown.
          List<LogEntry> sent = attempt.plan.entries();
          ShardException stop =
              new ShardException(
                  409, // as before: the router looks for the new primary
                  stopsServing(
                          t, sent.get(0).lsn(), sent.get(sent.size() - 1).lsn(), se.getMessage())
                      .getMessage());
          batch.forEach(p -> p.done().completeExceptionally(stop));
          abandon.accept(t, stop);
          return;
        }
        batch.forEach(p -> p.done().completeExceptionally(se));
        return;
      }
      // Rule 15: an error in or after COMMIT does not say whether the commit happened. Storage
      // says: nothing past prevLsn (nothing written), exactly this batch's entries (committed:
      // acknowledged by quorum as usual), or it cannot tell (503, outcome unknown).
      if (rules.readsBackUnknownCommit() && !catchUpWithStorage(t)) {
        ShardException unknown =
            ShardException.unavailable(
                "storage error, the outcome is unknown (retry with the same request id): "
                    + e.getMessage());
        batch.forEach(p -> p.done().completeExceptionally(unknown));
        return;
      }
      ReplicaContext.View now = ctx.view();
      List<LogEntry> entries = attempt.plan == null ? List.of() : attempt.plan.entries();
      boolean committed =
          !entries.isEmpty()
              && now.appliedLsn() == entries.get(entries.size() - 1).lsn()
              && now.lastEntryEpoch() == t.epoch;
      if (committed) {
        LOG.warn(
            "{}: commit of lsn {}..{} reported {}, but storage holds it: acknowledging by quorum",
            ctx.name(),
            entries.get(0).lsn(),
            now.appliedLsn(),
            e.toString());
        quorum.answer(t, batch, attempt.plan, attempt.removed);
        return;
      }
      if (now.appliedLsn() != prevLsn) {
        ShardException unknown =
            ShardException.unavailable(
                "storage error, the outcome is unknown (retry with the same request id): "
                    + e.getMessage());
        batch.forEach(p -> p.done().completeExceptionally(unknown));
        return;
      }
      if (attempt.shipped && keepsShipped) {
        // Nothing was written, but the entries went out: never plan at their LSNs again.
        ShardException stop =
            stopsServing(
                t, entries.get(0).lsn(), entries.get(entries.size() - 1).lsn(), e.toString());
        batch.forEach(p -> p.done().completeExceptionally(stop));
        abandon.accept(t, stop);
        return;
      }
      if (batch.size() > 1) {
        // The combined statements failed; apply one change per transaction so that one bad
        // change cannot fail the others.
        LOG.warn(
            "group commit of {} changes failed ({}); retrying one by one",
            batch.size(),
            e.toString());
        batch.forEach(p -> processLocked(List.of(p)));
        return;
      }
      ShardException failure =
          ShardException.unavailable("storage unavailable, nothing was written: " + e.getMessage());
      batch.forEach(p -> p.done().completeExceptionally(failure));
      return;
    }
    batchSizes.record(batch.size());
    BatchPlan plan = attempt.plan;
    List<LogEntry> entries = plan.entries();
    if (!entries.isEmpty()) {
      LogEntry last = entries.get(entries.size() - 1);
      if (plan.configChanged()) {
        // Under the commit lock: the next batch checks keys against the new ownership.
        ctx.updateOwned(plan.configAfter());
      }
      if (!ctx.advanceAsPrimary(last.lsn(), last.epoch(), t.epoch)) {
        LOG.error("{} committed up to lsn {} but is no longer primary", ctx.name(), last.lsn());
      }
      if (needNoop) {
        t.noopLsn = entries.get(0).lsn();
      }
      // The primary counts itself only now that its own commit returned.
      t.tracker.selfHolds(last.lsn());
      if (!attempt.shipped) {
        t.links.forEach(l -> l.offer(entries, prevLsn, prevEpoch));
      }
    }
    quorum.answer(t, batch, attempt.plan, attempt.removed);
  }

  /**
   * Why term {@code t} stops serving: entries {@code from..to} went to its secondaries and storage
   * does not hold them; a secondary may, and may be elected, so the outcome is unknown.
   */
  private ShardException stopsServing(PrimaryTerm t, long from, long to, String cause) {
    LOG.error(
        "{} stops serving epoch {}: lsn {}..{} went to the secondaries before its commit, which"
            + " did not write them ({}); a new primary must be elected",
        ctx.name(),
        t.epoch,
        from,
        to,
        cause);
    return ShardException.unavailable(
        "not primary: "
            + ctx.name()
            + " stops serving epoch "
            + t.epoch
            + ": lsn "
            + from
            + ".."
            + to
            + " went to the secondaries and its own commit did not write them ("
            + cause
            + "); the outcome is unknown (retry with the same request id)");
  }

  /** One group commit's plan and, once committed, the rows each of its operations removed. */
  private static final class Attempt {
    BatchPlan plan;
    long[] removed;

    /** Its entries went to the secondaries before the commit returned (overlap-commit). */
    boolean shipped;
  }

  /**
   * Rule 15: learns from storage where the log ends and takes every entry past the in-memory
   * position as committed by this term (they are: only this term's batcher appends while the
   * persisted epoch and role are its own), handing them to the secondaries. Returns false when
   * storage cannot be read (the next batch tries again first) or holds what this term cannot
   * explain (then this replica steps down).
   */
  private boolean catchUpWithStorage(PrimaryTerm t) {
    ShardStore.StoredPosition stored;
    try {
      stored = store.recoverPosition();
    } catch (RuntimeException e) {
      t.positionUnknown = true;
      LOG.warn("{}: cannot read the log position back from storage: {}", ctx.name(), e.toString());
      return false;
    }
    ReplicaContext.View v = ctx.view();
    long from = v.appliedLsn();
    long tail = stored.tailLsn();
    String refusal = null;
    if (stored.epoch() != t.epoch || !Role.Primary.name().equals(stored.role())) {
      refusal = "storage holds epoch " + stored.epoch() + " and role " + stored.role();
    } else if (tail < from) {
      refusal = "storage ends at lsn " + tail + ", below the position " + from + " in memory";
    }
    List<LogEntry> landed = new ArrayList<>();
    try {
      while (refusal == null && from + landed.size() < tail) {
        List<LogEntry> page = store.logPage(from + landed.size() + 1, settings.maxBatch());
        if (page.isEmpty() || page.get(0).lsn() != from + landed.size() + 1) {
          refusal = "the log has no entry at lsn " + (from + landed.size() + 1);
          break;
        }
        for (LogEntry e : page) {
          if (e.epoch() != t.epoch) {
            refusal = "lsn " + e.lsn() + " is of epoch " + e.epoch() + ", not " + t.epoch;
            break;
          }
          if (e.lsn() <= tail) {
            landed.add(e);
          }
        }
      }
    } catch (RuntimeException e) {
      t.positionUnknown = true;
      LOG.warn("{}: cannot read the log back from storage: {}", ctx.name(), e.toString());
      return false;
    }
    if (refusal != null) {
      LOG.error("{} steps down: cannot reconcile its log position: {}", ctx.name(), refusal);
      stepDown.accept(
          ShardException.unavailable(
              "not primary: " + ctx.name() + " cannot reconcile its log position: " + refusal));
      return false;
    }
    t.positionUnknown = false;
    if (landed.isEmpty()) {
      return true;
    }
    ShardConfig config = ctx.config();
    ShardConfig after = config;
    for (LogEntry e : landed) {
      if (e.op() == Operation.Noop && t.noopLsn < 0) {
        t.noopLsn = e.lsn();
      }
      if ((e.op() == Operation.Fence || e.op() == Operation.Adopt) && after.ownedRanges() != null) {
        after =
            after.withOwned(
                RangeRules.ownedAfter(after.ownedRanges(), e.op(), RangeRules.rangeOf(e)));
      }
    }
    if (after != config) {
      ctx.updateOwned(after);
    }
    LogEntry last = landed.get(landed.size() - 1);
    ctx.advanceAsPrimary(last.lsn(), last.epoch(), t.epoch);
    t.tracker.selfHolds(last.lsn());
    long prevEpoch = v.lastEntryEpoch();
    t.links.forEach(l -> l.offer(landed, from, prevEpoch));
    return true;
  }
}
