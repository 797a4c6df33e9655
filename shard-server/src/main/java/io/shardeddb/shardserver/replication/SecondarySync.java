package io.shardeddb.shardserver.replication;

import io.shardeddb.protocol.shard.CopyProgress;
import io.shardeddb.protocol.shard.LogEntry;
import io.shardeddb.protocol.shard.LogResponse;
import io.shardeddb.protocol.shard.ReplicaState;
import io.shardeddb.protocol.shard.ReplicateRequest;
import io.shardeddb.protocol.shard.ReplicateResponse;
import io.shardeddb.protocol.shard.ShardEndpoints;
import io.shardeddb.protocol.topology.Role;
import io.shardeddb.shardserver.ShardException;
import io.shardeddb.shardserver.config.ReplicationSettings;
import io.shardeddb.shardserver.replication.rules.CommitReadBack;
import io.shardeddb.shardserver.replication.rules.LogMatching;
import io.shardeddb.shardserver.replication.rules.Rulebook;
import io.shardeddb.shardserver.replication.write.LogOps;
import io.shardeddb.shardserver.storage.RequestOutcome;
import io.shardeddb.shardserver.storage.ShardConfig;
import io.shardeddb.shardserver.storage.ShardStore;
import io.shardeddb.shardserver.storage.UserTable;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The secondary's side of replication: applies {@code /replicate} entries only when its log matches
 * the primary's (rule 4) and answers whether it is in sync, and in the background verifies its log
 * against the primary's, pulls missing entries ({@code GET /log}) and re-copies from a snapshot
 * when it is empty, diverged, or the primary no longer holds the range. A role change abandons the
 * work in flight against the old primary at once (rule 10).
 *
 * <p>Why this file is over 450 lines: applying {@code /replicate}, the background pull and the
 * re-copy share one state (the expected primary and epoch, the work in flight) and must abandon
 * each other's work on a role change; the safety rules (4, 10) are only checkable with all three
 * paths in view.
 */
