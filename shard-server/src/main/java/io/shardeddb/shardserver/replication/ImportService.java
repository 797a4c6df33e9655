package io.shardeddb.shardserver.replication;

import io.shardeddb.protocol.InvalidRequestException;
import io.shardeddb.protocol.schema.TableSchema;
import io.shardeddb.protocol.shard.Heartbeat;
import io.shardeddb.protocol.shard.ImportProgress;
import io.shardeddb.protocol.shard.ImportRequest;
import io.shardeddb.protocol.shard.ImportSource;
import io.shardeddb.protocol.shard.ImportState;
import io.shardeddb.protocol.shard.LogEntry;
import io.shardeddb.protocol.shard.LogResponse;
import io.shardeddb.protocol.shard.Operation;
import io.shardeddb.protocol.shard.RowTables;
import io.shardeddb.protocol.shard.RowTimestamps;
import io.shardeddb.protocol.topology.PointRange;
import io.shardeddb.protocol.topology.Role;
import io.shardeddb.shardserver.ShardException;
import io.shardeddb.shardserver.config.ReplicationSettings;
import io.shardeddb.shardserver.replication.rules.ImportRules.SourceReplica;
import io.shardeddb.shardserver.replication.rules.RangeRules;
import io.shardeddb.shardserver.replication.rules.Rulebook;
import io.shardeddb.shardserver.replication.write.LogOps;
import io.shardeddb.shardserver.storage.ShardConfig;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The destination primary's side of a move (docs/resharding.md): one import at a time that purges
 * the range here, copies the source primary's snapshot of it, then applies the source's log
 * filtered to it — every change through this shard's own log and write quorum — and starts over
 * whenever the source's epoch changes or its log no longer holds the next entry. Every call to the
 * source has a deadline (rule 10); the import ends when stopped or when this replica stops being
 * primary (a new primary has no import: the operator re-sends it).
 *
 * <p>It runs over the replica's seams so that the simulator runs this same class: the source
 * through {@link SourceTransport}, storage through {@link ReplicaStore}, time and threads through
 * {@link ReplicaClock}. The import is a chain of short steps on the clock's background executor
 * (each may block on one call to the source); it never blocks a thread on its own writes: a step
 * queues changes and the next step runs once the write quorum acknowledged them, and pauses are the
 * clock's timers.
 *
 * <p>Why this file is over 450 lines: the import is one chain of steps (find the source, purge,
 * copy, hand over request outcomes, follow) whose ends — start over, pause, stop — decide whether a
 * row or a request id from another history can stay (rule 13), and that is only checkable with the
 * whole chain in view; the decisions it asks are apart ({@code ImportRules}, {@code RangeRules}).
 */
