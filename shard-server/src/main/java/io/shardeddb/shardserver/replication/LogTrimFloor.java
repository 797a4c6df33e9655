package io.shardeddb.shardserver.replication;

/**
 * The highest LSN the log trimmer may remove: entries above it are still needed by someone other
 * than the replicas (continuous archiving: not yet in the backup store). {@link Long#MAX_VALUE}
 * when nothing holds the log back.
 */
public interface LogTrimFloor {
  /** The floor while the replica has applied {@code appliedLsn}, at {@code nowMillis}. */
  long maxTrimLsn(long appliedLsn, long nowMillis);
}
