package io.shardeddb.simulation;

import io.micronaut.json.JsonMapper;
import io.shardeddb.backup.ArchiveState;
import io.shardeddb.backup.BackupJson;
import io.shardeddb.backup.BackupKeys;
import io.shardeddb.backup.embedded.EmbeddedS3Server;
import io.shardeddb.shardserver.backup.ArchiveProgress;
import io.shardeddb.shardserver.backup.ArchiveReplay;
import io.shardeddb.shardserver.backup.Archiver;
import io.shardeddb.shardserver.backup.BackupSettings;
import io.shardeddb.shardserver.backup.BackupStores;
import io.shardeddb.shardserver.config.ReplicationSettings;
import io.shardeddb.shardserver.replication.CommittedLog;
import io.shardeddb.shardserver.replication.ReplicaContext;
import io.shardeddb.shardserver.replication.ReplicaStore;
import io.shardeddb.shardserver.replication.WriteCoordinator;
import io.shardeddb.shardserver.replication.rules.Rulebook;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Continuous archiving in the simulator (DESIGN §9, issue 47): every replica incarnation runs the
 * production {@link Archiver} over its own {@link CommittedLog}, ticked on its simulated clock
 * every {@link #INTERVAL} ms while it lives, into a real S3 protocol store (the project's {@link
 * EmbeddedS3Server} on loopback, one key prefix per schedule). After the schedule the archive is
 * restored through the production {@link ArchiveReplay} into a fresh {@link SimDisk}, and that copy
 * must hold every acknowledged write exactly once and equal the shard ({@link #violations}). The
 * store's calls block the simulated world while they run (no simulated time passes), so a schedule
 * stays deterministic.
 */
final class SimArchive implements AutoCloseable {
  /** How often each replica's archiver runs, in simulated ms (production's default is 2 s). */
  static final long INTERVAL = 300;

  static final String DATABASE = "sim";

  private final BackupSettings settings;
  private final BackupStores stores;
  private final JsonMapper json = JsonMapper.createDefault();

  /** Whether the schedule's judge checks this archive's restore ({@link #violations}). */
  final boolean judged;

  /**
   * The mutation in which a primary records a gap without asking its peers' logs first ({@code
   * Archiver} built without a transport), as before 2026-11-28.
   */
  boolean withoutPeerFill;

  /** The archive of one schedule under {@code prefix} of {@code bucket} on {@code s3}, judged. */
  SimArchive(EmbeddedS3Server s3, String bucket, String prefix) {
    this(s3, bucket, prefix, "uid-" + prefix, true, false);
  }

  /**
   * The archive of a database incarnation {@code uid} under {@code prefix}; {@code judged}: the
   * schedule's judge restores it; {@code ignoresOwner}: the mutation in which a replica archives
   * into another incarnation's archive (the owner marker's check, {@code BackupStores.claim} and
   * {@code .check}, always answering "owned").
   */
  SimArchive(
      EmbeddedS3Server s3,
      String bucket,
      String prefix,
      String uid,
      boolean judged,
      boolean ignoresOwner) {
    this.judged = judged;
    settings =
        new BackupSettings(
            s3.url(),
            "us-east-1",
            bucket,
            prefix,
            true,
            s3.accessKeyId(),
            s3.secretAccessKey(),
            null,
            null,
            DATABASE,
            uid,
            "sim",
            Duration.ofMillis(INTERVAL),
            Duration.ofMinutes(5),
            null,
            null,
            -1,
            -1,
            null,
            -1,
            null,
            -1,
            null,
            1_000_000,
            Duration.ofSeconds(15),
            null);
    stores = new SimStores(settings, ignoresOwner);
    stores.get().ensureBucket();
  }

  /**
   * The production archiver of one replica incarnation on {@code clock}, ticked every {@link
   * #INTERVAL} ms of simulated time until the incarnation ends ({@link SimClock#schedule} runs
   * nothing of a crashed process).
   */
  Archiver start(
      ReplicaContext ctx,
      WriteCoordinator coordinator,
      ReplicaStore disk,
      Rulebook rules,
      ReplicationSettings replication,
      SimClock clock,
      io.shardeddb.shardserver.replication.PeerTransport peers,
      ArchiveProgress progress) {
    Archiver archiver =
        new Archiver(
            ctx,
            coordinator,
            new CommittedLog(coordinator, disk, rules),
            stores,
            settings,
            progress,
            replication,
            json,
            withoutPeerFill ? null : peers,
            clock::wallMillis,
            false);
    tickEvery(archiver, clock);
    return archiver;
  }

  /**
   * A new incarnation's archive progress: what its archiver knows of the archive's reach, and the
   * trim floor of its log ({@code LogTrimFloor}).
   */
  ArchiveProgress progress() {
    return new ArchiveProgress(settings);
  }

  private static void tickEvery(Archiver archiver, SimClock clock) {
    clock.schedule(
        INTERVAL,
        () -> {
          tick(archiver);
          tickEvery(archiver, clock);
        });
  }

  /** One pass; a failed one is retried at the next interval, as the production timer does. */
  static void tick(Archiver archiver) {
    try {
      archiver.tick();
    } catch (RuntimeException e) {
      if (ShardSimulation.TRACE || Boolean.getBoolean("sim.dbg")) {
        System.err.println("archive pass failed: " + e.getMessage());
      }
    }
  }

  /** The shard's archive state in the store, or null before the first. */
  ArchiveState state() {
    return stores
        .get()
        .get(BackupKeys.archiveState(DATABASE, SimStorage.CONFIG.shardId()))
        .map(b -> BackupJson.read(b, ArchiveState.class))
        .orElse(null);
  }

  /**
   * The archive replayed into an empty disk through the production replay, up to {@code toLsn} (-1:
   * all of it).
   */
  SimDisk restore(long toLsn) throws IOException {
    SimDisk restored = new SimDisk();
    ArchiveReplay.replay(
        stores.get(),
        json,
        DATABASE,
        SimStorage.CONFIG.shardId(),
        0,
        0,
        toLsn,
        -1,
        500,
        batch -> batch.forEach(restored::apply));
    return restored;
  }

  /**
   * What a restore of the archive, after the schedule settled and its last primary archived,
   * breaks. Every archived entry must be the entry every final replica holds at its LSN (the
   * archive is the shard's one log, never a deposed primary's tail); then, if no gap is recorded,
   * the whole archive's restore must hold every acknowledged write exactly once and equal the shard
   * ({@code shard}: the final primary's disk; null when the schedule ended without one). A recorded
   * gap (a primary whose log began past the archive's end, e.g. after a re-copy: {@code
   * ArchiveResume.Gap}) is the store saying a restore cannot cross it, as docs/backup.md promises:
   * the restore then runs up to it and only its entries are checked ({@link #gapsRecorded} counts
   * them). But no gap may cover entries a replica trimmed from its log ({@code trimmed}: each
   * replica's trimmed {from, to} ranges): the trim floor keeps every entry until it is archived
   * (DESIGN §9, log trimming never drops an unarchived entry).
   */
  List<String> violations(
      History history, List<SimDisk> finals, SimDisk shard, Map<String, List<long[]>> trimmed) {
    List<String> out = new ArrayList<>();
    List<long[]> recorded = recordedGaps();
    gapsRecorded = recorded.size();
    for (long[] g : recorded) {
      trimmed.forEach(
          (replica, ranges) ->
              ranges.stream()
                  .filter(t -> t[0] <= g[1] && g[0] <= t[1])
                  .findFirst()
                  .ifPresent(
                      t ->
                          out.add(
                              "the archive records a gap "
                                  + g[0]
                                  + ".."
                                  + g[1]
                                  + " over entries "
                                  + replica
                                  + " trimmed from its log (lsn "
                                  + t[0]
                                  + ".."
                                  + t[1]
                                  + ") before they were archived")));
    }
    for (long[] g : recorded) {
      for (SimDisk d : finals) {
        if (holdsAll(d, g[0], g[1])) {
          out.add(
              "the archive records a gap "
                  + g[0]
                  + ".."
                  + g[1]
                  + " though a replica's log holds those entries (the archiver did not fill it"
                  + " from a peer)");
          break;
        }
      }
    }
    long toLsn = recorded.isEmpty() ? -1 : recorded.getFirst()[0] - 1;
    SimDisk restored;
    try {
      restored = restore(toLsn);
    } catch (IOException | RuntimeException e) {
      out.add("the archive cannot be restored: " + e.getMessage() + " (" + contents() + ")");
      return out;
    }
    for (var e : restored.log.entrySet()) {
      for (SimDisk d : finals) {
        var held = d.log.get(e.getKey());
        if (held != null && !encoded(held).equals(encoded(e.getValue()))) {
          out.add(
              "the archive's entry at lsn "
                  + e.getKey()
                  + " ("
                  + e.getValue().op()
                  + " of epoch "
                  + e.getValue().epoch()
                  + ") is not the shard's ("
                  + held.op()
                  + " of epoch "
                  + held.epoch()
                  + ")");
          break;
        }
      }
    }
    if (!recorded.isEmpty()) {
      return out;
    }
    ArchiveState state = state();
    String through = state == null ? "no archive state" : "archived to lsn " + state.archivedLsn();
    for (History.Write w : history.writes()) {
      if (w.outcome == History.Outcome.OK
          && !history.mayBeDeleted(w.key)
          && !restored.rows.containsKey(w.key)) {
        out.add(
            "acknowledged write of key "
                + w.key
                + " ("
                + w.requestId
                + ", acked by "
                + w.ackedBy
                + " at epoch "
                + w.ackedEpoch
                + ") is missing from the archive's restore ("
                + through
                + ")");
      }
    }
    for (Map.Entry<Long, Integer> row : restored.rows.entrySet()) {
      if (row.getValue() > 1) {
        out.add(
            "key "
                + row.getKey()
                + " was applied "
                + row.getValue()
                + " times in the archive's restore");
      }
    }
    if (shard != null
        && (!restored.rows.keySet().equals(shard.rows.keySet())
            || restored.lastLsn() != shard.lastLsn())) {
      out.add(
          "the archive's restore holds "
              + restored.rows.size()
              + " keys at lsn "
              + restored.lastLsn()
              + ", the shard "
              + shard.rows.size()
              + " at lsn "
              + shard.lastLsn()
              + " ("
              + through
              + ")");
    }
    return out;
  }

  /** An entry as the archive encodes it (a decoded entry's numbers may be of other types). */
  String encoded(io.shardeddb.protocol.shard.LogEntry e) {
    try {
      return json.writeValueAsString(e);
    } catch (IOException x) {
      throw new java.io.UncheckedIOException(x);
    }
  }

  private static boolean holdsAll(SimDisk d, long from, long to) {
    for (long lsn = from; lsn <= to; lsn++) {
      if (!d.log.containsKey(lsn)) {
        return false;
      }
    }
    return true;
  }

  /** How many gaps the store held when this archive was judged. */
  private int gapsRecorded;

  int gapsRecorded() {
    return gapsRecorded;
  }

  /** The gaps recorded in the store ({@code ArchiveGap}): {from, to} LSNs, in LSN order. */
  private List<long[]> recordedGaps() {
    String prefix = BackupKeys.walPrefix(DATABASE, SimStorage.CONFIG.shardId()) + "gaps/";
    return stores.get().list(prefix).stream()
        .map(k -> k.substring(k.lastIndexOf('/') + 1).replace(".json", "").split("-"))
        .map(p -> new long[] {Long.parseLong(p[0]), Long.parseLong(p[1])})
        .sorted(java.util.Comparator.comparingLong(g -> g[0]))
        .toList();
  }

  /** The archive's objects (segments and gaps) by key, for a violation's report. */
  private String contents() {
    return stores.get().list(BackupKeys.walRoot(DATABASE)).stream()
        .map(k -> k.substring(k.lastIndexOf('/') + 1))
        .toList()
        .toString();
  }

  /** The mutation: every incarnation owns the archive, whoever's marker it holds. */
  /**
   * The store unreachable until {@code until} on the clock {@code now} (a fault, {@code
   * Fault.StoreOutage}): every archiver's call fails as an S3 endpoint that does not answer.
   */
  void unreachableUntil(long until, java.util.function.LongSupplier now) {
    ((SimStores) stores).unreachableUntil(until, now);
  }

  /**
   * The production {@link BackupStores}, unreachable while an outage lasts, and with {@code
   * ignoresOwner} the mutation in which the owner marker's check always answers "owned".
   */
  private static final class SimStores extends BackupStores {
    private final String uid;
    private final boolean ignoresOwner;
    private long unreachableUntil = -1;
    private java.util.function.LongSupplier now = () -> 0;

    SimStores(BackupSettings settings, boolean ignoresOwner) {
      super(settings);
      this.uid = settings.databaseUid();
      this.ignoresOwner = ignoresOwner;
    }

    void unreachableUntil(long until, java.util.function.LongSupplier now) {
      this.unreachableUntil = until;
      this.now = now;
    }

    /** An archiver's one way to the store: refused while the store is down. */
    @Override
    public synchronized io.shardeddb.backup.BackupStore get() {
      if (now.getAsLong() < unreachableUntil) {
        throw new io.shardeddb.backup.BackupStoreException(
            io.shardeddb.backup.BackupStoreException.Reason.StoreUnreachable,
            "the backup store is unreachable (a simulated outage)",
            null);
      }
      return super.get();
    }

    @Override
    public io.shardeddb.backup.ArchiveClaim claim() {
      return ignoresOwner ? owned() : super.claim();
    }

    @Override
    public io.shardeddb.backup.ArchiveClaim check() {
      return ignoresOwner ? owned() : super.check();
    }

    private io.shardeddb.backup.ArchiveClaim owned() {
      return new io.shardeddb.backup.ArchiveClaim.Owned(
          new io.shardeddb.backup.ArchiveOwner("sim", DATABASE, uid, 0));
    }
  }

  @Override
  public void close() {
    stores.close();
  }
}
