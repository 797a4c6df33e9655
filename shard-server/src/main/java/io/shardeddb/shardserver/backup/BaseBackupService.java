package io.shardeddb.shardserver.backup;

import io.micronaut.json.JsonMapper;
import io.shardeddb.backup.ArchiveClaim;
import io.shardeddb.backup.ArchiveState;
import io.shardeddb.backup.BackupJson;
import io.shardeddb.backup.BackupKeys;
import io.shardeddb.backup.BackupStore;
import io.shardeddb.protocol.InvalidRequestException;
import io.shardeddb.shardserver.replication.ReplicaContext;
import io.shardeddb.shardserver.replication.SnapshotHeader;
import io.shardeddb.shardserver.storage.ShardConfig;
import io.shardeddb.shardserver.storage.ShardStore;
import io.shardeddb.shardserver.storage.Snapshot;
import io.shardeddb.shardserver.storage.UserTable;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Base backups of this replica's shard (docs/backup.md): a consistent snapshot at an LSN (the same
 * snapshot a re-copy streams, in the same format), uploaded as it is read, with no write pause. A
 * replica's applied LSN may include entries not yet committed, so the backup completes only once
 * the shard's archive holds the snapshot's last entry with the same epoch: then every row in it is
 * committed, and the archive continues exactly where the snapshot ends.
 */
