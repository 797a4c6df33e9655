package io.shardeddb.backup;

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
    return plan;
  }
}