@Singleton
public class ImportService implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ImportService.class);
  private static final int CHUNK_ROWS = 256;

  /** The source changed under the attempt: drop everything, copy anew (at once). */
  private static final class StartOver extends Exception {
    StartOver(String why) {
      super(why, null, false, false);
    }
  }

  /** The import was stopped, or ended for good (already reported): nothing follows. */
  private static final class Stopped extends Exception {
    Stopped() {
      super("import stopped", null, false, false);
    }
  }

  /** Nothing to do yet (reported): try again after a poll interval. */
  private static final class Pause extends Exception {
    Pause() {
      super("pause", null, false, false);
    }
  }

  /** One step of an attempt; it may block on one call to the source. */
  @FunctionalInterface
  private interface Step {
    void run() throws Exception;
  }

  private final ReplicaContext ctx;
  private final WriteCoordinator coordinator;
  private final SourceTransport source;
  private final ReplicaStore store;
  private final ReplicationSettings settings;
  private final ReplicaClock clock;
  private final Rulebook rules;
  private final Executor worker;
  private Run current;

  /**
   * One started import. Its steps queue changes and publish progress only while holding this
   * object's monitor and not stopped, so once {@link #stop} has returned no change of it can be
   * queued any more (changes queued before are ordered before anything queued after, such as the
   * adopt), and a step that runs late cannot touch a later import.
   */
  private static final class Run {
    final ImportRequest req;

    /**
     * The epoch this replica was primary in when the import started: the import is of that term and
     * ends with it ({@link #checkStopped}).
     */
    final long epoch;

    volatile boolean stopped;
    volatile boolean ended;

    /** Why the last attempt ended without reaching the catch-up (shown until one reaches it). */
    volatile String lastFailure;

    private Thread stepThread;

    Run(ImportRequest req, long epoch) {
      this.req = req;
      this.epoch = epoch;
    }

    /** A step begins on the calling thread; false once stopped. */
    synchronized boolean enter() {
      if (stopped) {
        return false;
      }
      stepThread = Thread.currentThread();
      return true;
    }

    /** The step ended; an interrupt meant for it does not leak into the thread's next task. */
    synchronized void leave() {
      if (stepThread == Thread.currentThread()) {
        stepThread = null;
        Thread.interrupted();
      }
    }

    /** Stops it; a step blocked in a call to the source is interrupted (rule 10). */
    synchronized void stop() {
      stopped = true;
      if (stepThread != null && stepThread != Thread.currentThread()) {
        stepThread.interrupt();
      }
    }
  }

  /** One attempt from empty against one source primary; it ends with the reason it ended. */
  private final class Attempt {
    final Run run;
    final CompletableFuture<Void> ended = new CompletableFuture<>();
    SourceReplica src;
    long copied;
    long applied;

    /**
     * A snapshot row read past the end of a chunk because it is of another table than the chunk's
     * (a chunk's rows are of one table: one imported write), the next chunk's first.
     */
    Map<String, Object> carried;

    Attempt(Run run) {
      this.run = run;
    }

    void end(Throwable why) {
      ended.completeExceptionally(why);
    }
  }

  public ImportService(
      ReplicaContext ctx,
      WriteCoordinator coordinator,
      SourceTransport source,
      ReplicaStore store,
      ReplicationSettings settings,
      ReplicaClock clock,
      Rulebook rules) {
    this.ctx = ctx;
    this.coordinator = coordinator;
    this.source = source;
    this.store = store;
    this.settings = settings;
    this.clock = clock;
    this.rules = rules;
    this.worker = clock.background("import-" + ctx.name());
  }

  /** Starts {@code req}; the same request again is a no-op, another one replaces the current. */
  public synchronized ImportProgress start(ImportRequest req) {
    if (req == null || req.moveId() == null || req.moveId().isBlank()) {
      throw new InvalidRequestException("missing field 'moveId'");
    }
    if (req.range() == null) {
      throw new InvalidRequestException("missing field 'range' ({\"low\":..,\"size\":..})");
    }
    if (req.sourceUrls() == null || req.sourceUrls().isEmpty()) {
      throw new InvalidRequestException("missing field 'sourceUrls' (the source's replicas)");
    }
    ShardConfig config = ctx.requireConfig();
    ctx.requirePrimary();
    List<PointRange> owned = config.ownedRanges();
    String refusal =
        owned == null ? "it owns every key" : RangeRules.purgeRefusal(owned, req.range());
    if (refusal != null) {
      throw ShardException.conflict(
          "shard " + config.shardId() + " cannot import a range it owns: " + refusal);
    }
    ImportProgress now = ctx.importing();
    Run running = current;
    if (running != null
        && req.equals(running.req)
        && !running.ended
        && !running.stopped
        && now != null
        && now.state() != ImportState.Failed
        && now.state() != ImportState.Stopped) {
      return now;
    }
    if (running != null) {
      running.stop();
    }
    // Before any call to them: the pod each source address must answer as (TLS).
    source.expectSources(sourceHosts(req));
    Run run = new Run(req, ctx.view().epoch());
    this.current = run;
    ctx.importing(progress(req, ImportState.Copying, 0, 0, 0, "starting"));
    attempt(run);
    return ctx.importing();
  }

  /** The certificate host expected at each source URL the request names (none: unchecked). */
  private static Map<String, String> sourceHosts(ImportRequest req) {
    Map<String, String> hosts = new HashMap<>();
    if (req.sources() != null) {
      for (ImportSource s : req.sources()) {
        if (s != null && s.url() != null && s.host() != null && !s.host().isBlank()) {
          hosts.put(s.url(), s.host());
        }
      }
    }
    return hosts;
  }

  /** The current import's progress, or null. */
  public ImportProgress get() {
    return ctx.importing();
  }

  /** Stops the import of {@code moveId} (a no-op for another or no import). */
  public synchronized ImportProgress stop(String moveId) {
    ImportProgress p = ctx.importing();
    Run run = current;
    if (run == null || !run.req.moveId().equals(moveId)) {
      return p;
    }
    run.stop();
    p = ctx.importing();
    ImportProgress done =
        p == null
            ? progress(run.req, ImportState.Stopped, 0, 0, 0, "stopped")
            : new ImportProgress(
                p.moveId(),
                ImportState.Stopped,
                p.rowsCopied(),
                p.sourceEpoch(),
                p.sourceLsn(),
                "stopped");
    ctx.importing(done);
    return done;
  }

  // --- the steps ------------------------------------------------------------------------------

  /**
   * Starts one attempt of {@code run}; when it ends, {@link #afterAttempt} decides what follows.
   */
  private void attempt(Run run) {
    Attempt a = new Attempt(run);
    a.ended.whenComplete((v, err) -> afterAttempt(run, unwrap(err)));
    step(a, () -> begin(a));
  }

  /** Runs {@code next} of {@code a} on the background executor; a failure ends the attempt. */
  private void step(Attempt a, Step next) {
    try {
      worker.execute(
          () -> {
            if (!a.run.enter()) {
              a.end(new Stopped());
              return;
            }
            try {
              next.run();
            } catch (Throwable e) {
              a.end(e);
            } finally {
              a.run.leave();
            }
          });
    } catch (RuntimeException e) {
      a.end(e);
    }
  }

  /** Runs {@code next} once {@code f} succeeded; its failure ends the attempt. */
  private void after(Attempt a, CompletableFuture<?> f, Step next) {
    f.whenComplete(
        (v, err) -> {
          if (err != null) {
            a.end(err);
          } else {
            step(a, next);
          }
        });
  }

  /** Runs {@code next} {@code millis} from now (a pause on the clock's timer, no thread held). */
  private void sleep(Attempt a, long millis, Step next) {
    clock.schedule(millis, () -> step(a, next));
  }

  private long pause() {
    return Math.max(50, settings.pollInterval().toMillis());
  }

  /** What follows an attempt that ended with {@code why}. */
  private void afterAttempt(Run run, Throwable why) {
    if (run.stopped || why instanceof Stopped || why instanceof InterruptedException) {
      run.ended = true;
      return;
    }
    switch (why) {
      case StartOver s -> {
        LOG.info("import {} on {} starts over: {}", run.req.moveId(), ctx.name(), s.getMessage());
        attempt(run);
        return;
      }
      case Pause p -> {}
      case ShardException e -> {
        if (e.status() == 409 && ctx.view().role() != Role.Primary) {
          report(run, ImportState.Failed, "this replica is no longer primary: " + e.getMessage());
          run.ended = true;
          return;
        }
        run.lastFailure = e.getMessage();
        report(run, null, "retrying after: " + e.getMessage());
      }
      default -> {
        run.lastFailure = String.valueOf(why.getMessage() == null ? why : why.getMessage());
        report(run, null, "retrying after: " + run.lastFailure);
      }
    }
    clock.schedule(
        pause(),
        () -> {
          if (run.stopped) {
            run.ended = true;
          } else {
            attempt(run);
          }
        });
  }

  private static Throwable unwrap(Throwable e) {
    Throwable t = e;
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  /** Finds the source's primary, then purges here (start from empty) and copies its snapshot. */
  private void begin(Attempt a) throws Exception {
    Run run = a.run;
    ImportRequest req = run.req;
    if (ctx.view().role() != Role.Primary) {
      report(run, ImportState.Failed, "this replica is no longer primary");
      throw new Stopped();
    }
    Optional<SourceReplica> found = findSource(req);
    if (found.isEmpty()) {
      report(run, null, "no primary of " + req.sourceShard() + " answers; retrying");
      throw new Pause();
    }
    a.src = found.get();
    publish(
        run,
        progress(
            req,
            ImportState.Copying,
            0,
            a.src.epoch(),
            0,
            "purging the range here"
                + (run.lastFailure == null
                    ? ""
                    : " (the last attempt ended: " + run.lastFailure + ")")));
    // Start from empty: whatever an earlier attempt imported may belong to another history.
    // Refused (409) once the range is owned here: a late step can never purge adopted rows.
    after(
        a,
        acked(enqueue(run, ClientChange.range(Operation.Purge, req.range(), req.moveId()))),
        () -> openSnapshot(a));
  }

  private void openSnapshot(Attempt a) throws Exception {
    SnapshotStream snap =
        source.rangeSnapshot(a.src.url(), a.src.name(), a.src.epoch(), a.run.req.range());
    SnapshotHeader header;
    try {
      header = snap.header();
    } catch (IOException | RuntimeException e) {
      snap.close();
      throw e;
    }
    a.ended.whenComplete((v, err) -> snap.close());
    a.copied = 0;
    copyChunk(a, snap, header);
  }

  /** Copies the next chunk of the snapshot through this shard's log, then the next, ... */
  private void copyChunk(Attempt a, SnapshotStream snap, SnapshotHeader header) throws Exception {
    Run run = a.run;
    List<Map<String, Object>> chunk = new ArrayList<>();
    // The chunk's table (null: the first), which its rows all are of (rows of the database's
    // tables come one table after the other in a snapshot).
    String table = null;
    while (a.copied + chunk.size() < header.rows() && chunk.size() < CHUNK_ROWS) {
      checkStopped(run);
      Map<String, Object> row = a.carried != null ? a.carried : snap.nextRow();
      a.carried = null;
      if (row == null) {
        break;
      }
      Map<String, Object> coerced = ctx.requireConfig().coerceSnapshotRow(row);
      if (!chunk.isEmpty() && !java.util.Objects.equals(RowTables.of(coerced), table)) {
        a.carried = row;
        break;
      }
      table = RowTables.of(coerced);
      chunk.add(RowTables.without(coerced));
    }
    if (chunk.isEmpty()) {
      snap.close();
      if (!rules.copyComplete(a.copied, header.rows())) {
        throw new IOException(
            "snapshot ended after " + a.copied + " of " + header.rows() + " rows");
      }
      if (rules.handsOverOutcomes()) {
        handOverOutcomes(a, 0, header.lsn());
      } else {
        startFollowing(a, header.lsn());
      }
      return;
    }
    boolean full = chunk.size() >= CHUNK_ROWS || a.carried != null;
    long copiedNow = a.copied + chunk.size();
    after(
        a,
        acked(
            enqueue(run, ClientChange.imported(Operation.Write, chunk, null, null).ofTable(table))),
        () -> {
          a.copied = copiedNow;
          if (full) {
            publish(
                run,
                progress(
                    run.req,
                    ImportState.Copying,
                    a.copied,
                    a.src.epoch(),
                    0,
                    "copying the snapshot"));
          }
          copyChunk(a, snap, header);
        });
  }

  /**
   * Hands the moved range's request outcomes over (DESIGN §5 rule 13): each change of the range
   * that the source logged with a request id up to the snapshot is recorded here as well, by an
   * imported update of its key that sets nothing (no row changes, the snapshot already holds the
   * change's effect) but carries that id through this shard's log and quorum. A retry that reaches
   * this shard after the cut-over then gets its original outcome (rule 8) instead of being applied
   * a second time. The source keeps an id only while its log holds the entry (its retention
   * window); later changes carry their ids through the catch-up. Refusals (404, 409) write no entry
   * and are not handed over. One page per step, from {@code from} (0: the source's first retained
   * entry); then the catch-up follows from {@code upTo}.
   */
  private void handOverOutcomes(Attempt a, long from, long upTo) throws Exception {
    Run run = a.run;
    LogResponse page;
    try {
      page =
          source.rangeLog(
              a.src.url(),
              a.src.name(),
              a.src.epoch(),
              from,
              run.req.range(),
              settings.logPageSize());
    } catch (PeerRefusal r) {
      throw new StartOver("the source refused its log: " + r.getMessage());
    }
    List<LogEntry> entries = page.entries() == null ? List.of() : page.entries();
    List<CompletableFuture<WriteCoordinator.Acked>> pending = new ArrayList<>();
    Set<String> recorded = recordedHere(entries);
    long last = -1;
    for (LogEntry e : entries) {
      if (e.lsn() > upTo) {
        break;
      }
      last = e.lsn();
      // The entry's own table (each table has its shard key; one the shard lacks by now —
      // dropped after the entry — has no rows to answer a retry from, so nothing to hand over);
      // a transaction's outcome is handed over on its first step's row, in that step's table.
      String ownTable =
          e.op() == Operation.Txn
              ? io.shardeddb.protocol.shard.TxnStep.ofPayload(e.rows()).get(0).table()
              : e.table();
      TableSchema table = ctx.requireConfig().tableOrNull(ownTable);
      String keyName = table == null ? null : table.shardKey();
      Object key =
          keyName == null
              ? null
              : switch (e.op()) {
                case Write -> table.keyOf(e.rows().get(0));
                case Update, Delete -> e.key();
                case Txn ->
                    io.shardeddb.protocol.shard.TxnStep.ofPayload(e.rows()).get(0).keyIn(table);
                default -> null;
              };
      if (key != null && e.requestId() != null && !recorded.contains(e.requestId())) {
        pending.add(
            enqueue(
                run,
                ClientChange.imported(
                        Operation.Update, List.of(table.keyRow(key)), key, e.requestId())
                    .ofTable(ownTable)));
      }
    }
    long lastSeen = last;
    after(
        a,
        allAcked(pending),
        () -> {
          if (lastSeen < 0 || lastSeen >= upTo) {
            startFollowing(a, upTo);
          } else {
            handOverOutcomes(a, lastSeen + 1, upTo);
          }
        });
  }

  private void startFollowing(Attempt a, long snapshotLsn) throws Exception {
    requireSameSource(a.run.req, a.src);
    a.applied = snapshotLsn;
    a.run.lastFailure = null;
    publish(
        a.run,
        progress(
            a.run.req,
            ImportState.CatchingUp,
            a.copied,
            a.src.epoch(),
            a.applied,
            "following the log"));
    follow(a);
  }

  /** Applies the source's next page of the range's log here, then the next, until stopped. */
  private void follow(Attempt a) throws Exception {
    Run run = a.run;
    ImportRequest req = run.req;
    checkStopped(run);
    LogResponse page;
    try {
      page =
          source.rangeLog(
              a.src.url(),
              a.src.name(),
              a.src.epoch(),
              a.applied + 1,
              req.range(),
              settings.logPageSize());
    } catch (PeerRefusal r) {
      if (r.status() == 410) {
        throw new StartOver("the source's log no longer holds lsn " + (a.applied + 1));
      }
      throw new StartOver("the source refused its log: " + r.getMessage());
    }
    List<LogEntry> entries = page.entries() == null ? List.of() : page.entries();
    // The page is the source's history only if the same primary of the same epoch still answers.
    requireSameSource(req, a.src);
    List<CompletableFuture<WriteCoordinator.Acked>> pending = new ArrayList<>();
    long last = a.applied;
    Set<String> recorded = recordedHere(entries);
    for (LogEntry e : entries) {
      if (e.lsn() != last + 1) {
        break;
      }
      last = e.lsn();
      ClientChange change = changeOf(ctx.requireConfig(), e, recorded);
      if (change != null) {
        pending.add(enqueue(run, change));
      }
    }
    long appliedNow = last;
    after(
        a,
        allAcked(pending),
        () -> {
          a.applied = appliedNow;
          publish(
              run,
              progress(
                  req,
                  ImportState.CatchingUp,
                  a.copied,
                  a.src.epoch(),
                  a.applied,
                  "following the log"));
          if (entries.isEmpty()) {
            sleep(a, pause(), () -> follow(a));
          } else {
            follow(a);
          }
        });
  }

  /**
   * The request ids of {@code entries} already recorded here: by an earlier attempt of this import
   * (a request id names one log entry, so its outcome is recorded once; a later attempt copies the
   * same committed change again without it) or by an earlier move of the range.
   */
  private Set<String> recordedHere(List<LogEntry> entries) {
    List<String> ids = new ArrayList<>();
    for (LogEntry e : entries) {
      if (e.requestId() != null) {
        ids.add(e.requestId());
      }
    }
    return ids.isEmpty() ? Set.of() : store.recordedAmong(ids);
  }

  /**
   * The change a filtered source entry makes here, or null for a no-op; it keeps the source's
   * request id unless {@code recorded} holds it already.
   */
  private static ClientChange changeOf(ShardConfig config, LogEntry e, Set<String> recorded) {
    String rid = e.requestId() == null || recorded.contains(e.requestId()) ? null : e.requestId();
    TableSchema schema = config.table(e.table());
    ClientChange change =
        switch (e.op()) {
          case Write ->
              ClientChange.imported(
                  Operation.Write,
                  e.rows().stream().map(r -> sourceStamped(r, e, schema::coerceRow)).toList(),
                  null,
                  rid);
          case Update ->
              ClientChange.imported(
                  Operation.Update,
                  List.of(sourceStamped(e.rows().get(0), e, schema::coercePartialRow)),
                  e.key(),
                  rid);
          case Delete -> ClientChange.imported(Operation.Delete, null, e.key(), rid);
          case Txn ->
              ClientChange.imported(
                  Operation.Txn,
                  io.shardeddb.protocol.shard.TxnStep.payload(
                      LogOps.coerced(
                              io.shardeddb.protocol.shard.TxnStep.ofPayload(e.rows()), config)
                          .stream()
                          .map(t -> t.mapRow(r -> sourceStamped(r, e, x -> x)))
                          .toList()),
                  null,
                  rid);
          default -> null;
        };
    return change == null ? null : change.ofTable(e.table());
  }

  /**
   * {@code row} of the source's entry {@code e}, {@code coerce}d, carrying the global timestamp the
   * source's copy of it has (docs/timestamps.md, "Rows"): its own when it carries one (the source
   * imported it too), else the entry's; none from a source without timestamps (then the row takes
   * this shard's entry's).
   */
  private static Map<String, Object> sourceStamped(
      Map<String, Object> row, LogEntry e, UnaryOperator<Map<String, Object>> coerce) {
    long ts = RowTimestamps.of(row, e.timestamp());
    Map<String, Object> coerced = coerce.apply(RowTimestamps.without(row));
    return ts > 0 ? RowTimestamps.with(coerced, ts) : coerced;
  }

  /** Queues {@code change} unless {@code run} was stopped (see {@link Run}). */
  private CompletableFuture<WriteCoordinator.Acked> enqueue(Run run, ClientChange change)
      throws Stopped {
    synchronized (run) {
      checkStopped(run);
      return coordinator.enqueue(change);
    }
  }

  /**
   * {@code f}, failed with a 503 unless acknowledged within the bound {@link
   * WriteCoordinator#await} has (the write quorum's own timeout ends it sooner).
   */
  private CompletableFuture<WriteCoordinator.Acked> acked(
      CompletableFuture<WriteCoordinator.Acked> f) {
    if (f.isDone()) {
      return f;
    }
    long wait = settings.quorumTimeout().toMillis() * 2 + 5000;
    CompletableFuture<WriteCoordinator.Acked> out = new CompletableFuture<>();
    ReplicaClock.Scheduled timer =
        clock.schedule(
            wait,
            () ->
                out.completeExceptionally(
                    ShardException.unavailable(
                        "write not acknowledged within "
                            + wait
                            + " ms; it is not reported as applied")));
    f.whenComplete(
        (v, err) -> {
          timer.cancel();
          if (err != null) {
            out.completeExceptionally(unwrap(err));
          } else {
            out.complete(v);
          }
        });
    return out;
  }

  private CompletableFuture<Void> allAcked(List<CompletableFuture<WriteCoordinator.Acked>> fs) {
    return CompletableFuture.allOf(fs.stream().map(this::acked).toArray(CompletableFuture[]::new));
  }

  /** Publishes progress unless {@code run} was stopped (a stopped import keeps "Stopped"). */
  private void publish(Run run, ImportProgress progress) {
    synchronized (run) {
      if (!run.stopped) {
        ctx.importing(progress);
      }
    }
  }

  /**
   * Ends the step when the import was stopped, or when this replica's term it started in is over:
   * no longer primary, or primary of a later epoch. An import lives in its primary's memory; one
   * that outlived its term resumed when the replica was elected again later and kept copying the
   * source's writes to the range after the move was done and the range had moved back — rows on a
   * shard that does not own them (the move simulator, seed 70 with the importer's cheaper
   * leadership check). The resharder starts the import again on the current primary.
   */
  private void checkStopped(Run run) throws Stopped {
    if (run.stopped) {
      throw new Stopped();
    }
    ReplicaContext.View v = ctx.view();
    if (v.role() != Role.Primary || v.epoch() != run.epoch) {
      report(
          run,
          ImportState.Failed,
          "this replica's term of epoch "
              + run.epoch
              + " is over ("
              + v.role()
              + " at epoch "
              + v.epoch()
              + "): an import runs in the term it was started in");
      run.stopped = true;
      throw new Stopped();
    }
  }

  private void requireSameSource(ImportRequest req, SourceReplica src)
      throws StartOver, InterruptedException {
    // The primary read from, asked first and alone: a replica of the source that is down or cut
    // off costs its request deadline each time it is asked, and asked after every page it held
    // the import to a page per deadline -- behind steady writes for good, every cut-over's fence
    // timing out (fault matrix, 2026-11-28). The others are asked when it no longer says it leads.
    if (rules.sourceStillLeads(src, ownHeartbeat(src.url()))) {
      return;
    }
    Optional<SourceReplica> now = findSource(req);
    if (now.isEmpty()) {
      throw new StartOver("no primary of " + req.sourceShard() + " answers");
    }
    if (!now.get().url().equals(src.url()) || now.get().epoch() != src.epoch()) {
      throw new StartOver(
          "the source's primary changed from epoch " + src.epoch() + " to " + now.get().epoch());
    }
  }

  /** The heartbeat of the source replica at {@code url}, or null when it does not answer. */
  private Heartbeat ownHeartbeat(String url) throws InterruptedException {
    try {
      return source.heartbeat(url);
    } catch (IOException | RuntimeException e) {
      LOG.debug("source primary {} did not answer: {}", url, e.toString());
      return null;
    }
  }

  /** Asks every source replica (each call with its deadline) who leads, and picks by the rules. */
  private Optional<SourceReplica> findSource(ImportRequest req) throws InterruptedException {
    List<SourceReplica> answers = new ArrayList<>();
    for (String url : req.sourceUrls()) {
      try {
        Heartbeat hb = source.heartbeat(url);
        if (req.sourceShard() != null && !req.sourceShard().equals(hb.shard())) {
          continue;
        }
        answers.add(new SourceReplica(url, hb.name(), hb.role(), hb.epoch(), hb.state()));
      } catch (IOException | RuntimeException e) {
        LOG.debug("source replica {} did not answer: {}", url, e.toString());
      }
    }
    return rules.sourcePrimary(answers);
  }

  private void report(Run run, ImportState state, String message) {
    ImportProgress p = ctx.importing();
    if (p == null || !p.moveId().equals(run.req.moveId()) || p.state() == ImportState.Stopped) {
      return;
    }
    publish(
        run,
        new ImportProgress(
            p.moveId(),
            state == null ? p.state() : state,
            p.rowsCopied(),
            p.sourceEpoch(),
            p.sourceLsn(),
            message));
  }

  private static ImportProgress progress(
      ImportRequest req, ImportState state, long rows, long epoch, long lsn, String message) {
    return new ImportProgress(req.moveId(), state, rows, epoch, lsn, message);
  }

  @PreDestroy
  @Override
  public synchronized void close() {
    Run run = current;
    if (run != null) {
      run.stop();
    }
  }
}
