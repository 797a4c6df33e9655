package io.shardeddb.shardserver.backup;

import io.micronaut.context.annotation.Context;
import io.micronaut.json.JsonMapper;
import io.shardeddb.backup.ArchiveClaim;
import io.shardeddb.backup.ArchiveGap;
import io.shardeddb.backup.ArchiveState;
import io.shardeddb.backup.BackupJson;
import io.shardeddb.backup.BackupKeys;
import io.shardeddb.backup.BackupStore;
import io.shardeddb.backup.RangeChange;
import io.shardeddb.protocol.shard.LogEntry;
import io.shardeddb.protocol.shard.Operation;
import io.shardeddb.protocol.shard.QuorumState;
import io.shardeddb.protocol.topology.Role;
import io.shardeddb.shardserver.config.ReplicationSettings;
import io.shardeddb.shardserver.replication.CommittedLog;
import io.shardeddb.shardserver.replication.PeerTransport;
import io.shardeddb.shardserver.replication.ReplicaContext;
import io.shardeddb.shardserver.replication.WriteCoordinator;
import io.shardeddb.shardserver.storage.ShardConfig;
import jakarta.annotation.PreDestroy;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Continuous archiving (docs/backup.md): every archive interval the shard's primary ships the
 * entries a quorum holds ({@link CommittedLog}, the same cut a move's export uses: never an
 * unacknowledged tail) past the archived LSN to the store, as one segment per page, each entry
 * stamped with its commit time ({@link #stampOf}); then it records the shard's {@link
 * ArchiveState}. Secondaries read that state to learn their trim floor ({@link ArchiveProgress}). A
 * failed upload is retried next interval from the same LSN; the log is held back meanwhile (up to
 * {@code max-unarchived-entries}). Entries past the archive's end that the log no longer holds are
 * a gap, recorded in the store before anything past them is archived ({@link ArchiveResume},
 * checked against every page's first entry). Only the archive's owner (its marker names this
 * database's UID) archives or reads it: another incarnation's is refused, never adopted ({@link
 * BackupStores#claim}).
 */
@Context
public class Archiver implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Archiver.class);
  private static final long SAMPLE_MILLIS = 50;

  /** Secondaries refresh their trim floor from the store every this many intervals. */
  private static final int FLOOR_REFRESH_TICKS = 5;

  private final ReplicaContext ctx;
  private final WriteCoordinator coordinator;
  private final CommittedLog log;
  private final BackupStores stores;
  private final BackupSettings settings;
  private final ArchiveProgress progress;
  private final ReplicationSettings replication;
  private final JsonMapper json;
  private final CommitClock clock;
  private final LongSupplier wallClock;
  private final ArchiveGapFill gapFill;
  private final ScheduledExecutorService timer;
  private long term = -1;
  private boolean known;
  private boolean hasHistory;
  private long archivedEpoch;
  private int ticks;

  @jakarta.inject.Inject
  public Archiver(
      ReplicaContext ctx,
      WriteCoordinator coordinator,
      CommittedLog log,
      BackupStores stores,
      BackupSettings settings,
      ArchiveProgress progress,
      ReplicationSettings replication,
      JsonMapper json,
      PeerTransport peers) {
    this(
        ctx,
        coordinator,
        log,
        stores,
        settings,
        progress,
        replication,
        json,
        peers,
        System::currentTimeMillis,
        true);
  }

  /**
   * An archiver on {@code wallClock}; with {@code timers} false nothing runs by itself and the
   * caller runs {@link #tick} (the simulator, on simulated time).
   */
  public Archiver(
      ReplicaContext ctx,
      WriteCoordinator coordinator,
      CommittedLog log,
      BackupStores stores,
      BackupSettings settings,
      ArchiveProgress progress,
      ReplicationSettings replication,
      JsonMapper json,
      PeerTransport peers,
      LongSupplier wallClock,
      boolean timers) {
    this.ctx = ctx;
    this.coordinator = coordinator;
    this.log = log;
    this.stores = stores;
    this.settings = settings;
    this.progress = progress;
    this.replication = replication;
    this.json = json;
    this.gapFill = new ArchiveGapFill(ctx, peers, replication.logPageSize(), wallClock);
    this.wallClock = wallClock;
    this.clock = new CommitClock(coordinator::committedLsn, wallClock);
    this.timer =
        Executors.newScheduledThreadPool(
            timers ? 2 : 0,
            Thread.ofPlatform().daemon().name("archiver-" + ctx.name() + "-", 0).factory());
    if (timers && settings.enabled()) {
      timer.scheduleWithFixedDelay(
          this::sampleQuietly, SAMPLE_MILLIS, SAMPLE_MILLIS, TimeUnit.MILLISECONDS);
      long period = Math.max(50, settings.archiveInterval().toMillis());
      timer.scheduleWithFixedDelay(this::tickQuietly, period, period, TimeUnit.MILLISECONDS);
    }
  }

  /** What {@code /backup/status} reports. */
  public ArchiveStatus status() {
    long now = wallClock.getAsLong();
    ShardConfig config = ctx.config();
    ReplicaContext.View v = ctx.view();
    return new ArchiveStatus(
        settings.enabled(),
        config == null ? null : config.shardId(),
        settings.enabled() && v.role() == Role.Primary && !v.fenced(),
        progress.archivedLsn(),
        coordinator.committedLsn(),
        progress.archivedThroughMillis(),
        progress.lagMillis(now),
        progress.bytes(),
        progress.lastError(),
        progress.stalled(now),
        progress.gapDescription(),
        progress.refusedReason());
  }

  private void sampleQuietly() {
    try {
      clock.sample();
    } catch (RuntimeException e) {
      LOG.debug("commit clock sample failed: {}", e.toString());
    }
  }

  private void tickQuietly() {
    try {
      tick();
    } catch (RuntimeException e) {
      progress.failed(e.getMessage());
      long now = wallClock.getAsLong();
      if (progress.stalled(now)) {
        LOG.error(
            "{}: archiving stalled for {} ms (log held back, not trimmed): {}",
            ctx.name(),
            now - progress.lastSuccessMillis(),
            e.getMessage());
      } else {
        LOG.warn("{}: archiving failed, retrying: {}", ctx.name(), e.getMessage());
      }
    }
  }

  /** One archive pass; public for tests that do not wait for the timer. */
  public synchronized void tick() {
    ShardConfig config = ctx.config();
    if (!settings.enabled() || config == null) {
      return;
    }
    ReplicaContext.View v = ctx.view();
    String shard = config.shardId();
    if (v.role() == Role.Primary && !v.fenced() && coordinator.committedLsn() >= 0) {
      archiveAsPrimary(shard, v.epoch());
    } else {
      term = -1;
      if (ticks++ % FLOOR_REFRESH_TICKS == 0 && owns(stores.check())) {
        readState(shard);
      }
    }
  }

  /**
   * Whether this incarnation owns the archive (DESIGN §9): another's state is never read as the
   * trim floor nor added to; the refusal is reported ({@code /backup/status}) until it is resolved.
   */
  private boolean owns(ArchiveClaim claim) {
    String problem = claim.problem();
    if (problem != null && !problem.equals(progress.refusedReason())) {
      LOG.error("{}: {}", ctx.name(), problem);
    }
    progress.refused(problem);
    return claim.owned();
  }

  private ArchiveState readState(String shard) {
    BackupStore store = stores.get();
    ArchiveState state =
        store
            .get(BackupKeys.archiveState(stores.database(), shard))
            .map(b -> BackupJson.read(b, ArchiveState.class))
            .orElse(null);
    if (state != null) {
      progress.archived(state.archivedLsn(), state.archivedThroughMillis(), 0);
      archivedEpoch = Math.max(archivedEpoch, state.archivedEpoch());
    }
    return state;
  }

  private void archiveAsPrimary(String shard, long epoch) {
    BackupStore store = stores.get();
    String db = stores.database();
    if (term != epoch) {
      term = epoch;
      known = false;
    }
    if (!known) {
      if (!owns(stores.claim())) {
        return;
      }
      // The shard's archive exists when anything of it is in the store — its state, or a segment,
      // range change or gap written before a state was (the store failed in between) — not only
      // when this process archived: a restarted or new primary must not take a log trimmed past
      // the archive for the start of a new one (ArchiveResume.Begin).
      hasHistory =
          readState(shard) != null
              || hasHistory
              || store.firstKey(BackupKeys.walPrefix(db, shard)).isPresent();
      known = true;
    }
    long t0 = wallClock.getAsLong();
    QuorumState quorum = coordinator.quorumState();
    long c0 = coordinator.committedLsn();
    long archived = progress.archivedLsn();
    if (c0 > archived) {
      progress.pending(t0);
    }
    archived = resume(store, shard, archived, ctx.logStartLsn() + 1);
    long bytes = 0;
    while (true) {
      CommittedLog.Page page = log.page(archived + 1, replication.logPageSize());
      List<LogEntry> entries = page.entries();
      if (entries.isEmpty()) {
        break;
      }
      // The page starts at the first entry held: the trimmer may have trimmed past the archive
      // since the log's start was read (a call to the store hung across the store's return).
      archived = resume(store, shard, archived, entries.getFirst().lsn());
      bytes += upload(store, shard, entries);
      archived = entries.getLast().lsn();
    }
    // Every entry committed by the time the majority last acknowledged this primary is at or
    // below c0 (a newer primary commits only after fencing a majority, later than that).
    long through =
        archived >= c0 && quorum != null ? t0 - Math.max(0, quorum.majorityAckAgeMillis()) : 0;
    if (bytes > 0 || through > progress.archivedThroughMillis()) {
      store.putBytes(
          BackupKeys.archiveState(db, shard),
          BackupJson.write(
              new ArchiveState(
                  shard,
                  archived,
                  archivedEpoch,
                  Math.max(through, progress.archivedThroughMillis()),
                  ctx.name())));
      progress.archived(archived, through, 0);
    }
    progress.succeeded(wallClock.getAsLong(), archived >= c0);
  }

  /**
   * Archives {@code entries} (contiguous, right after the archive's end) as one segment and the
   * range changes among them; returns the segment's size.
   */
  private long upload(BackupStore store, String shard, List<LogEntry> entries) {
    String db = stores.database();
    List<RangeChange> changes = new ArrayList<>();
    byte[] body = segment(shard, entries, changes);
    long first = entries.getFirst().lsn();
    long last = entries.getLast().lsn();
    store.putBytes(BackupKeys.segment(db, shard, first, last), body);
    // After the segment that holds them: a restore that sees a change also finds its entry.
    for (RangeChange c : changes) {
      store.putBytes(BackupKeys.rangeChange(db, shard, c.lsn()), BackupJson.write(c));
    }
    hasHistory = true;
    archivedEpoch = entries.getLast().epoch();
    progress.archived(last, 0, body.length);
    clock.archivedUpTo(last);
    return body.length;
  }

  /**
   * Where the archive goes on from when the first entry this log holds past it is {@code firstHeld}
   * ({@link ArchiveResume}): a gap is written to the store before the archive moves past it — it
   * outlives this process, and restores refuse to replay across it ({@link ArchiveGap}) — and
   * reported.
   */
  private long resume(BackupStore store, String shard, long archived, long firstHeld) {
    return switch (ArchiveResume.of(archived, hasHistory, firstHeld)) {
      case ArchiveResume.Contiguous c -> archived;
      case ArchiveResume.Begin b -> {
        // A new archive (e.g. of a database restored at that LSN) begins where the log does.
        progress.archived(b.atLsn(), 0, 0);
        yield b.atLsn();
      }
      case ArchiveResume.Gap found -> {
        long filled =
            gapFill.fill(
                found.fromLsn(),
                found.toLsn(),
                archivedEpoch,
                settings.stallAfter(),
                entries -> upload(store, shard, entries));
        if (filled >= found.toLsn()) {
          yield filled;
        }
        ArchiveResume.Gap g = new ArchiveResume.Gap(filled + 1, found.toLsn());
        String gap =
            "entries "
                + g.fromLsn()
                + ".."
                + g.toLsn()
                + " of "
                + shard
                + " were never archived (this replica's log no longer holds them: trimmed past"
                + " max-unarchived-entries while the store was down, or re-copied past them);"
                + " take a new base backup";
        LOG.error("{}: {}", ctx.name(), gap);
        store.putBytes(
            BackupKeys.archiveGap(stores.database(), shard, g.fromLsn(), g.toLsn()),
            BackupJson.write(
                new ArchiveGap(
                    shard,
                    g.fromLsn(),
                    g.toLsn(),
                    progress.archivedThroughMillis(),
                    wallClock.getAsLong(),
                    ctx.name())));
        progress.gap(gap);
        progress.archived(g.toLsn(), 0, 0);
        yield g.toLsn();
      }
    };
  }

  /**
   * The segment's bytes; the range changes among {@code entries} (a move's fence, adopt, purge) are
   * added to {@code changes} with the stamp their archived entry carries.
   */
  private byte[] segment(String shard, List<LogEntry> entries, List<RangeChange> changes) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream(entries.size() * 128);
      for (LogEntry e : entries) {
        long stamp = stampOf(e);
        out.write(json.writeValueAsBytes(new ArchivedEntry(stamp, e)));
        out.write('\n');
        rangeChange(shard, e, stamp).ifPresent(changes::add);
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode an archive segment: " + e.getMessage(), e);
    }
  }

  /**
   * The time an archived entry is restored by: the commit time the primary that committed it
   * stamped (replicated with the entry, so it is the same whichever primary archives it, DESIGN
   * §9); for an entry written before entries carried one, when this primary saw it committed.
   */
  private long stampOf(LogEntry e) {
    return e.commitMillis() > 0 ? e.commitMillis() : clock.stampFor(e.lsn());
  }

  /** The range change a log entry records, if it is a move's fence, adopt or purge. */
  static java.util.Optional<RangeChange> rangeChange(String shard, LogEntry e, long stamp) {
    if (e.op() != Operation.Fence && e.op() != Operation.Adopt && e.op() != Operation.Purge) {
      return java.util.Optional.empty();
    }
    Map<String, Object> range = e.rows() == null || e.rows().isEmpty() ? Map.of() : e.rows().get(0);
    return java.util.Optional.of(
        new RangeChange(
            shard,
            e.lsn(),
            stamp,
            e.op().name(),
            number(range.get("low")),
            number(range.get("size"))));
  }

  private static long number(Object o) {
    return o instanceof Number n ? n.longValue() : -1;
  }

  @PreDestroy
  @Override
  public void close() {
    timer.shutdownNow();
  }
}
