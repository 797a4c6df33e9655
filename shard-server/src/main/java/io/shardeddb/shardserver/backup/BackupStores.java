package io.shardeddb.shardserver.backup;

import io.shardeddb.backup.ArchiveClaim;
import io.shardeddb.backup.ArchiveOwner;
import io.shardeddb.backup.ArchiveOwnership;
import io.shardeddb.backup.BackupStore;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;

/** The one {@link BackupStore} of this shard-server, or none when backups are off. */
@Singleton
public class BackupStores implements AutoCloseable {
  private static final String DATABASE_UID =
      "shardeddb.backup.database-uid (SHARDEDDB_BACKUP_DATABASE_UID)";
  private final BackupSettings settings;
  private volatile BackupStore store;

  public BackupStores(BackupSettings settings) {
    this.settings = settings;
  }

  public boolean enabled() {
    return settings.enabled();
  }

  /** The store; only when {@link #enabled()}. */
  public synchronized BackupStore get() {
    if (!settings.enabled()) {
      throw new IllegalStateException("no backup store is configured (shardeddb.backup.bucket)");
    }
    if (store == null) {
      store = new BackupStore(settings.store(), settings.callAttemptTimeout());
    }
    return store;
  }

  /** The database name the archive and backups are kept under. */
  public String database() {
    String db = settings.database();
    if (db == null || db.isBlank()) {
      throw new IllegalStateException(
          "shardeddb.backup.database (SHARDEDDB_BACKUP_DATABASE) is not set");
    }
    return db;
  }

  /**
   * Claims the archive for this database's incarnation if nobody has ({@link
   * ArchiveOwnership#claim}): only an {@link ArchiveClaim.Owned} one may archive or back up to it.
   */
  public ArchiveClaim claim() {
    String uid = settings.databaseUid();
    if (uid == null || uid.isBlank()) {
      return new ArchiveClaim.Unidentified(DATABASE_UID);
    }
    return ArchiveOwnership.claim(
        get(),
        database(),
        new ArchiveOwner(
            settings.databaseNamespace(), database(), uid, System.currentTimeMillis()));
  }

  /**
   * How the archive stands for this incarnation, claiming nothing ({@link ArchiveOwnership#check}).
   */
  public ArchiveClaim check() {
    String uid = settings.databaseUid();
    if (uid == null || uid.isBlank()) {
      return new ArchiveClaim.Unidentified(DATABASE_UID);
    }
    return ArchiveOwnership.check(get(), database(), uid);
  }

  @PreDestroy
  @Override
  public synchronized void close() {
    if (store != null) {
      store.close();
      store = null;
    }
  }
}
