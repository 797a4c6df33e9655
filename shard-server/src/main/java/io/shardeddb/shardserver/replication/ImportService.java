package io.shardeddb.shardserver.replication;

import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import io.shardeddb.protocol.InvalidRequestException;
import io.shardeddb.protocol.shard.Heartbeat;
import io.shardeddb.protocol.shard.ImportProgress;
import io.shardeddb.protocol.shard.ImportRequest;
import io.shardeddb.protocol.shard.ImportState;
import io.shardeddb.protocol.shard.LogEntry;
import io.shardeddb.protocol.shard.LogResponse;
import io.shardeddb.protocol.shard.Operation;
import io.shardeddb.protocol.topology.PointRange;
import io.shardeddb.protocol.topology.Role;
import io.shardeddb.shardserver.ShardException;
import io.shardeddb.shardserver.config.ReplicationSettings;
import io.shardeddb.shardserver.replication.rules.ImportRules;
import io.shardeddb.shardserver.replication.rules.ImportRules.SourceReplica;
import io.shardeddb.shardserver.replication.rules.RangeRules;
import io.shardeddb.shardserver.storage.ShardConfig;
import io.shardeddb.shardserver.storage.ShardStore;
import io.shardeddb.shardserver.storage.UserTable;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The destination primary's side of a move (docs/resharding.md): one background worker per import
 * that purges the range here, copies the source primary's snapshot of it, then applies the source's
 * log filtered to it — every change through this shard's own log and write quorum — and starts over
 * whenever the source's epoch changes or its log no longer holds the next entry. Every call to the
 * source has a deadline (rule 10); the worker ends when stopped or when this replica stops being
 * primary (a new primary has no import: the operator re-sends it).
 */
