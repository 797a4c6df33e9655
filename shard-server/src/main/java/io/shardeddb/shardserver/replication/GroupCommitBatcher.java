package io.shardeddb.shardserver.replication;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Timer;
import io.shardeddb.protocol.shard.LogEntry;
import io.shardeddb.protocol.shard.Operation;
import io.shardeddb.protocol.topology.Role;
import io.shardeddb.shardserver.ShardException;
import io.shardeddb.shardserver.config.ReplicationSettings;
import io.shardeddb.shardserver.replication.WriteCoordinator.Acked;
import io.shardeddb.shardserver.replication.rules.ReassignsShippedEntries;
import io.shardeddb.shardserver.replication.rules.Rulebook;
import io.shardeddb.shardserver.replication.write.BatchPlan;
import io.shardeddb.shardserver.replication.write.GroupCommit;
import io.shardeddb.shardserver.replication.write.LogOps;
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
 * <p>Each batch's fate is a value ({@link BatchOutcome}: committed, nothing written, unknown, or
 * the term ends) that {@code processLocked} decides and {@code apply} answers (STYLE 19). After an
 * error in or after COMMIT, storage's entries past the batch's starting position are compared with
 * its plan, entry by entry ({@code readBack}, {@link Rulebook#readBack}): another batch's entry at
 * the same LSN and epoch is not this batch's (review 2026-11-26 #3).
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
    if (!running.getAsBoolean()) {
      // Stopped (the context closes): no drain will come, so what is queued — even a change queued
      // after the shutdown failed the queue — is refused now, not left to the caller's wait.
      failQueued(ShardException.unavailable("shard-server " + ctx.name() + " is shutting down"));
      return;
    }
    if (!drainQueued.compareAndSet(false, true)) {
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
    List<PendingChange> drained = new ArrayList<>();
    queue.drainTo(drained, settings.maxBatch());
    for (List<PendingChange> batch : schemaChangesFirst(drained)) {
      try {
        process(batch);
      } catch (RuntimeException e) {
        LOG.error("write batcher of {} failed; continuing", ctx.name(), e);
        ShardException failed = ShardException.unavailable("write failed: " + e);
        batch.forEach(p -> p.done().completeExceptionally(failed));
      }
    }
    if (!queue.isEmpty()) {
      kick();
    }
  }

  /**
   * {@code drained} as consecutive batches, each schema change first in its own (BatchPlanner:
   * MySQL commits what came before a DDL statement in its transaction).
   */
  static List<List<PendingChange>> schemaChangesFirst(List<PendingChange> drained) {
    List<List<PendingChange>> batches = new ArrayList<>();
    List<PendingChange> current = new ArrayList<>();
    for (PendingChange p : drained) {
      if (p.change() != null && p.change().op() == Operation.Schema && !current.isEmpty()) {
        batches.add(current);
        current = new ArrayList<>();
      }
      current.add(p);
    }
    if (!current.isEmpty()) {
      batches.add(current);
    }
    return batches;
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
      apply(batch, processLocked(batch));
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

  /**
   * What became of one batch (STYLE 19): {@link #processLocked} decides it, {@link #apply} answers
   * the batch's changes by it, both under the commit lock.
   */
  private sealed interface BatchOutcome permits Committed, NothingWritten, Unknown, TermEnds {}

  /**
   * Storage holds the batch's entries — its commit returned, or the read-back after an error found
   * exactly them (rule 15) — or there was nothing to commit: the position advances, the entries go
   * to the secondaries (unless already sent, overlap-commit), each change waits for its quorum.
   */
  private record Committed(
      PrimaryTerm term,
      BatchPlan plan,
      long[] removed,
      boolean carriesNoop,
      boolean shipped,
      long prevLsn,
      long prevEpoch)
      implements BatchOutcome {}

  /**
   * Nothing of the batch is in storage (refused by the epoch re-check, not primary, or a storage
   * error that storage says wrote nothing): each change fails with {@code reason}, or, when {@code
   * oneByOne}, is tried again in a transaction of its own.
   */
  private record NothingWritten(RuntimeException reason, boolean oneByOne)
      implements BatchOutcome {}

  /**
   * Whether the batch is in storage is not known (storage unreadable, or holding other entries
   * where the batch's would be): each change fails with {@code reason}, a 503 "outcome unknown" —
   * never a 200 for a write storage may not hold.
   */
  private record Unknown(ShardException reason) implements BatchOutcome {}

  /**
   * Term {@code term} stops serving ({@code abandon}): entries it sent are not in its storage
   * (overlap-commit), or storage holds entries this term cannot explain. Each change fails with
   * {@code reason}; the replica then reports that it reaches no majority, so the operator elects a
   * new primary (rules 2 and 11).
   */
  private record TermEnds(ShardException reason, PrimaryTerm term) implements BatchOutcome {}

  /** Answers {@code batch} by {@code outcome}. */
  private void apply(List<PendingChange> batch, BatchOutcome outcome) {
    switch (outcome) {
      case Committed c -> acknowledge(batch, c);
      case NothingWritten n when n.oneByOne() -> {
        // The combined statements failed; apply one change per transaction so that one bad change
        // cannot fail the others.
        LOG.warn(
            "group commit of {} changes failed ({}); retrying one by one",
            batch.size(),
            n.reason().toString());
        batch.forEach(p -> apply(List.of(p), processLocked(List.of(p))));
      }
      case NothingWritten n -> batch.forEach(p -> p.done().completeExceptionally(n.reason()));
      case Unknown u -> batch.forEach(p -> p.done().completeExceptionally(u.reason()));
      case TermEnds x -> {
        batch.forEach(p -> p.done().completeExceptionally(x.reason()));
        abandon.accept(x.term(), x.reason());
      }
    }
  }

  /**
   * Decides what becomes of one batch: checks that this replica still serves the term, resolves a
   * position left unknown by an earlier commit, then commits (rules 6 and 15).
   */
  private BatchOutcome processLocked(List<PendingChange> batch) {
    PrimaryTerm t = term.get();
    UserTable table;
    try {
      table = requireServing(t);
    } catch (RuntimeException e) {
      return new NothingWritten(e, false);
    }
    if (t.positionUnknown) {
      BatchOutcome unresolved = catchUpWithStorage(t);
      if (unresolved != null) {
        return unresolved;
      }
    }
    // The catch-up may have moved the position.
    ReplicaContext.View v = ctx.view();
    if (keepsShipped() && t.shippedLsn > v.appliedLsn()) {
      // Entries up to shippedLsn went to the secondaries and storage does not hold them: planning
      // here would give their LSNs to other entries (rule 4).
      return new TermEnds(
          stopsServing(t, v.appliedLsn() + 1, t.shippedLsn, "storage lacks them"), t);
    }
    boolean needNoop = t.noopLsn < 0;
    if (!needNoop && batch.stream().allMatch(p -> p.change() == null)) {
      List<BatchPlan.Outcome> wakeups =
          batch.stream().<BatchPlan.Outcome>map(p -> new BatchPlan.Wakeup()).toList();
      BatchPlan idle = new BatchPlan(wakeups, List.of(), List.of(), List.of(), ctx.config(), false);
      return new Committed(t, idle, null, false, false, v.appliedLsn(), v.lastEntryEpoch());
    }
    return commit(t, table, batch, needNoop, v);
  }

  /** The table to write, or the reason this replica does not serve term {@code t} now. */
  private UserTable requireServing(PrimaryTerm t) {
    ReplicaContext.View v = ctx.view();
    if (t == null || v.role() != Role.Primary || v.fenced() || t.epoch != v.epoch()) {
      ctx.requirePrimary();
      throw ShardException.conflict("not primary: " + ctx.name() + " is changing role");
    }
    return ctx.requireTable();
  }

  /**
   * Rule 15 before planning: an earlier commit's outcome was not known, so storage says where the
   * log ends and memory takes every entry past it; null once they agree.
   */
  private BatchOutcome catchUpWithStorage(PrimaryTerm t) {
    return switch (readTail(t)) {
      case Holds h -> {
        adopt(t, h.entries());
        yield null;
      }
      case Unread u ->
          new NothingWritten(
              ShardException.unavailable(
                  "storage unavailable: the outcome of an earlier commit is not known yet; nothing"
                      + " was written"),
              false);
      case Unexplained x -> new TermEnds(x.reason(), t);
    };
  }

  /** Plans and commits the batch in one transaction, and decides what its result means. */
  private BatchOutcome commit(
      PrimaryTerm t,
      UserTable table,
      List<PendingChange> batch,
      boolean needNoop,
      ReplicaContext.View v) {
    long prevLsn = v.appliedLsn();
    long prevEpoch = v.lastEntryEpoch();
    ShardConfig before = ctx.config();
    List<ClientChange> changes = batch.stream().map(PendingChange::change).toList();
    Attempt attempt = new Attempt(needNoop, prevLsn, prevEpoch);
    // Overlap (issue 27): hand the entries to the secondaries before the COMMIT, once the term's
    // no-op is committed (a term with no entry of its epoch in storage has sent nothing early,
    // which a restarted primary relies on: WriteCoordinator.becomePrimary).
    boolean early = settings.overlapCommit() && !needNoop;
    long commitStart = clock.nanos();
    GroupCommit.Result result;
    try {
      result =
          store.groupCommit(
              table,
              changes,
              t.epoch,
              needNoop,
              prevLsn,
              floor -> rules.commitMillis(clock.wallMillis(), Math.max(floor, t.lastCommitMillis)),
              t.lastTimestamp,
              before,
              p -> planned(t, attempt, p, early));
    } catch (RuntimeException e) {
      if (e instanceof ShardException se && se.status() == 409) {
        return refused(t, attempt, se);
      }
      return readBack(t, attempt, batch.size(), e);
    }
    if (!result.committed()) {
      return refused(
          t,
          attempt,
          ShardException.conflict(
              "not primary: "
                  + ctx.name()
                  + " was fenced or demoted from epoch "
                  + t.epoch
                  + " while committing; nothing was written"));
    }
    commitLatency.record(clock.nanos() - commitStart, TimeUnit.NANOSECONDS);
    batchSizes.record(batch.size());
    return attempt.committed(t, result.removed());
  }

  /** The plan is fixed, before the COMMIT: notes it and, with overlap-commit, sends its entries. */
  private void planned(PrimaryTerm t, Attempt attempt, BatchPlan p, boolean early) {
    attempt.plan = p;
    if (!p.entries().isEmpty()) {
      t.lastCommitMillis = p.entries().get(0).commitMillis();
      t.lastTimestamp = p.entries().get(p.entries().size() - 1).timestamp();
      long last = p.entries().get(p.entries().size() - 1).lsn();
      t.committingLsn = Math.max(t.committingLsn, last);
      if (early) {
        t.shippedLsn = Math.max(t.shippedLsn, last);
        attempt.shipped = true;
        t.links.forEach(l -> l.offer(p.entries(), attempt.prevLsn, attempt.prevEpoch));
      }
    }
  }

  /** Demoted or fenced while committing: the transaction rolled back, nothing was written. */
  private BatchOutcome refused(PrimaryTerm t, Attempt attempt, ShardException se) {
    if (attempt.shipped && keepsShipped()) {
      // ... here; a secondary may hold the entries and be elected: the outcome is unknown.
      List<LogEntry> sent = attempt.plan.entries();
      ShardException stop =
          new ShardException(
              409, // as before: the router looks for the new primary
              stopsServing(t, sent.get(0).lsn(), sent.get(sent.size() - 1).lsn(), se.getMessage())
                  .getMessage());
      return new TermEnds(stop, t);
    }
    return new NothingWritten(se, false);
  }

  /**
   * Rule 15: an error in or after COMMIT does not say whether the commit happened. Storage says, by
   * the entries it holds past the position the batch was planned after: none (nothing written),
   * exactly the batch's own — positions, epoch, operations, keys, request ids, rows — (committed:
   * acknowledged by quorum as usual), or anything else (outcome unknown). Another batch's entries
   * at the same positions are not this batch's: a batch of this term given up as "nothing written"
   * may have landed after its read-back looked (its COMMIT was still in flight and held the log
   * rows, so this batch's insert waited for it and hit a duplicate key).
   */
  private BatchOutcome readBack(PrimaryTerm t, Attempt attempt, int size, RuntimeException e) {
    List<LogEntry> planned = attempt.plan == null ? List.of() : attempt.plan.entries();
    List<LogEntry> stored = List.of();
    if (rules.readsBackUnknownCommit()) {
      switch (readTail(t)) {
        case Unread u -> {
          return new Unknown(outcomeUnknown(e.getMessage()));
        }
        case Unexplained x -> {
          return new TermEnds(x.reason(), t);
        }
        case Holds h -> stored = h.entries();
      }
    }
    switch (rules.readBack(planned, stored)) {
      case COMMITTED -> {
        LOG.warn(
            "{}: commit of lsn {}..{} reported {}, but storage holds it: acknowledging by quorum",
            ctx.name(),
            planned.get(0).lsn(),
            planned.get(planned.size() - 1).lsn(),
            e.toString());
        return attempt.committed(t, null);
      }
      case OTHER -> {
        // What storage holds is this term's log all the same (rule 15): memory takes it.
        adopt(t, stored);
        if (attempt.shipped && keepsShipped()) {
          // The batch's entries went out at LSNs that storage gave other entries (rule 4).
          return new TermEnds(
              stopsServing(
                  t, planned.get(0).lsn(), planned.get(planned.size() - 1).lsn(), e.toString()),
              t);
        }
        LOG.warn(
            "{}: commit of {} entries after lsn {} reported {}; storage holds other entries at lsn"
                + " {}..{}: the outcome is unknown",
            ctx.name(),
            planned.size(),
            attempt.prevLsn,
            e.toString(),
            stored.get(0).lsn(),
            stored.get(stored.size() - 1).lsn());
        return new Unknown(
            outcomeUnknown(
                "storage holds other entries than this batch's at lsn "
                    + stored.get(0).lsn()
                    + ".."
                    + stored.get(stored.size() - 1).lsn()
                    + " ("
                    + e.getMessage()
                    + ")"));
      }
      case NOTHING_WRITTEN -> {
        if (attempt.shipped && keepsShipped()) {
          // Nothing was written, but the entries went out: never plan at their LSNs again.
          return new TermEnds(
              stopsServing(
                  t, planned.get(0).lsn(), planned.get(planned.size() - 1).lsn(), e.toString()),
              t);
        }
        if (size > 1) {
          return new NothingWritten(e, true);
        }
        return new NothingWritten(
            ShardException.unavailable(
                "storage unavailable, nothing was written: " + e.getMessage()),
            false);
      }
    }
    throw new IllegalStateException("unreachable");
  }

  private static ShardException outcomeUnknown(String cause) {
    return ShardException.unavailable(
        "storage error, the outcome is unknown (retry with the same request id): " + cause);
  }

  /**
   * A committed batch: the position advances (and what the shard owns), the term's no-op is noted,
   * the primary counts itself, the entries go to the secondaries unless already sent, and each
   * change waits for its quorum.
   */
  private void acknowledge(List<PendingChange> batch, Committed c) {
    PrimaryTerm t = c.term();
    List<LogEntry> entries = c.plan().entries();
    if (!entries.isEmpty()) {
      LogEntry last = entries.get(entries.size() - 1);
      if (c.plan().configChanged()) {
        // Under the commit lock: the next batch checks keys against the new ownership.
        ctx.updateOwned(c.plan().configAfter());
      }
      if (!ctx.advanceAsPrimary(last.lsn(), last.epoch(), t.epoch)) {
        LOG.error("{} committed up to lsn {} but is no longer primary", ctx.name(), last.lsn());
      }
      if (c.carriesNoop()) {
        t.noopLsn = entries.get(0).lsn();
      }
      // The primary counts itself only now that its own commit returned.
      t.tracker.selfHolds(last.lsn());
      if (!c.shipped()) {
        t.links.forEach(l -> l.offer(entries, c.prevLsn(), c.prevEpoch()));
      }
    }
    quorum.answer(t, batch, c.plan(), c.removed());
  }

  private boolean keepsShipped() {
    return !(rules instanceof ReassignsShippedEntries);
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

  /** One group commit: where it was planned, its plan and whether its entries went out early. */
  private static final class Attempt {
    final boolean carriesNoop;
    final long prevLsn;
    final long prevEpoch;
    BatchPlan plan;

    /** Its entries went to the secondaries before the commit returned (overlap-commit). */
    boolean shipped;

    Attempt(boolean carriesNoop, long prevLsn, long prevEpoch) {
      this.carriesNoop = carriesNoop;
      this.prevLsn = prevLsn;
      this.prevEpoch = prevEpoch;
    }

    /** Storage holds the plan; {@code removed}: the rows each operation removed, if known. */
    Committed committed(PrimaryTerm t, long[] removed) {
      return new Committed(t, plan, removed, carriesNoop, shipped, prevLsn, prevEpoch);
    }
  }

  /** What storage holds past the position in memory (rule 15). */
  private sealed interface Tail permits Holds, Unread, Unexplained {}

  /**
   * Storage holds these entries past memory, all of this term (none: it ends where memory does).
   */
  private record Holds(List<LogEntry> entries) implements Tail {}

  /** Storage could not be read: the position stays unknown, the next batch reads it again. */
  private record Unread() implements Tail {}

  /** Storage holds what this term cannot explain: the term must end. */
  private record Unexplained(ShardException reason) implements Tail {}

  /**
   * Rule 15: learns from storage where the log ends and which entries lie past the position in
   * memory; they are this term's when storage's epoch and role are its own and every one is of its
   * epoch. Storage holding entries of an earlier epoch there (this replica's replay of them
   * committed while it lost the reply) is {@link Unexplained}: memory takes storage's position, so
   * that the next fence answers it, and the term ends.
   */
  private Tail readTail(PrimaryTerm t) {
    ShardStore.StoredPosition stored;
    try {
      stored = store.recoverPosition();
    } catch (RuntimeException e) {
      t.positionUnknown = true;
      LOG.warn("{}: cannot read the log position back from storage: {}", ctx.name(), e.toString());
      return new Unread();
    }
    ReplicaContext.View v = ctx.view();
    long from = v.appliedLsn();
    long tail = stored.tailLsn();
    String refusal = null;
    boolean earlierEpoch = false;
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
            earlierEpoch = e.epoch() < t.epoch;
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
      return new Unread();
    }
    if (refusal != null) {
      LOG.error("{} stops serving: cannot reconcile its log position: {}", ctx.name(), refusal);
      if (earlierEpoch && !stored.copyPending()) {
        // Never below an entry the log holds (rule 15): the next fence answers what is stored.
        ctx.advance(tail, stored.tailEpoch());
      }
      return new Unexplained(
          ShardException.unavailable(
              "not primary: "
                  + ctx.name()
                  + " cannot reconcile its log position: "
                  + refusal
                  + "; the outcome of this batch is unknown (retry with the same request id)"));
    }
    t.positionUnknown = false;
    return new Holds(List.copyOf(landed));
  }

  /**
   * Takes {@code landed} (this term's entries storage holds past memory) into memory: the term's
   * no-op, what the shard owns, the position, and hands them to the secondaries.
   */
  private void adopt(PrimaryTerm t, List<LogEntry> landed) {
    if (landed.isEmpty()) {
      return;
    }
    ReplicaContext.View v = ctx.view();
    long from = v.appliedLsn();
    ShardConfig config = ctx.config();
    for (LogEntry e : landed) {
      if (e.op() == Operation.Noop && t.noopLsn < 0) {
        t.noopLsn = e.lsn();
      }
    }
    // What the entries did to the config (ownership, schema): LogOps' one definition.
    ShardConfig after = LogOps.replayAll(landed, config).config();
    if (after != config) {
      ctx.updateOwned(after);
    }
    LogEntry last = landed.get(landed.size() - 1);
    ctx.advanceAsPrimary(last.lsn(), last.epoch(), t.epoch);
    t.tracker.selfHolds(last.lsn());
    long prevEpoch = v.lastEntryEpoch();
    t.links.forEach(l -> l.offer(landed, from, prevEpoch));
  }
}
