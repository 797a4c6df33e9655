package io.shardeddb.backup;

import java.util.Optional;

/**
 * The one-owner rule of the archive (DESIGN §9): a database incarnation claims the archive under
 * its name by writing the owner marker ({@link BackupKeys#archiveOwner}) when nothing is there yet;
 * a marker naming another UID, or objects with no marker (CloudNativePG's "Expected empty
 * archive"), refuse it. A restore reads only an archive whose marker names its source.
 */
public final class ArchiveOwnership {
  private ArchiveOwnership() {}

  /** How the archive of {@code db} stands for the incarnation {@code uid}; writes nothing. */
  public static ArchiveClaim check(BackupStore store, String db, String uid) {
    Optional<ArchiveOwner> marker = marker(store, db);
    if (marker.isPresent()) {
      return decide(store, db, marker.get(), uid);
    }
    for (String prefix : BackupKeys.archiveContents(db)) {
      Optional<String> key = store.firstKey(prefix);
      if (key.isPresent()) {
        return new ArchiveClaim.NotEmpty(where(store, db), key.get(), uid);
      }
    }
    return new ArchiveClaim.Unclaimed();
  }

  /**
   * Claims the archive of {@code db} for {@code me} when nothing is there (a conditional put, then
   * the marker read back: of two racing claimants only the one it names owns it).
   */
  public static ArchiveClaim claim(BackupStore store, String db, ArchiveOwner me) {
    ArchiveClaim now = check(store, db, me.uid());
    if (!(now instanceof ArchiveClaim.Unclaimed)) {
      return now;
    }
    store.putIfAbsent(BackupKeys.archiveOwner(db), BackupJson.write(me));
    return marker(store, db)
        .map(m -> decide(store, db, m, me.uid()))
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "the owner marker " + where(store, db) + "owner.json did not read back"));
  }

  /**
   * The owner of the archive a restore of {@code db} reads: refused (a {@link RestoreException}
   * naming whose it is) unless a marker names {@code expectedUid} (the source's UID; null when the
   * source no longer exists: then any one owner, named by its marker). Empty when nothing is
   * archived at all (the plan then says what is missing).
   */
  public static Optional<ArchiveOwner> requireForRestore(
      BackupStore store, String db, String expectedUid) {
    ArchiveClaim c = check(store, db, expectedUid == null ? "" : expectedUid);
    return switch (c) {
      case ArchiveClaim.Owned o -> Optional.of(o.owner());
      case ArchiveClaim.Unclaimed u -> Optional.empty();
      case ArchiveClaim.Unidentified u -> Optional.empty();
      case ArchiveClaim.Foreign f when expectedUid == null -> Optional.of(f.owner());
      case ArchiveClaim.Foreign f ->
          throw new RestoreException(
              "the archive "
                  + f.where()
                  + " belongs to ShardedDatabase "
                  + f.owner().describe()
                  + ", an earlier or other incarnation, not to '"
                  + db
                  + "' (uid "
                  + expectedUid
                  + "): a restore of '"
                  + db
                  + "' would replay another database's rows; '"
                  + db
                  + "' itself has no archive there (its archiving is refused)");
      case ArchiveClaim.NotEmpty n ->
          throw new RestoreException(
              "the archive "
                  + n.where()
                  + " holds "
                  + n.key()
                  + " but no owner marker (owner.json), so nothing says which database wrote it;"
                  + " a restore reads only an archive whose owner is its source (docs/backup.md)");
    };
  }

  /**
   * The owner of the archive a restore from the store alone reads (docs/backup.md, "Disaster
   * recovery"): as {@link #requireForRestore}, and refused when nothing of {@code db} is in the
   * store, since then no marker names a source to restore.
   */
  public static ArchiveOwner requireMarkedForRestore(
      BackupStore store, String db, String expectedUid) {
    return requireForRestore(store, db, expectedUid)
        .orElseThrow(
            () ->
                new RestoreException(
                    "the store "
                        + where(store, db)
                        + " holds no database '"
                        + db
                        + "': no owner marker (owner.json) and nothing archived or backed up"
                        + " under it; check the database's name and the store's bucket and"
                        + " prefix"));
  }

  private static ArchiveClaim decide(BackupStore store, String db, ArchiveOwner m, String uid) {
    return m.uid() != null && m.uid().equals(uid)
        ? new ArchiveClaim.Owned(m)
        : new ArchiveClaim.Foreign(where(store, db), m, uid);
  }

  /** The owner marker of {@code db}'s archive, if there is one; checks nothing. */
  public static Optional<ArchiveOwner> marker(BackupStore store, String db) {
    return store.get(BackupKeys.archiveOwner(db)).map(b -> BackupJson.read(b, ArchiveOwner.class));
  }

  private static String where(BackupStore store, String db) {
    return store.settings().describe() + "/" + BackupKeys.database(db);
  }
}