@Singleton
public class BaseBackupService implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(BaseBackupService.class);
  private static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,61}[a-z0-9])?");
  private static final Duration ARCHIVE_WAIT = Duration.ofMinutes(2);

  private final ReplicaContext ctx;
  private final ShardStore shardStore;
  private final BackupStores stores;
  private final JsonMapper json;
  private final ExecutorService runner =
      Executors.newSingleThreadExecutor(Thread.ofPlatform().daemon().name("base-backup").factory());
  private final Map<String, Job> jobs = new ConcurrentHashMap<>();

  private static final class Job {
    final String name;
    final AtomicLong rows = new AtomicLong();
    volatile String phase = "Running";
    volatile BaseBackupStatus.ShardResult result;
    volatile String message;

    Job(String name) {
      this.name = name;
    }

    BaseBackupStatus status() {
      return new BaseBackupStatus(name, phase, rows.get(), result, message);
    }
  }

  public BaseBackupService(
      ReplicaContext ctx, ShardStore shardStore, BackupStores stores, JsonMapper json) {
    this.ctx = ctx;
    this.shardStore = shardStore;
    this.stores = stores;
    this.json = json;
  }

  /** Starts backup {@code name} of this shard (repeating a name answers the same job). */
  public BaseBackupStatus start(String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new InvalidRequestException(
          "field 'name' must be a DNS-style name (lower-case letters, digits, '-', '.'), got "
              + name);
    }
    if (!stores.enabled()) {
      throw new InvalidRequestException(
          "backups are off on " + ctx.name() + ": no backup store is configured");
    }
    ctx.requireConfig();
    Job job =
        jobs.computeIfAbsent(
            name,
            n -> {
              Job j = new Job(n);
              runner.execute(() -> run(j));
              return j;
            });
    return job.status();
  }

  /** The job's status, or null when this replica runs no backup of that name. */
  public BaseBackupStatus status(String name) {
    Job j = jobs.get(name);
    return j == null ? null : j.status();
  }

  private void run(Job job) {
    long started = System.currentTimeMillis();
    try {
      UserTable table = ctx.requireTable();
      ShardConfig current = ctx.requireConfig();
      String shard = current.shardId();
      BackupStore store = stores.get();
      String db = stores.database();
      ArchiveClaim claim = stores.claim();
      if (!claim.owned()) {
        throw new IllegalStateException(
            claim.problem() == null ? "the archive has no owner yet" : claim.problem());
      }
      String key = BackupKeys.baseSnapshot(db, job.name, shard, ctx.name());
      long lsn;
      long epoch;
      String checksum;
      long rows;
      long bytes;
      String configJson;
      try (Snapshot snap = shardStore.openSnapshot(table)) {
        ShardConfig config =
            snap.configJson() == null
                ? current
                : json.readValue(snap.configJson(), ShardConfig.class);
        configJson =
            snap.configJson() == null ? json.writeValueAsString(config) : snap.configJson();
        SnapshotHeader header =
            new SnapshotHeader(
                snap.lsn(),
                snap.epoch(),
                snap.rowCount(),
                config,
                snap.requestIdCount(),
                snap.commitMillis(),
                snap.timestamp());
        SnapshotStream stream = new SnapshotStream(snap, table, header, json, job.rows);
        bytes = store.put(key, stream);
        lsn = snap.lsn();
        epoch = snap.epoch();
        checksum = stream.checksum();
        rows = stream.rows();
        if (rows != snap.rowCount()) {
          throw new IllegalStateException(
              "snapshot streamed " + rows + " rows, its count said " + snap.rowCount());
        }
      }
      awaitArchived(store, db, shard, lsn, epoch);
      BaseBackupStatus.ShardResult result =
          new BaseBackupStatus.ShardResult(
              shard,
              lsn,
              epoch,
              rows,
              checksum,
              bytes,
              key,
              ctx.name(),
              configJson,
              started,
              System.currentTimeMillis());
      store.putBytes(BackupKeys.baseResult(db, job.name, shard), json.writeValueAsBytes(result));
      job.result = result;
      job.phase = "Completed";
      LOG.info(
          "{}: base backup {} of {} at lsn {}: {} rows, {} bytes",
          ctx.name(),
          job.name,
          shard,
          lsn,
          rows,
          bytes);
    } catch (Exception e) {
      job.message = e.getMessage();
      job.phase = "Failed";
      LOG.warn("{}: base backup {} failed: {}", ctx.name(), job.name, e.toString());
    }
  }

  /**
   * Waits until the archive holds entry {@code lsn} and checks its epoch: the snapshot's rows are
   * then all committed (the archive holds only committed entries) and replay continues after it.
   */
  private void awaitArchived(BackupStore store, String db, String shard, long lsn, long epoch)
      throws IOException, InterruptedException {
    if (lsn == 0) {
      return;
    }
    long deadline = System.nanoTime() + ARCHIVE_WAIT.toNanos();
    while (true) {
      ArchiveState state =
          store
              .get(BackupKeys.archiveState(db, shard))
              .map(b -> BackupJson.read(b, ArchiveState.class))
              .orElse(null);
      if (state != null && state.archivedLsn() >= lsn) {
        break;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "the archive of "
                + shard
                + " has not reached the snapshot's lsn "
                + lsn
                + " within "
                + ARCHIVE_WAIT
                + " (archived: "
                + (state == null ? 0 : state.archivedLsn())
                + "); is archiving stalled?");
      }
      Thread.sleep(250);
    }
    for (String k : store.list(BackupKeys.walPrefix(db, shard))) {
      long[] range = BackupKeys.segmentRange(k);
      if (range == null || range[0] > lsn || range[1] < lsn) {
        continue;
      }
      try (InputStream in = store.open(k);
          BufferedReader r =
              new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          ArchivedEntry a = json.readValue(line, ArchivedEntry.class);
          if (a.entry().lsn() == lsn) {
            if (a.entry().epoch() != epoch) {
              throw new IllegalStateException(
                  "the snapshot's entry "
                      + lsn
                      + " has epoch "
                      + epoch
                      + " but the committed one has epoch "
                      + a.entry().epoch()
                      + ": this replica held an uncommitted tail; back up from another replica");
            }
            return;
          }
        }
      }
    }
    throw new IllegalStateException(
        "entry " + lsn + " of " + shard + " is missing from the archive");
  }

  @PreDestroy
  @Override
  public void close() {
    runner.shutdownNow();
  }
}
