package io.shardeddb.shardserver.replication;

import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import io.shardeddb.protocol.shard.CopyProgress;
import io.shardeddb.protocol.shard.LogEntry;
import io.shardeddb.protocol.shard.LogResponse;
import io.shardeddb.protocol.shard.ReplicaState;
import io.shardeddb.protocol.shard.ReplicateRequest;
import io.shardeddb.protocol.shard.ReplicateResponse;
import io.shardeddb.protocol.topology.Role;
import io.shardeddb.shardserver.ShardException;
import io.shardeddb.shardserver.config.ReplicationSettings;
import io.shardeddb.shardserver.storage.ShardStore;
import io.shardeddb.shardserver.storage.UserTable;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The secondary's side of replication: applies {@code /replicate} entries in LSN order, and in the
 * background verifies its log against the primary's, pulls missing entries ({@code GET /log}) and
 * re-copies from a snapshot when it is empty, diverged, or the primary no longer holds the range.
 */
@Singleton
public class SecondarySync implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SecondarySync.class);
  private static final int COPY_CHUNK = 500;
  private static final int MAX_ROUNDS = 10_000;
  private static final Argument<Map<String, Object>> ROW =
      Argument.mapOf(String.class, Object.class);

  private final ReplicaContext ctx;
  private final ShardStore store;
  private final PeerClient client;
  private final ShardConfigService configs;
  private final ReplicationSettings settings;
  private final JsonMapper json;
  private final ReentrantLock applyLock = new ReentrantLock();
  private final AtomicBoolean running = new AtomicBoolean();
  private final ExecutorService worker;
  private final ScheduledExecutorService poller;
  private volatile boolean forceCopy;

  public SecondarySync(
      ReplicaContext ctx,
      ShardStore store,
      PeerClient client,
      ShardConfigService configs,
      ReplicationSettings settings,
      JsonMapper json) {
    this.ctx = ctx;
    this.store = store;
    this.client = client;
    this.configs = configs;
    this.settings = settings;
    this.json = json;
    this.worker =
        Executors.newSingleThreadExecutor(
            Thread.ofPlatform().daemon().name("secondary-sync-" + ctx.name()).factory());
    // Its own timer rather than @Scheduled: a framework-scheduled task that fires while the
    // context closes would re-create this bean and with it the connection pool.
    this.poller =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("secondary-poll-" + ctx.name()).factory());
    long period = Math.max(50, settings.pollInterval().toMillis());
    poller.scheduleWithFixedDelay(this::pollQuietly, period, period, TimeUnit.MILLISECONDS);
  }

  private void pollQuietly() {
    try {
      poll();
    } catch (RuntimeException e) {
      LOG.warn("poll of {} failed: {}", ctx.name(), e.toString());
    }
  }

  /** {@code POST /replicate}: applies consecutive entries from the primary of the epoch. */
  public ReplicateResponse onReplicate(ReplicateRequest req) {
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
    List<LogEntry> entries = req.entries() == null ? List.of() : req.entries();
    if (!entries.isEmpty()) {
      ctx.learnPrimaryLsn(entries.get(entries.size() - 1).lsn());
    }
    if (v.verifiedEpoch() != v.epoch() || ctx.state() == ReplicaState.Copying) {
      trigger();
    } else if (applyInOrder(entries, 200)) {
      markReadyIfCaughtUp();
    } else {
      trigger();
    }
    return new ReplicateResponse(ctx.appliedLsn(), v.epoch(), true, ctx.appliedLsn());
  }

  /** Re-copy from the primary now ({@code POST /resync}). */
  public void resync() {
    forceCopy = true;
    trigger();
  }

  /** Starts a background catch-up unless one is running. */
  public void trigger() {
    if (running.compareAndSet(false, true)) {
      try {
        worker.execute(
            () -> {
              try {
                syncLoop();
              } catch (RuntimeException e) {
                LOG.warn("catch-up of {} failed: {}", ctx.name(), e.toString());
              } finally {
                running.set(false);
              }
            });
      } catch (RuntimeException e) {
        running.set(false);
      }
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

  private void syncLoop() {
    for (int round = 0; round < MAX_ROUNDS; round++) {
      ReplicaContext.View v = ctx.view();
      if (v.role() != Role.Secondary || v.primary() == null) {
        return;
      }
      if (forceCopy || store.loadMeta().copyPending()) {
        forceCopy = false;
        if (!recopy(v)) {
          return;
        }
        continue;
      }
      long applied = ctx.appliedLsn();
      LogResponse page;
      try {
        page =
            client.log(
                v.primary().url(),
                applied + 1,
                ctx.lastEntryEpoch(),
                ctx.name(),
                settings.logPageSize());
      } catch (PeerRefusal r) {
        if (r.status() == 410 || r.status() == 409) {
          LOG.info("{} must re-copy: {}", ctx.name(), r.getMessage());
          if (!recopy(v)) {
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
      ctx.learnPrimaryLsn(page.lastLsn());
      if (ctx.config() == null || (applied == 0 && page.lastLsn() > 0)) {
        if (!recopy(v)) {
          return;
        }
        continue;
      }
      ctx.markVerified(v.epoch());
      List<LogEntry> entries = page.entries() == null ? List.of() : page.entries();
      if (!entries.isEmpty() && !applyInOrder(entries, 5000)) {
        continue;
      }
      if (markReadyIfCaughtUp()) {
        return;
      }
      ctx.secondaryState(ReplicaState.CatchingUp);
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

  /** Applies the entries after the applied LSN if they continue it; false on a gap or busy. */
  private boolean applyInOrder(List<LogEntry> entries, long waitMillis) {
    try {
      if (!applyLock.tryLock(waitMillis, TimeUnit.MILLISECONDS)) {
        return false;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
    try {
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
      UserTable table = ctx.requireTable();
      store.applyReplicated(table, fresh);
      LogEntry last = fresh.get(fresh.size() - 1);
      ctx.advance(last.lsn(), last.epoch());
      return last.lsn() >= entries.get(entries.size() - 1).lsn();
    } finally {
      applyLock.unlock();
    }
  }

  /** Replaces this replica's rows with a consistent snapshot of the primary's; true on success. */
  private boolean recopy(ReplicaContext.View v) {
    applyLock.lock();
    try (Stream<String> lines = client.snapshot(v.primary().url())) {
      Iterator<String> it = lines.iterator();
      if (!it.hasNext()) {
        throw new IOException("empty snapshot from " + v.primary().name());
      }
      SnapshotHeader header = json.readValue(it.next(), SnapshotHeader.class);
      ctx.copyProgress(new CopyProgress(0, header.rows(), header.lsn()));
      if (header.config() != null) {
        configs.adopt(header.config());
      }
      UserTable table = ctx.requireTable();
      store.beginCopy(table);
      List<Map<String, Object>> chunk = new ArrayList<>();
      long copied = 0;
      while (it.hasNext()) {
        String line = it.next();
        if (line.isBlank()) {
          continue;
        }
        chunk.add(table.schema().coerceRow(json.readValue(line, ROW)));
        if (chunk.size() >= COPY_CHUNK) {
          store.loadChunk(table, chunk);
          copied += chunk.size();
          chunk = new ArrayList<>();
          ctx.copyProgress(new CopyProgress(copied, header.rows(), header.lsn()));
        }
      }
      store.loadChunk(table, chunk);
      copied += chunk.size();
      if (copied != header.rows()) {
        throw new IOException("snapshot ended after " + copied + " of " + header.rows() + " rows");
      }
      store.finishCopy(header.lsn(), header.epoch());
      ctx.resetTo(header.lsn(), header.epoch(), v.epoch());
      ctx.secondaryState(ReplicaState.CatchingUp);
      LOG.info(
          "{} re-copied {} rows at lsn {} from {}",
          ctx.name(),
          copied,
          header.lsn(),
          v.primary().name());
      return true;
    } catch (IOException | RuntimeException e) {
      LOG.warn("re-copy of {} from {} failed: {}", ctx.name(), v.primary().name(), e.toString());
      ctx.secondaryState(ReplicaState.CatchingUp);
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } finally {
      applyLock.unlock();
    }
  }

  @PreDestroy
  @Override
  public void close() {
    poller.shutdownNow();
    worker.shutdownNow();
  }
}
