package io.shardeddb.backup;

import java.util.ArrayList;
import java.util.List;

/**
 * Retention of the archive (backup review 2026-11-26 M2): once base backups expire, the archive's
 * segments that lie wholly at or before the oldest kept base's snapshot of their shard can serve no
 * restore — every restore starts from a kept base and replays only entries after its snapshot — so
 * they are deleted with it, as CloudNativePG prunes WAL behind its oldest backup. Restores then
 * list and read no more than the kept window. Only segments of shards the oldest kept base holds
 * are pruned; range-change records and the state stay.
 */
public final class ArchivePruning {
  private ArchivePruning() {}

  /**
   * The keys among {@code walKeys} (keys under {@link BackupKeys#walRoot} of database {@code db})
   * that are segments no restore from {@code oldestKept} or a later base can need.
   */
  public static List<String> behindOldestBase(
      String db, BackupManifest oldestKept, List<String> walKeys) {
    List<String> out = new ArrayList<>();
    String root = BackupKeys.walRoot(db);
    for (String key : walKeys) {
      if (!key.startsWith(root)) {
        continue;
      }
      String rest = key.substring(root.length());
      int slash = rest.indexOf('/');
      if (slash <= 0 || rest.indexOf('/', slash + 1) >= 0) {
        continue; // not directly in a shard's folder (e.g. ranges/)
      }
      long[] range = BackupKeys.segmentRange(key);
      ShardBaseBackup base = oldestKept.shard(rest.substring(0, slash));
      if (range != null && base != null && range[1] <= base.lsn()) {
        out.add(key);
      }
    }
    return out;
  }
}
