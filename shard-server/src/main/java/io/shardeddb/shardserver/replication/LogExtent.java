package io.shardeddb.shardserver.replication;

import io.shardeddb.shardserver.replication.rules.CopyState;

/**
 * How far a replica's log goes: the last applied entry ({@code appliedLsn}, written in {@code
 * lastEntryEpoch}), where the log starts after trims and snapshots, and whether a re-copy has begun
 * (rule 7: then nothing is held). Immutable; every transition returns a new extent.
 */
record LogExtent(
    long appliedLsn, long lastEntryEpoch, long logStartLsn, long logStartEpoch, boolean copying) {

  static final LogExtent EMPTY = new LogExtent(0, 0, 0, 0, false);

  /** Entries up to {@code lsn} (written in {@code entryEpoch}) are committed locally. */
  LogExtent advanced(long lsn, long entryEpoch) {
    return lsn > appliedLsn
        ? new LogExtent(lsn, entryEpoch, logStartLsn, logStartEpoch, copying)
        : this;
  }

  /** A re-copy began: the position rule 7's {@link CopyState#begin} gives, no log. */
  LogExtent copyBegun() {
    CopyState s = copyState().begin();
    return new LogExtent(s.appliedLsn(), s.lastEntryEpoch(), 0, 0, s.copying());
  }

  /** A snapshot of {@code (entryEpoch, lsn)} is loaded: the log starts after it. */
  static LogExtent snapshotAt(long lsn, long entryEpoch) {
    return new LogExtent(lsn, entryEpoch, lsn, entryEpoch, false);
  }

  /** Older entries were trimmed: the log now starts after {@code lsn} (never moves back). */
  LogExtent startsAfter(long lsn, long epoch) {
    return lsn > logStartLsn
        ? new LogExtent(appliedLsn, lastEntryEpoch, lsn, epoch, copying)
        : this;
  }

  /** The copy state (rule 7). */
  CopyState copyState() {
    return new CopyState(copying, appliedLsn, lastEntryEpoch);
  }
}
