package io.shardeddb.shardserver.replication.rules;

/**
 * Rule 7: the durable copy state of a replica. A re-copy first records {@code copying} with the
 * applied position reset (nothing is known any more), only then deletes; it ends atomically with
 * the snapshot's position. A failure or crash in between leaves it copying, so it never reports a
 * position it does not hold and is never a failover candidate.
 */
public record CopyState(boolean copying, long appliedLsn, long lastEntryEpoch) {

  /** The state persisted before anything is deleted. */
  public CopyState begin() {
    return new CopyState(true, 0, 0);
  }

  /** The snapshot at {@code (epoch, lsn)} is fully loaded. */
  public CopyState finish(long lsn, long epoch) {
    return new CopyState(false, lsn, epoch);
  }

  /** A copy broke off: what was persisted stays (still copying once begun). */
  public CopyState fail() {
    return this;
  }

  /** Whether this replica may be chosen as primary or counted in a fenced majority. */
  public boolean candidate() {
    return !copying;
  }
}
