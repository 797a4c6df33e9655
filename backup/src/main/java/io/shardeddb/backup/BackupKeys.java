package io.shardeddb.backup;

/**
 * The object layout in the store, in one place (docs/backup.md): everything of a database lives
 * under {@code <database>/}; the archive under {@code wal/<shard>/} as segments named by their
 * first and last LSN (zero-padded, so key order is LSN order) plus the shard's archive state; the
 * owner marker ({@code owner.json}, {@link ArchiveOwner}) at the top, written before anything else;
 * each base backup under {@code backups/<name>/} (one snapshot per shard and the manifest written
 * last); a shard's changes of its owned ranges (resharding) under {@code wal/<shard>/ranges/};
 * restore points under {@code restore-points/}.
 */
public final class BackupKeys {
  private BackupKeys() {}

  public static String database(String db) {
    return db + "/";
  }

  /**
   * The marker naming the one database incarnation whose archive this is ({@link ArchiveOwner}).
   */
  public static String archiveOwner(String db) {
    return db + "/owner.json";
  }

  /**
   * The prefixes an incarnation writes its archive and backups under: any object there makes the
   * archive non-empty ({@code <db>/restore/}, the restore reports of a database restored into this
   * name, is not among them: they precede the first archiving).
   */
  public static java.util.List<String> archiveContents(String db) {
    return java.util.List.of(walRoot(db), backupsPrefix(db), restorePointsPrefix(db));
  }

  public static String walPrefix(String db, String shard) {
    return db + "/wal/" + shard + "/";
  }

  public static String segment(String db, String shard, long firstLsn, long lastLsn) {
    return walPrefix(db, shard) + "seg-" + pad(firstLsn) + "-" + pad(lastLsn) + ".ndjson";
  }

  /** The first and last LSN of a segment key, or null when the key is no segment. */
  public static long[] segmentRange(String key) {
    int slash = key.lastIndexOf('/');
    String name = key.substring(slash + 1);
    if (!name.startsWith("seg-") || !name.endsWith(".ndjson")) {
      return null;
    }
    String[] parts = name.substring(4, name.length() - 7).split("-");
    if (parts.length != 2) {
      return null;
    }
    try {
      return new long[] {Long.parseLong(parts[0]), Long.parseLong(parts[1])};
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** Where a shard's archive records a change of its owned ranges ({@link RangeChange}). */
  public static String rangeChange(String db, String shard, long lsn) {
    return rangeChangesPrefix(db, shard) + pad(lsn) + ".json";
  }

  /** Where a shard's archive records entries that never reached it ({@link ArchiveGap}). */
  public static String archiveGap(String db, String shard, long fromLsn, long toLsn) {
    return walPrefix(db, shard) + "gaps/" + pad(fromLsn) + "-" + pad(toLsn) + ".json";
  }

  public static String rangeChangesPrefix(String db, String shard) {
    return walPrefix(db, shard) + "ranges/";
  }

  public static String walRoot(String db) {
    return db + "/wal/";
  }

  public static String archiveState(String db, String shard) {
    return db + "/wal/" + shard + "/state.json";
  }

  public static String backupsPrefix(String db) {
    return db + "/backups/";
  }

  public static String manifest(String db, String backup) {
    return backupsPrefix(db) + backup + "/manifest.json";
  }

  /**
   * The snapshot {@code replica} takes of {@code shard} for {@code backup}: one key per replica, so
   * two replicas the operator asked (it may lose track of the first after a poll error) never write
   * one object that the manifest then describes as the other's (backup review 2026-11-26 M3). A
   * restore reads the key the shard's result names.
   */
  public static String baseSnapshot(String db, String backup, String shard, String replica) {
    return backupsPrefix(db) + backup + "/" + shard + "." + replica + ".ndjson";
  }

  public static String baseResult(String db, String backup, String shard) {
    return backupsPrefix(db) + backup + "/" + shard + ".json";
  }

  public static String restorePointsPrefix(String db) {
    return db + "/restore-points/";
  }

  public static String restorePoint(String db, String name) {
    return restorePointsPrefix(db) + name + ".json";
  }

  private static String pad(long lsn) {
    return String.format("%020d", lsn);
  }
}