@Singleton
public class ImportService implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ImportService.class);
  private static final int CHUNK_ROWS = 256;
  private static final Argument<Map<String, Object>> ROW =
      Argument.mapOf(String.class, Object.class);

  /** Thrown inside the worker when the source changed under it: drop everything, copy anew. */
  private static final class StartOver extends Exception {
    StartOver(String why) {
      super(why, null, false, false);
    }
  }

  private final ReplicaContext ctx;
  private final WriteCoordinator coordinator;
  private final PeerClient client;
  private final ShardStore store;
  private final ReplicationSettings settings;
  private final JsonMapper json;
  private ImportRequest request;
  private Thread worker;
  private Run current;

  /**
   * One started import. Its worker queues changes and publishes progress only while holding this
   * object's monitor and not stopped, so once {@link #stop} has returned no change of it can be
   * queued any more (changes queued before are ordered before anything queued after, such as the
   * adopt), and a worker that outlives its join cannot touch a later import.
   */
  private static final class Run {
    final ImportRequest req;
    volatile boolean stopped;

    Run(ImportRequest req) {
      this.req = req;
    }
  }

  public ImportService(
      ReplicaContext ctx,
      WriteCoordinator coordinator,
      PeerClient client,
      ShardStore store,
      ReplicationSettings settings,
      JsonMapper json) {
    this.ctx = ctx;
    this.coordinator = coordinator;
    this.client = client;
    this.store = store;
    this.settings = settings;
    this.json = json;
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
    if (req.equals(request)
        && worker != null
        && worker.isAlive()
        && now != null
        && now.state() != ImportState.Failed
        && now.state() != ImportState.Stopped) {
      return now;
    }
    stopWorker();
    request = req;
    Run run = new Run(req);
    this.current = run;
    ctx.importing(progress(req, ImportState.Copying, 0, 0, 0, "starting"));
    worker =
        Thread.ofPlatform()
            .daemon()
            .name("import-" + req.moveId() + "-" + ctx.name())
            .start(() -> run(run));
    return ctx.importing();
  }

  /** The current import's progress, or null. */
  public ImportProgress get() {
    return ctx.importing();
  }

  /** Stops the import of {@code moveId} (a no-op for another or no import). */
  public synchronized ImportProgress stop(String moveId) {
    ImportProgress p = ctx.importing();
    if (request == null || !request.moveId().equals(moveId)) {
      return p;
    }
    stopWorker();
    p = ctx.importing();
    ImportProgress done =
        p == null
            ? progress(request, ImportState.Stopped, 0, 0, 0, "stopped")
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

  private void stopWorker() {
    Run r = current;
    if (r != null) {
      synchronized (r) {
        r.stopped = true;
      }
    }
    Thread w = worker;
    if (w != null) {
      w.interrupt();
      try {
        w.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    worker = null;
  }

  private void run(Run run) {
    ImportRequest req = run.req;
    long pause = Math.max(50, settings.pollInterval().toMillis());
    while (!run.stopped) {
      try {
        if (ctx.view().role() != Role.Primary) {
          report(run, ImportState.Failed, "this replica is no longer primary");
          return;
        }
        Optional<SourceReplica> source = findSource(req);
        if (source.isEmpty()) {
          report(run, null, "no primary of " + req.sourceShard() + " answers; retrying");
          Thread.sleep(pause);
          continue;
        }
        copyThenFollow(run, source.get(), pause);
      } catch (StartOver e) {
        LOG.info("import {} on {} starts over: {}", req.moveId(), ctx.name(), e.getMessage());
      } catch (InterruptedException e) {
        return;
      } catch (ShardException e) {
        if (e.status() == 409 && ctx.view().role() != Role.Primary) {
          report(run, ImportState.Failed, "this replica is no longer primary: " + e.getMessage());
          return;
        }
        report(run, null, "retrying after: " + e.getMessage());
        sleepQuietly(pause);
      } catch (IOException | RuntimeException e) {
        report(run, null, "retrying after: " + e);
        sleepQuietly(pause);
      }
    }
  }

  /** One attempt from empty: purge here, copy the snapshot, then follow the log until stopped. */
  private void copyThenFollow(Run run, SourceReplica src, long pause)
      throws StartOver, IOException, InterruptedException {
    ImportRequest req = run.req;
    UserTable table = ctx.requireTable();
    PointRange range = req.range();
    publish(run, progress(req, ImportState.Copying, 0, src.epoch(), 0, "purging the range here"));
    // Start from empty: whatever an earlier attempt imported may belong to another history.
    // Refused (409) once the range is owned here: a late worker can never purge adopted rows.
    coordinator.await(enqueue(run, ClientChange.range(Operation.Purge, range, req.moveId())));
    long copied = 0;
    long snapshotLsn;
    try (Stream<String> lines = client.rangeSnapshot(src.url(), range)) {
      Iterator<String> it = lines.iterator();
      if (!it.hasNext()) {
        throw new IOException("empty snapshot from " + src.url());
      }
      SnapshotHeader header = json.readValue(it.next(), SnapshotHeader.class);
      snapshotLsn = header.lsn();
      List<Map<String, Object>> chunk = new ArrayList<>();
      while (it.hasNext() && copied + chunk.size() < header.rows()) {
        checkStopped(run);
        String line = it.next();
        if (line.isBlank()) {
          continue;
        }
        chunk.add(table.schema().coerceRow(json.readValue(line, ROW)));
        if (chunk.size() >= CHUNK_ROWS) {
          copied +=
              apply(run, ClientChange.imported(Operation.Write, chunk, null, null), chunk.size());
          chunk = new ArrayList<>();
          publish(
              run,
              progress(req, ImportState.Copying, copied, src.epoch(), 0, "copying the snapshot"));
        }
      }
      if (!chunk.isEmpty()) {
        copied +=
            apply(run, ClientChange.imported(Operation.Write, chunk, null, null), chunk.size());
      }
      if (copied != header.rows()) {
        throw new IOException("snapshot ended after " + copied + " of " + header.rows() + " rows");
      }
    }
    handOverOutcomes(run, src, table, range, snapshotLsn);
    requireSameSource(req, src);
    long applied = snapshotLsn;
    publish(
        run,
        progress(req, ImportState.CatchingUp, copied, src.epoch(), applied, "following the log"));
    while (!run.stopped) {
      LogResponse page;
      try {
        page = client.rangeLog(src.url(), applied + 1, range, settings.logPageSize());
      } catch (PeerRefusal r) {
        if (r.status() == 410) {
          throw new StartOver("the source's log no longer holds lsn " + (applied + 1));
        }
        throw new StartOver("the source refused its log: " + r.getMessage());
      }
      List<LogEntry> entries = page.entries() == null ? List.of() : page.entries();
      // The page is the source's history only if the same primary of the same epoch still answers.
      requireSameSource(req, src);
      List<CompletableFuture<WriteCoordinator.Acked>> pending = new ArrayList<>();
      long last = applied;
      Set<String> recorded = recordedHere(entries);
      for (LogEntry e : entries) {
        if (e.lsn() != last + 1) {
          break;
        }
        last = e.lsn();
        ClientChange change = changeOf(table, e, recorded);
        if (change != null) {
          pending.add(enqueue(run, change));
        }
      }
      for (CompletableFuture<WriteCoordinator.Acked> f : pending) {
        coordinator.await(f);
      }
      applied = last;
      publish(
          run,
          progress(req, ImportState.CatchingUp, copied, src.epoch(), applied, "following the log"));
      if (entries.isEmpty()) {
        Thread.sleep(pause);
      }
    }
  }

  /**
   * Hands the moved range's request outcomes over (DESIGN §5 rule 13): each change of the range
   * that the source logged with a request id up to the snapshot is recorded here as well, by an
   * imported update of its key that sets nothing (no row changes, the snapshot already holds the
   * change's effect) but carries that id through this shard's log and quorum. A retry that reaches
   * this shard after the cut-over then gets its original outcome (rule 8) instead of being applied
   * a second time. The source keeps an id only while its log holds the entry (its retention
   * window); later changes carry their ids through the catch-up. Refusals (404, 409) write no entry
   * and are not handed over.
   */
  private void handOverOutcomes(
      Run run, SourceReplica src, UserTable table, PointRange range, long upTo)
      throws StartOver, IOException, InterruptedException {
    String keyName = table.schema().shardKey();
    long from = 0; // the source's first retained entry
    while (true) {
      LogResponse page;
      try {
        page = client.rangeLog(src.url(), from, range, settings.logPageSize());
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
        Long key =
            switch (e.op()) {
              case Write -> RangeRules.keyOf(e.rows().get(0).get(keyName));
              case Update, Delete -> e.key();
              default -> null;
            };
        if (key != null && e.requestId() != null && !recorded.contains(e.requestId())) {
          pending.add(
              enqueue(
                  run,
                  ClientChange.imported(
                      Operation.Update, List.of(Map.of(keyName, key)), key, e.requestId())));
        }
      }
      for (CompletableFuture<WriteCoordinator.Acked> f : pending) {
        coordinator.await(f);
      }
      if (last < 0 || last >= upTo) {
        return;
      }
      from = last + 1;
    }
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
    return store.recordedAmong(ids);
  }

  /**
   * The change a filtered source entry makes here, or null for a no-op; it keeps the source's
   * request id unless {@code recorded} holds it already.
   */
  private static ClientChange changeOf(UserTable table, LogEntry e, Set<String> recorded) {
    String rid = e.requestId() == null || recorded.contains(e.requestId()) ? null : e.requestId();
    return switch (e.op()) {
      case Write ->
          ClientChange.imported(
              Operation.Write,
              e.rows().stream().map(r -> table.schema().coerceRow(r)).toList(),
              null,
              rid);
      case Update ->
          ClientChange.imported(
              Operation.Update,
              List.of(table.schema().coercePartialRow(e.rows().get(0))),
              e.key(),
              rid);
      case Delete -> ClientChange.imported(Operation.Delete, null, e.key(), rid);
      default -> null;
    };
  }

  private long apply(Run run, ClientChange change, int rows) throws InterruptedException {
    coordinator.await(enqueue(run, change));
    return rows;
  }

  /** Queues {@code change} unless {@code run} was stopped (see {@link Run}). */
  private CompletableFuture<WriteCoordinator.Acked> enqueue(Run run, ClientChange change)
      throws InterruptedException {
    synchronized (run) {
      checkStopped(run);
      return coordinator.enqueue(change);
    }
  }

  /** Publishes progress unless {@code run} was stopped (a stopped import keeps "Stopped"). */
  private void publish(Run run, ImportProgress progress) {
    synchronized (run) {
      if (!run.stopped) {
        ctx.importing(progress);
      }
    }
  }

  private static void checkStopped(Run run) throws InterruptedException {
    if (run.stopped || Thread.currentThread().isInterrupted()) {
      throw new InterruptedException("import stopped");
    }
  }

  private void requireSameSource(ImportRequest req, SourceReplica src)
      throws StartOver, InterruptedException {
    Optional<SourceReplica> now = findSource(req);
    if (now.isEmpty()) {
      throw new StartOver("no primary of " + req.sourceShard() + " answers");
    }
    if (!now.get().url().equals(src.url()) || now.get().epoch() != src.epoch()) {
      throw new StartOver(
          "the source's primary changed from epoch " + src.epoch() + " to " + now.get().epoch());
    }
  }

  /** Asks every source replica (each call with its deadline) who leads, and picks by the rules. */
  private Optional<SourceReplica> findSource(ImportRequest req) throws InterruptedException {
    List<SourceReplica> answers = new ArrayList<>();
    for (String url : req.sourceUrls()) {
      try {
        Heartbeat hb = client.heartbeat(url);
        if (req.sourceShard() != null && !req.sourceShard().equals(hb.shard())) {
          continue;
        }
        answers.add(new SourceReplica(url, hb.role(), hb.epoch(), hb.state()));
      } catch (IOException | RuntimeException e) {
        LOG.debug("source replica {} did not answer: {}", url, e.toString());
      }
    }
    return ImportRules.sourcePrimary(answers);
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

  private static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @PreDestroy
  @Override
  public synchronized void close() {
    stopWorker();
  }
}
