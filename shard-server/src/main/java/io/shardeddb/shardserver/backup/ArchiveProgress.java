package io.shardeddb.shardserver.backup;

import io.shardeddb.shardserver.replication.LogTrimFloor;
import jakarta.inject.Singleton;

/**
 * How far this shard's archive is known to reach, and whether archiving is healthy. It is the log's
 * trim floor: with archiving on, no replica trims an entry above the archived LSN it knows (a
 * primary from its own uploads, a secondary from the shard's archive state in the store; 0 until
 * learned, so nothing is trimmed before). A store that stays down holds the log back and is
 * reported as stalled ({@code /backup/status}, metrics), never skipped silently.
 */
@Singleton
public class ArchiveProgress implements LogTrimFloor {
  private final BackupSettings settings;
  private volatile long archivedLsn;
  private volatile long archivedThroughMillis;
  private volatile long lastSuccessMillis = System.currentTimeMillis();
  private volatile String lastError;
  private volatile long bytes;
  private volatile long pendingSinceMillis;
  private volatile String gap;
  private volatile String refused;
  private volatile boolean capped;
  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(ArchiveProgress.class);

  public ArchiveProgress(BackupSettings settings) {
    this.settings = settings;
  }

  /**
   * The archived LSN; but while archiving is stalled ({@link #stalled}) and the log holds more than
   * {@code max-unarchived-entries} past it, {@code appliedLsn} minus that bound: a store outage
   * must not fill the replica's disk and stop the database. What is trimmed unarchived is a gap,
   * which the archiver records in the store when it resumes (restores refuse to cross it) and
   * reports.
   */
  @Override
  public long maxTrimLsn(long appliedLsn, long nowMillis) {
    if (!settings.enabled()) {
      return Long.MAX_VALUE;
    }
    long bound = settings.maxUnarchivedEntries();
    long held = archivedLsn;
    if (bound > 0 && appliedLsn - held > bound && stalled(nowMillis)) {
      if (!capped) {
        capped = true;
        LOG.error(
            "archiving stalled with {} entries past the archive (lsn {}), more than"
                + " max-unarchived-entries {}: the log is trimmed past the archive, which will"
                + " have a gap; take a new base backup once the store is back",
            appliedLsn - held,
            held,
            bound);
      }
      return appliedLsn - bound;
    }
    return held;
  }

  /** Whether the log was trimmed past the archive to bound it (a gap follows), since start. */
  public boolean capped() {
    return capped;
  }

  public long archivedLsn() {
    return archivedLsn;
  }

  public long archivedThroughMillis() {
    return archivedThroughMillis;
  }

  /** Raises the known archived LSN (never lowers it: the archive only grows). */
  public synchronized void archived(long lsn, long throughMillis, long addedBytes) {
    archivedLsn = Math.max(archivedLsn, lsn);
    archivedThroughMillis = Math.max(archivedThroughMillis, throughMillis);
    bytes += addedBytes;
  }

  public void succeeded(long nowMillis, boolean caughtUp) {
    lastSuccessMillis = nowMillis;
    lastError = null;
    if (caughtUp) {
      pendingSinceMillis = 0;
    }
  }

  public void failed(String error) {
    lastError = error;
  }

  /** Notes that committed entries wait to be archived (from when, for the lag). */
  public void pending(long nowMillis) {
    if (pendingSinceMillis == 0) {
      pendingSinceMillis = nowMillis;
    }
  }

  /**
   * Why the archive under this database's name is not this incarnation's (null: it is, or nobody's
   * yet): nothing is archived or read from it, and the trim floor stays where it was.
   */
  public void refused(String why) {
    refused = why;
  }

  public String refusedReason() {
    return refused;
  }

  public void gap(String description) {
    gap = description;
  }

  /** How long committed entries have waited (0 when caught up). */
  public long lagMillis(long nowMillis) {
    long since = pendingSinceMillis;
    return since == 0 ? 0 : Math.max(0, nowMillis - since);
  }

  /** Whether archiving has failed for longer than the stall bound while entries wait. */
  public boolean stalled(long nowMillis) {
    return lastError != null
        && pendingSinceMillis != 0
        && nowMillis - lastSuccessMillis > settings.stallAfter().toMillis();
  }

  public String lastError() {
    return lastError;
  }

  public long lastSuccessMillis() {
    return lastSuccessMillis;
  }

  public long bytes() {
    return bytes;
  }

  public String gapDescription() {
    return gap;
  }
}
