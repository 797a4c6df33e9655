package io.shardeddb.cli.command;

import io.shardeddb.backup.ArchiveOwner;
import io.shardeddb.backup.ArchiveState;
import io.shardeddb.backup.BackupCatalog;
import io.shardeddb.backup.BackupManifest;
import io.shardeddb.backup.BackupStore;
import io.shardeddb.backup.RestorePoint;
import io.shardeddb.backup.ShardBaseBackup;
import io.shardeddb.cli.output.TextTable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * What {@code kubectl-sdb backup list DB --from-store FILE} shows of a database's objects in the
 * store, without its resource: the archive's owner (namespace, name, UID), the complete base
 * backups and restore points a restore can name, and how far each shard's archive reaches (the
 * latest time a restore can name is the earliest of those).
 */
public record StoreListing(ArchiveOwner owner, List<Entry> entries, List<Archive> archive) {

  /** A base backup ({@code Base}, with its size) or a restore point ({@code RestorePoint}). */
  public record Entry(
      String name, String method, String completedAt, Long sizeBytes, Map<String, Long> lsns) {}

  /** A shard's archive: every entry up to {@code archivedLsn}, all committed by that time. */
  public record Archive(String shard, long archivedLsn, String archivedThrough) {}

  /** Reads the listing of {@code db} (whose owner the caller checked) from {@code store}. */
  static StoreListing read(BackupStore store, String db, ArchiveOwner owner) {
    BackupCatalog catalog = new BackupCatalog(store, db, owner.uid());
    List<BackupManifest> backups = catalog.backups();
    Map<String, RestorePoint> points = catalog.restorePoints();
    TreeSet<String> shards = new TreeSet<>();
    backups.forEach(m -> m.shards().forEach(s -> shards.add(s.shard())));
    points.values().forEach(p -> shards.addAll(p.lsns().keySet()));
    return of(owner, backups, points, catalog.archive(List.copyOf(shards)));
  }

  /** The listing of these objects: entries by completion, oldest first; shards by id. */
  static StoreListing of(
      ArchiveOwner owner,
      List<BackupManifest> backups,
      Map<String, RestorePoint> points,
      Map<String, ArchiveState> archive) {
    List<Entry> entries = new ArrayList<>();
    for (BackupManifest m : backups) {
      Map<String, Long> lsns = new TreeMap<>();
      for (ShardBaseBackup s : m.shards()) {
        lsns.put(s.shard(), s.lsn());
      }
      entries.add(new Entry(m.name(), "Base", time(m.completedAtMillis()), m.bytes(), lsns));
    }
    for (RestorePoint p : points.values()) {
      entries.add(
          new Entry(
              p.name(), "RestorePoint", time(p.createdAtMillis()), null, new TreeMap<>(p.lsns())));
    }
    entries.sort(Comparator.comparing(Entry::completedAt).thenComparing(Entry::name));
    List<Archive> shards =
        new TreeMap<>(archive)
            .values().stream()
                .map(a -> new Archive(a.shard(), a.archivedLsn(), time(a.archivedThroughMillis())))
                .toList();
    return new StoreListing(owner, entries, shards);
  }

  /** The human-readable listing. */
  String table() {
    StringBuilder out = new StringBuilder();
    out.append("the archive of ShardedDatabase ")
        .append(owner.describe())
        .append(", first used at ")
        .append(time(owner.createdAtMillis()))
        .append('\n');
    TextTable t = new TextTable("NAME", "METHOD", "COMPLETED", "SIZE", "LSNS");
    for (Entry e : entries) {
      t.row(
          e.name(),
          e.method(),
          e.completedAt(),
          e.sizeBytes(),
          e.lsns().entrySet().stream()
              .map(x -> x.getKey() + "=" + x.getValue())
              .collect(Collectors.joining(",")));
    }
    out.append(t.render());
    if (!archive.isEmpty()) {
      TextTable a = new TextTable("SHARD", "ARCHIVED-LSN", "ARCHIVED-THROUGH");
      archive.forEach(x -> a.row(x.shard(), x.archivedLsn(), x.archivedThrough()));
      out.append(a.render());
    }
    return out.toString();
  }

  /** As {@code -o json|yaml} prints it. */
  Map<String, Object> structured() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("owner", owner);
    out.put("backups", entries);
    out.put("archive", archive);
    return out;
  }

  private static String time(long millis) {
    return Instant.ofEpochMilli(millis).toString();
  }
}
