package io.shardeddb.backup;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the store holds for one database: complete backups, archive states, restore points. A plan
 * reads only an archive whose owner marker names the source ({@link ArchiveOwnership}).
 */
public final class BackupCatalog {
  private final BackupStore store;
  private final String database;
  private final String sourceUid;

  /** The catalog of {@code database}'s archive, whichever one incarnation its marker names. */
  public BackupCatalog(BackupStore store, String database) {
    this(store, database, null);
  }

  /**
   * The catalog of the archive of {@code database}'s incarnation {@code sourceUid} (null: the
   * source is gone, any one owner its marker names).
   */
  public BackupCatalog(BackupStore store, String database, String sourceUid) {
    this.store = store;
    this.database = database;
    this.sourceUid = sourceUid;
  }

  /** The archive's owner, or empty when nothing is archived; refused when another's. */
  public java.util.Optional<ArchiveOwner> owner() {
    return ArchiveOwnership.requireForRestore(store, database, sourceUid);
  }

  /** Complete backups (those with a manifest), oldest first. */
  public List<BackupManifest> backups() {
    List<BackupManifest> out = new ArrayList<>();
    for (String key : store.list(BackupKeys.backupsPrefix(database))) {
      if (key.endsWith("/manifest.json")) {
        store.get(key).ifPresent(b -> out.add(BackupJson.read(b, BackupManifest.class)));
      }
    }
    out.sort(Comparator.comparingLong(BackupManifest::completedAtMillis));
    return out;
  }

  /** The archive state of each shard that has one. */
  public Map<String, ArchiveState> archive(List<String> shards) {
    Map<String, ArchiveState> out = new LinkedHashMap<>();
    for (String shard : shards) {
      store
          .get(BackupKeys.archiveState(database, shard))
          .ifPresent(b -> out.put(shard, BackupJson.read(b, ArchiveState.class)));
    }
    return out;
  }

  /** Every shard's archived changes of its owned ranges (resharding moves), of every shard. */
  public List<RangeChange> rangeChanges() {
    return walIndex().changes();
  }

  /**
   * What the archive holds of every shard, from one listing: its range changes and the first LSN of
   * its first segment (where its archive starts).
   */
  public WalIndex walIndex() {
    List<RangeChange> changes = new ArrayList<>();
    List<ArchiveGap> gaps = new ArrayList<>();
    Map<String, Long> starts = new LinkedHashMap<>();
    String root = BackupKeys.walRoot(database);
    for (String key : store.list(root)) {
      if (key.contains("/ranges/") && key.endsWith(".json")) {
        store.get(key).ifPresent(b -> changes.add(BackupJson.read(b, RangeChange.class)));
        continue;
      }
      if (key.contains("/gaps/") && key.endsWith(".json")) {
        store.get(key).ifPresent(b -> gaps.add(BackupJson.read(b, ArchiveGap.class)));
        continue;
      }
      long[] range = BackupKeys.segmentRange(key);
      if (range != null && key.startsWith(root)) {
        String shard = key.substring(root.length(), key.indexOf('/', root.length()));
        starts.merge(shard, range[0], Math::min);
      }
    }
    return new WalIndex(changes, starts, gaps);
  }

  /**
   * The archive's range changes of every shard, where each shard's archive starts, and the gaps
   * recorded in it.
   */
  public record WalIndex(
      List<RangeChange> changes, Map<String, Long> starts, List<ArchiveGap> gaps) {}

  public Map<String, RestorePoint> restorePoints() {
    Map<String, RestorePoint> out = new LinkedHashMap<>();
    for (String key : store.list(BackupKeys.restorePointsPrefix(database))) {
      store
          .get(key)
          .map(b -> BackupJson.read(b, RestorePoint.class))
          .ifPresent(p -> out.put(p.name(), p));
    }
    return out;
  }

  /** Plans a restore of this database (checks the store's credentials first). */
  public RestorePlan plan(RestoreTarget target) {
    store.check();
    owner();
    List<BackupManifest> backups = backups();
    WalIndex wal = walIndex();
    Set<String> shards = new LinkedHashSet<>();
    backups.forEach(m -> m.shards().forEach(s -> shards.add(s.shard())));
    wal.changes().forEach(c -> shards.add(c.shard()));
    Map<String, RestorePoint> points =
        target instanceof RestoreTarget.Point ? restorePoints() : Map.of();
    Map<String, TimestampCut.ShardCut> cuts = Map.of();
    if (target instanceof RestoreTarget.Timestamp ts) {
      Set<String> archived = new LinkedHashSet<>(shards);
      archived.addAll(wal.starts().keySet());
      cuts = timestampCuts(ts.timestamp(), archived, backups);
      RestorePoint cut = TimestampCut.asPoint(database, ts.timestamp(), cuts);
      points = Map.of(cut.name(), cut);
    }
    RestorePlan plan =
        RestorePlanner.plan(
            database,
            target,
            backups,
            archive(List.copyOf(shards)),
            points,
            wal.changes(),
            wal.starts());
    String crossed = ArchiveGap.crossedBy(plan, wal.gaps());
    if (crossed != null) {
      throw new RestoreException(crossed);
    }
    String unknown = TimestampCut.crossesUnknown(plan, cuts);
    if (unknown != null) {
      throw new RestoreException(unknown);
    }
    return plan;
  }

  /**
   * Every shard's cut at {@code timestamp} ({@link TimestampCut#cut}), read from its archive's
   * segments from its oldest complete base's own entry on (its stamp says whether that base is
   * usable), up to the segment that holds its first entry stamped past the timestamp.
   */
  private Map<String, TimestampCut.ShardCut> timestampCuts(
      long timestamp, Set<String> shards, List<BackupManifest> backups) {
    Map<String, TimestampCut.ShardCut> cuts = new LinkedHashMap<>();
    for (String shard : shards) {
      long from =
          backups.stream()
              .map(m -> m.shard(shard))
              .filter(java.util.Objects::nonNull)
              .mapToLong(ShardBaseBackup::lsn)
              .min()
              .orElse(1);
      cuts.put(shard, TimestampCut.cut(shard, timestamp, stamps(shard, from, timestamp)));
    }
    return cuts;
  }

  private record Segment(String key, long first, long last) {}

  /** A shard's archived LSNs and timestamps from {@code fromLsn}, until one is past {@code ts}. */
  private List<TimestampCut.Stamp> stamps(String shard, long fromLsn, long ts) {
    List<Segment> segments = new ArrayList<>();
    for (String key : store.list(BackupKeys.walPrefix(database, shard))) {
      long[] range = BackupKeys.segmentRange(key);
      if (range != null && range[1] >= fromLsn) {
        segments.add(new Segment(key, range[0], range[1]));
      }
    }
    segments.sort(Comparator.comparingLong(Segment::first).thenComparingLong(Segment::last));
    List<TimestampCut.Stamp> out = new ArrayList<>();
    long last = fromLsn - 1;
    for (Segment seg : segments) {
      if (seg.last() <= last) {
        continue; // overlapped by one read already
      }
      byte[] body = store.get(seg.key()).orElse(new byte[0]);
      for (String line : new String(body, StandardCharsets.UTF_8).split("\n")) {
        if (line.isBlank()) {
          continue;
        }
        JsonNode entry = BackupJson.tree(line).path("entry");
        long lsn = entry.path("lsn").asLong();
        if (lsn > last) {
          out.add(new TimestampCut.Stamp(lsn, entry.path("timestamp").asLong(0)));
          last = lsn;
        }
      }
      if (TimestampCut.reaches(out, ts)) {
        break;
      }
    }
    return out;
  }
}
