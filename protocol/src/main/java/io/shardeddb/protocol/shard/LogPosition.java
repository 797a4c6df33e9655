package io.shardeddb.protocol.shard;

import io.micronaut.serde.annotation.Serdeable;

/**
 * A replica's log position: the epoch and LSN of its last entry, ordered as an election orders
 * candidates (DESIGN §5 rule 2): by entry epoch, then by LSN.
 */
@Serdeable
public record LogPosition(long epoch, long lsn) implements Comparable<LogPosition> {

  /** The position of an empty log (a first bring-up). */
  public static final LogPosition EMPTY = new LogPosition(0, 0);

  /** The last entry a fence answer reported. */
  public static LogPosition of(FenceResponse answer) {
    return new LogPosition(answer.lastEntryEpoch(), answer.lastLsn());
  }

  @Override
  public int compareTo(LogPosition o) {
    int byEpoch = Long.compare(epoch, o.epoch);
    return byEpoch != 0 ? byEpoch : Long.compare(lsn, o.lsn);
  }

  /** Whether this position comes before {@code other} (a log ending here lacks entries of it). */
  public boolean isBefore(LogPosition other) {
    return compareTo(other) < 0;
  }

  @Override
  public String toString() {
    return "lsn " + lsn + " of epoch " + epoch;
  }
}