@Singleton
public class SecondarySync implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SecondarySync.class);

  /** Rows (and request outcomes) a re-copy loads per storage call. */
  public static final int COPY_CHUNK = 500;

  private static final int MAX_ROUNDS = 10_000;

  private final ReplicaContext ctx;
  // A refused re-copy is tried again every poll: warn once per 30 s while it stays the same.
  private final RepeatedWarning refusedCopy =
      new RepeatedWarning(java.time.Duration.ofSeconds(30), System::nanoTime);
  private final ReplicaStore store;
  private final PeerTransport client;
  private final ConfigAdopter configs;
  private final ReplicationSettings settings;
  private final ReplicaClock clock;
  private final Rulebook rules;
  private final int copyChunk;

  /**
   * What this replica held when its current re-copy began (null when no copy is in progress in this
   * process): only a broken {@link Rulebook#reportedCopyState} ever reports it (rule 7).
   */
  private volatile io.shardeddb.shardserver.replication.rules.CopyState heldBeforeCopy;

  private final ReentrantLock applyLock = new ReentrantLock();
  private final Executor worker;
  private final Object runLock = new Object();
  private FutureTask<Void> current;
  private long generation;
  private volatile boolean closed;

  /** While a snapshot streams: when its last line arrived (0 when no snapshot is streaming). */
  private volatile long snapshotProgressNanos;

  // Rule 11, the secondaries' report: the epoch and primary last heard from, and when (or when
  // this replica took its role under them, if nothing came since). Guarded by contactLock.
  private final Object contactLock = new Object();
  private long contactEpoch = -1;
  private String contactPrimary;
  private long contactNanos;

  /** When this replica's process started (its clock): nothing before it is known. */
  private final long startedNanos;

  public SecondarySync(
      ReplicaContext ctx,
      ReplicaStore store,
      PeerTransport client,
      ConfigAdopter configs,
      ReplicationSettings settings,
      ReplicaClock clock,
      Rulebook rules) {
    this(ctx, store, client, configs, settings, clock, rules, COPY_CHUNK);
  }

  /**
   * As above, loading a re-copy {@code copyChunk} rows at a time (the simulator loads smaller
   * chunks, so its simulated time passes chunk by chunk).
   */
  public SecondarySync(
      ReplicaContext ctx,
      ReplicaStore store,
      PeerTransport client,
      ConfigAdopter configs,
      ReplicationSettings settings,
      ReplicaClock clock,
      Rulebook rules,
      int copyChunk) {
    this.rules = rules;
    this.copyChunk = Math.max(1, copyChunk);
    this.ctx = ctx;
    this.store = store;
    this.client = client;
    this.configs = configs;
    this.settings = settings;
    this.clock = clock;
    this.startedNanos = clock.nanos();
    this.contactNanos = startedNanos;
    // A new thread per run in production: an abandoned run may take a moment to notice its
    // interrupt, and the run against the new primary must not wait behind it.
    this.worker = clock.background("secondary-sync-" + ctx.name());
    // The replica clock's timer rather than @Scheduled: a framework-scheduled task that fires while
    // the context closes would re-create this bean and with it the connection pool.
    schedulePoll();
  }

  private void schedulePoll() {
    long period = Math.max(50, settings.pollInterval().toMillis());
    clock.schedule(
        period,
        () -> {
          if (!closed) {
            pollQuietly();
            schedulePoll();
          }
        });
  }

  private void pollQuietly() {
    try {
      abandonStalledSnapshot();
      poll();
    } catch (RuntimeException e) {
      LOG.warn("poll of {} failed: {}", ctx.name(), e.toString());
    }
  }

  /**
   * {@code POST /replicate}: appends consecutive entries from the primary of the epoch when the
   * entry before them matches this replica's log, and says whether this replica is in sync (only
   * then does its {@code matchLsn} count toward the quorum).
   */
  public ReplicateResponse onReplicate(ReplicateRequest req) {
    if (!rules.replicateMeantFor(req.replica(), ctx.name())) {
      // Meant for another replica whose address this server now serves (a pod moved, its address
      // was reused): answering would let the primary count this copy for that replica too.
      throw new ShardException(
          ShardEndpoints.NOT_OWNED,
          "this is "
              + ctx.name()
              + ", not "
              + req.replica()
              + " that the primary "
              + req.primary()
              + " replicates to at this address");
    }
    ReplicateResponse r = replicate(req);
    // A /fence may have raised the epoch while the batch was applied (it does not wait for the
    // apply lock): an entry applied after the fence answered its position must not be
    // acknowledged to the old epoch's primary, or the operator would choose from a position
    // that misses an acknowledged write (rule 2). The fence changes the epoch before it reads the
    // position it answers, so an entry acknowledged here is in that answer.
    ReplicaContext.View now = ctx.view();
    if (r.inSync() && (now.epoch() != req.epoch() || now.role() != Role.Secondary)) {
      throw ShardException.unavailable(
          ctx.name()
              + " was fenced or changed role while a batch of epoch "
              + req.epoch()
              + " arrived");
    }
    return r;
  }

  private ReplicateResponse replicate(ReplicateRequest req) {
    ReplicaContext.View v = ctx.view();
    if (req.epoch() < v.epoch()) {
      throw new ShardException(
          409,
          "stale epoch "
              + req.epoch()
              + ": "
              + ctx.name()
              + " has seen epoch "
              + v.epoch()
              + (v.primary() == null ? "" : " (primary is " + v.primary().name() + ")"),
          v.epoch());
    }
    if (req.epoch() > v.epoch()
        || v.role() != Role.Secondary
        || v.primary() == null
        || !v.primary().name().equals(req.primary())) {
      throw ShardException.unavailable(
          ctx.name()
              + " has no secondary role under "
              + req.primary()
              + " for epoch "
              + req.epoch()
              + " yet");
    }
    // From the primary this replica follows, at its epoch: it is alive and reaches this replica.
    long arrived = clock.nanos();
    heard(req.epoch(), req.primary(), arrived);
    ReplicateResponse r = applyBatch(req, v);
    // Rule 9, bounded reads: in sync and holding all the primary had committed as it sent this.
    if (rules.caughtUpAtContact(r.inSync() && ctx.inSync(), req.commitLsn(), ctx.appliedLsn())) {
      ctx.caughtUpAt(req.epoch(), arrived);
    }
    return r;
  }

  private ReplicateResponse applyBatch(ReplicateRequest req, ReplicaContext.View v) {
    List<LogEntry> entries = req.entries() == null ? List.of() : req.entries();
    long last = entries.isEmpty() ? req.prevLsn() : entries.get(entries.size() - 1).lsn();
    ctx.learnPrimaryLsn(last, req.epoch());
    boolean locked;
    try {
      locked = applyLock.tryLock(200, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      locked = false;
    }
    if (!locked) {
      // The catch-up holds the lock: answer what is known without appending.
      return answer(
          rules.logMatching(local(v, req.prevLsn(), false), batch(req, entries)), v.epoch(), false);
    }
    try {
      v = ctx.view();
      if (v.epoch() != req.epoch() || v.role() != Role.Secondary) {
        throw ShardException.unavailable(ctx.name() + " changed role while a batch arrived");
      }
      LogMatching.Decision d =
          rules.logMatching(local(v, req.prevLsn(), true), batch(req, entries));
      if (d.action() == LogMatching.Action.APPEND && last > ctx.appliedLsn()) {
        applyLocked(entries);
        markReadyIfCaughtUp();
        return new ReplicateResponse(ctx.appliedLsn(), v.epoch(), true, ctx.appliedLsn());
      }
      if (d.action() == LogMatching.Action.APPEND) {
        markReadyIfCaughtUp();
      }
      return answer(d, v.epoch(), true);
    } finally {
      applyLock.unlock();
    }
  }

  private ReplicateResponse answer(LogMatching.Decision d, long epoch, boolean checked) {
    switch (d.action()) {
      case DIVERGED -> {
        LOG.warn("{}: the primary's log differs from mine; verifying again", ctx.name());
        ctx.markUnverified();
        trigger();
      }
      case UNVERIFIED, GAP -> trigger();
      case APPEND -> {
        if (!checked) {
          trigger();
        }
      }
    }
    return new ReplicateResponse(ctx.appliedLsn(), epoch, d.inSync(), d.matchLsn());
  }

  private LogMatching.Local local(ReplicaContext.View v, long prevLsn, boolean lookUp) {
    long applied = ctx.appliedLsn();
    long epochAtPrev = LogMatching.NOT_HELD;
    if (prevLsn == 0) {
      epochAtPrev = 0;
    } else if (prevLsn == applied) {
      epochAtPrev = ctx.lastEntryEpoch();
    } else if (prevLsn == ctx.logStartLsn()) {
      epochAtPrev = ctx.logStartEpoch();
    } else if (lookUp && prevLsn < applied && prevLsn > ctx.logStartLsn()) {
      epochAtPrev = store.epochAt(prevLsn).orElse(LogMatching.NOT_HELD);
    }
    return new LogMatching.Local(
        ctx.copying() || ctx.state() == ReplicaState.Copying,
        v.verifiedEpoch() == v.epoch(),
        applied,
        epochAtPrev);
  }

  private static LogMatching.Batch batch(ReplicateRequest req, List<LogEntry> entries) {
    long first = entries.isEmpty() ? req.prevLsn() + 1 : entries.get(0).lsn();
    long last = entries.isEmpty() ? req.prevLsn() : entries.get(entries.size() - 1).lsn();
    return new LogMatching.Batch(req.prevLsn(), req.prevEpoch(), first, last);
  }

  /** Re-copy from the primary now ({@code POST /resync}). */
  public void resync() {
    ctx.requestCopy();
    trigger();
  }

  /** Starts a background catch-up unless one is running. */
  public void trigger() {
    synchronized (runLock) {
      if (current != null && !current.isDone()) {
        return;
      }
      startLocked();
    }
  }

  /**
   * The role changed: abandons the catch-up in flight (its call to the old primary is interrupted)
   * and, for a secondary, starts one against the new primary at once.
   */
  public void restart() {
    // A new role or epoch: the silence of the primary it names counts from now.
    ReplicaContext.View v = ctx.view();
    heard(v.epoch(), v.primary() == null ? null : v.primary().name(), clock.nanos());
    synchronized (runLock) {
      generation++;
      if (current != null) {
        current.cancel(true);
      }
      startLocked();
    }
  }

  /**
   * How long ago this replica last heard from a primary of its epoch — a request it may have
   * acknowledged — or took a role or epoch (counted from its start when neither came since): no
   * acknowledgement of it is younger (rule 9, {@code LeaseRules.handsOverLease}).
   */
  public long sinceContactNanos() {
    long now = clock.nanos();
    synchronized (contactLock) {
      return now - Math.max(contactNanos, startedNanos);
    }
  }

  private void heard(long epoch, String primary, long nanos) {
    synchronized (contactLock) {
      contactEpoch = epoch;
      contactPrimary = primary;
      contactNanos = nanos;
    }
  }

  /**
   * {@code h} with this secondary's report of its primary (rule 11, {@link Rulebook#primaryLost}):
   * how long ago it last received a request of its epoch from the primary it follows — counted from
   * when it took that role when none came since — and whether that is a lease period or more. -1
   * and not lost when it follows no primary (a primary, an unconfigured or role-less replica).
   */
  public io.shardeddb.protocol.shard.Heartbeat withPrimaryContact(
      io.shardeddb.protocol.shard.Heartbeat h) {
    ReplicaContext.View v = ctx.view();
    if (v.role() != Role.Secondary || v.primary() == null) {
      return h.withPrimaryContact(-1, false);
    }
    long now = clock.nanos();
    long since;
    synchronized (contactLock) {
      if (contactEpoch != v.epoch() || !v.primary().name().equals(contactPrimary)) {
        // A role this replica took without a restart of its sync (none in production): from now.
        contactEpoch = v.epoch();
        contactPrimary = v.primary().name();
        contactNanos = now;
      }
      since = contactNanos;
    }
    return h.withPrimaryContact(
        Math.max(0, (now - since) / 1_000_000),
        rules.primaryLost(now, since, settings.leasePeriod().toNanos()));
  }

  private void startLocked() {
    long gen = generation;
    FutureTask<Void> run =
        new FutureTask<>(
            () -> {
              try {
                syncLoop(gen);
              } catch (RuntimeException e) {
                LOG.warn("catch-up of {} failed: {}", ctx.name(), e.toString());
              }
            },
            null);
    current = run;
    try {
      worker.execute(run);
    } catch (RuntimeException e) {
      current = null;
    }
  }

  private boolean abandoned(long gen) {
    synchronized (runLock) {
      return gen != generation || Thread.currentThread().isInterrupted();
    }
  }

  /**
   * The request deadline covers only the start of {@code /snapshot}; a stream that stops sending (a
   * frozen or partitioned primary) is abandoned after the same deadline without a new line, and the
   * copy starts over (rule 10).
   */
  private void abandonStalledSnapshot() {
    long last = snapshotProgressNanos;
    if (last != 0 && clock.nanos() - last > settings.requestTimeout().toNanos()) {
      LOG.warn("{}: the snapshot stream stalled; abandoning it", ctx.name());
      snapshotProgressNanos = 0;
      restart();
    }
  }

  /** Catches up when behind or when the primary has been quiet (entries may have been dropped). */
  void poll() {
    if (ctx.view().role() != Role.Secondary) {
      return;
    }
    if (ctx.state() != ReplicaState.Ready
        || ctx.nanosSincePrimaryContact() > settings.pollInterval().toNanos()) {
      trigger();
    }
  }

  private void syncLoop(long gen) {
    for (int round = 0; round < MAX_ROUNDS && !abandoned(gen); round++) {
      ReplicaContext.View v = ctx.view();
      if (v.role() != Role.Secondary || v.primary() == null) {
        return;
      }
      // A requested copy stays requested until it begins (ReplicaContext.beginCopy): one that
      // could not start (primary unreachable) is tried again at the next poll.
      if (ctx.copyRequested() || ctx.copying()) {
        if (!recopy(v, gen)) {
          return;
        }
        continue;
      }
      long applied = ctx.appliedLsn();
      long appliedEpoch = ctx.lastEntryEpoch();
      LogResponse page;
      try {
        page =
            client.log(
                v.primary().url(),
                applied + 1,
                appliedEpoch,
                ctx.name(),
                settings.logPageSize(),
                v.primary().name(),
                v.epoch());
      } catch (PeerRefusal r) {
        if (r.status() == 410 || r.status() == 409) {
          LOG.info("{} must re-copy: {}", ctx.name(), r.getMessage());
          if (!recopy(v, gen)) {
            return;
          }
          continue;
        }
        return;
      } catch (IOException e) {
        return;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      if (abandoned(gen)) {
        return;
      }
      ctx.learnPrimaryLsn(page.lastLsn(), v.epoch());
      if (ctx.config() == null) {
        if (!recopy(v, gen)) {
          return;
        }
        continue;
      }
      // The primary of this epoch confirmed our entry at `applied` (same epoch): by log matching
      // the whole log up to it equals the primary's.
      if (ctx.appliedLsn() == applied && ctx.lastEntryEpoch() == appliedEpoch) {
        ctx.markVerified(v.epoch());
      }
      List<LogEntry> entries = page.entries() == null ? List.of() : page.entries();
      if (!entries.isEmpty() && !applyInOrder(entries, 5000, v.epoch())) {
        continue;
      }
      if (markReadyIfCaughtUp()) {
        return;
      }
      ctx.secondaryState(ReplicaState.CatchingUp);
      if (entries.isEmpty()) {
        // Nothing new yet: the poller asks again within a poll interval (never a busy loop of
        // /log calls against the primary).
        return;
      }
    }
  }

  private boolean markReadyIfCaughtUp() {
    ReplicaContext.View v = ctx.view();
    if (v.role() == Role.Secondary
        && v.verifiedEpoch() == v.epoch()
        && ctx.appliedLsn() >= primaryLsnKnown()) {
      ctx.secondaryState(ReplicaState.Ready);
      return true;
    }
    return false;
  }

  private long primaryLsnKnown() {
    return ctx.appliedLsn() + ctx.lagLsn();
  }

  /**
   * Applies the entries after the applied LSN if they continue it and the epoch is still {@code
   * epoch}; false on a gap, busy, or a role change.
   */
  private boolean applyInOrder(List<LogEntry> entries, long waitMillis, long epoch) {
    try {
      if (!applyLock.tryLock(waitMillis, TimeUnit.MILLISECONDS)) {
        return false;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
    try {
      if (ctx.view().epoch() != epoch || ctx.view().role() != Role.Secondary) {
        return false;
      }
      return applyLocked(entries);
    } finally {
      applyLock.unlock();
    }
  }

  private boolean applyLocked(List<LogEntry> entries) {
    long applied = ctx.appliedLsn();
    List<LogEntry> fresh = new ArrayList<>();
    long expected = applied + 1;
    for (LogEntry e : entries) {
      if (e.lsn() < expected) {
        continue;
      }
      if (e.lsn() != expected) {
        break;
      }
      fresh.add(e);
      expected++;
    }
    if (fresh.isEmpty()) {
      return entries.isEmpty() || entries.get(entries.size() - 1).lsn() <= applied;
    }
    // A Schema entry starts a transaction of its own (MySQL commits what came before a DDL).
    boolean more = LogOps.inOneTransaction(fresh) < fresh.size();
    fresh = new ArrayList<>(fresh.subList(0, LogOps.inOneTransaction(fresh)));
    UserTable table = ctx.requireTable();
    ShardConfig before = ctx.requireConfig();
    ShardConfig after;
    try {
      after = store.applyReplicated(table, fresh, before);
    } catch (RuntimeException e) {
      if (rules.readsBackFailedReplay() && resumeFromStorage(fresh, before, e)) {
        // Storage held some of them: go on after what it holds.
        return applyLocked(entries);
      }
      throw e;
    }
    if (after != before) {
      ctx.updateOwned(after);
    }
    LogEntry last = fresh.get(fresh.size() - 1);
    ctx.advance(last.lsn(), last.epoch());
    if (more) {
      return applyLocked(entries);
    }
    return last.lsn() >= entries.get(entries.size() - 1).lsn();
  }

  /**
   * Rule 15 on a secondary: a replay that failed in or after COMMIT may have committed, its reply
   * lost (the mysql container restarted under this process). Memory would stay below storage and
   * every later replay would hit its own entries (a duplicate key, for good). So storage says what
   * it holds past the position in memory: nothing — the error stands (false); the leading entries
   * of {@code applying} — memory takes them as applied (true: the caller goes on after them);
   * anything else — this replica's log is not the primary's: it reports itself unverified and
   * re-copies (rule 4), and the error stands. Storage unreadable: the error stands, the next apply
   * asks again.
   */
  private boolean resumeFromStorage(
      List<LogEntry> applying, ShardConfig before, RuntimeException error) {
    long from = ctx.appliedLsn();
    ShardStore.StoredPosition stored;
    List<LogEntry> held;
    try {
      stored = store.recoverPosition();
      if (stored.copyPending() || stored.tailLsn() <= from) {
        return false;
      }
      held =
          store.logPage(from + 1, (int) Math.min(applying.size(), stored.tailLsn() - from)).stream()
              .filter(e -> e.lsn() <= stored.tailLsn())
              .toList();
    } catch (RuntimeException e) {
      LOG.warn(
          "{}: replay failed ({}) and storage cannot be read back: {}",
          ctx.name(),
          error.toString(),
          e.toString());
      return false;
    }
    int same = CommitReadBack.matchingPrefix(applying, held);
    if (same > 0 && same == held.size()) {
      List<LogEntry> landed = applying.subList(0, same);
      ShardConfig after = LogOps.replayAll(landed, before).config();
      if (after != before) {
        ctx.updateOwned(after);
      }
      LogEntry last = landed.get(landed.size() - 1);
      ctx.advance(last.lsn(), last.epoch());
      LOG.warn(
          "{}: replay of lsn {}.. reported {}, but storage holds lsn {}..{}: resuming after it",
          ctx.name(),
          from + 1,
          error.toString(),
          from + 1,
          last.lsn());
      return true;
    }
    LOG.error(
        "{}: replay of lsn {}.. reported {}; storage holds other entries from lsn {} (to {}):"
            + " diverged, re-copying",
        ctx.name(),
        from + 1,
        error.toString(),
        from + 1,
        stored.tailLsn());
    ctx.markUnverified();
    ctx.requestCopy();
    return false;
  }

  /**
   * Replaces this replica's rows with a consistent snapshot of the primary's; true on success. Once
   * the copy has begun (persisted Copying, position reset, rows deleted) a failure leaves the
   * replica Copying, across restarts too, until a later copy completes (rule 7).
   */
  private boolean recopy(ReplicaContext.View v, long gen) {
    applyLock.lock();
    snapshotProgressNanos = clock.nanos();
    try (SnapshotStream snapshot =
        client.snapshot(v.primary().url(), v.primary().name(), v.epoch())) {
      SnapshotHeader header = snapshot.header();
      progress();
      if (header.config() != null) {
        configs.adopt(header.config(), true);
      }
      UserTable table = ctx.requireTable();
      // In memory first (rule 7): from here on /fence, /role and /heartbeat report Copying at
      // LSN 0, before anything is persisted or deleted; reporting Copying a moment early only
      // makes this replica count for nothing, reporting the old LSN while its rows go would not.
      if (!ctx.copying()) {
        heldBeforeCopy = ctx.copyState();
      }
      ctx.beginCopy();
      store.beginCopy(table);
      ctx.copyProgress(new CopyProgress(0, header.rows(), header.lsn()));
      List<Map<String, Object>> chunk = new ArrayList<>();
      long copied = 0;
      Map<String, Object> row;
      while (copied + chunk.size() < header.rows() && (row = snapshot.nextRow()) != null) {
        progress();
        chunk.add(ctx.requireConfig().coerceSnapshotRow(row));
        if (chunk.size() >= copyChunk) {
          abandonIf(gen);
          store.loadChunk(table, chunk);
          copied += chunk.size();
          chunk = new ArrayList<>();
          ctx.copyProgress(new CopyProgress(copied, header.rows(), header.lsn()));
        }
      }
      // The stream may have taken a while: a role change meanwhile abandons the copy before it
      // writes anything more (the next run, against the new primary, starts over).
      abandonIf(gen);
      store.loadChunk(table, chunk);
      copied += chunk.size();
      if (!rules.copyComplete(copied, header.rows())) {
        throw new IOException("snapshot ended after " + copied + " of " + header.rows() + " rows");
      }
      List<RequestOutcome> outcomes = new ArrayList<>();
      long ids = 0;
      RequestOutcome outcome;
      while (ids + outcomes.size() < header.requestIds()
          && (outcome = snapshot.nextOutcome()) != null) {
        progress();
        outcomes.add(outcome);
        if (outcomes.size() >= copyChunk) {
          abandonIf(gen);
          store.loadOutcomes(outcomes);
          ids += outcomes.size();
          outcomes = new ArrayList<>();
        }
      }
      abandonIf(gen);
      store.loadOutcomes(outcomes);
      ids += outcomes.size();
      if (!rules.copyComplete(ids, header.requestIds())) {
        throw new IOException(
            "snapshot ended after " + ids + " of " + header.requestIds() + " request ids");
      }
      abandonIf(gen);
      store.finishCopy(header.lsn(), header.epoch(), header.commitMillis(), header.timestamp());
      ctx.resetTo(header.lsn(), header.epoch(), v.epoch());
      heldBeforeCopy = null;
      ctx.secondaryState(ReplicaState.CatchingUp);
      LOG.info(
          "{} re-copied {} rows and {} request ids at lsn {} from {}",
          ctx.name(),
          copied,
          ids,
          header.lsn(),
          v.primary().name());
      return true;
    } catch (PeerRefusal r) {
      if (r.status() != ShardEndpoints.NOT_OWNED) {
        return copyFailed(v, r);
      }
      // Not my primary here: another server answers at the address this replica was told (a pod
      // moved and its address was reused), or the primary no longer leads this epoch. Nothing of
      // it is loaded; a requested copy stays requested (reported Copying, rows intact) and is
      // tried again at the next poll, against the address of the role it then holds.
      boolean loud =
          refusedCopy.loud(v.primary().url() + " " + v.primary().name() + " " + v.epoch());
      String format =
          "{}: not re-copying from {}: the server there is not the primary {} of epoch {} ({})";
      Object[] args = {
        ctx.name(), v.primary().url(), v.primary().name(), v.epoch(), r.getMessage()
      };
      if (loud) {
        LOG.warn(format, args);
      } else {
        LOG.debug(format, args);
      }
      ctx.secondaryState(ctx.copying() ? ReplicaState.Copying : ReplicaState.CatchingUp);
      return false;
    } catch (IOException | RuntimeException e) {
      return copyFailed(v, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } finally {
      snapshotProgressNanos = 0;
      applyLock.unlock();
    }
  }

  /** A copy that failed before completing: once begun, it stays Copying (rule 7). */
  private boolean copyFailed(ReplicaContext.View v, Exception e) {
    LOG.warn(
        "re-copy of {} from {} failed{}: {}",
        ctx.name(),
        v.primary().name(),
        ctx.copying() ? " (stays Copying)" : "",
        e.toString());
    ctx.secondaryState(ctx.copying() ? ReplicaState.Copying : ReplicaState.CatchingUp);
    return false;
  }

  /**
   * What this replica held before its current re-copy began (its position then, not copying), or
   * null when none is in progress in this process — for {@link Rulebook#reportedCopyState}.
   */
  public io.shardeddb.shardserver.replication.rules.CopyState heldBeforeCopy() {
    return ctx.copying() ? heldBeforeCopy : null;
  }

  /** Notes the arrival of a snapshot item, for {@link #abandonStalledSnapshot}. */
  private void progress() {
    snapshotProgressNanos = clock.nanos();
  }

  private void abandonIf(long gen) throws InterruptedException {
    if (abandoned(gen)) {
      throw new InterruptedException("role changed during the re-copy");
    }
  }

  @PreDestroy
  @Override
  public void close() {
    closed = true;
    if (worker instanceof ExecutorService es) {
      es.shutdownNow();
    }
  }
}
