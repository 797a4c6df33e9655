package io.shardeddb.shardserver.backup;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.LongSupplier;

/**
 * When each LSN became committed, sampled: every {@link #sample} that sees the commit point move
 * records (time, commit point). {@link #stampFor} answers the first sample at or past an LSN, an
 * upper bound on its commit time (late by at most the sampling period). Samples at or below the
 * archived LSN are dropped, so memory is bounded by the archive lag.
 */
final class CommitClock {
  private record Sample(long millis, long committedLsn) {}

  private final Deque<Sample> samples = new ArrayDeque<>();
  private final LongSupplier committedLsn;
  private final LongSupplier clock;

  CommitClock(LongSupplier committedLsn, LongSupplier clock) {
    this.committedLsn = committedLsn;
    this.clock = clock;
  }

  /** Records the commit point if it moved. */
  synchronized void sample() {
    long c = committedLsn.getAsLong();
    if (c < 0) {
      return;
    }
    if (samples.isEmpty() || samples.peekLast().committedLsn() < c) {
      samples.addLast(new Sample(clock.getAsLong(), c));
    }
  }

  /** The time of the first sample whose commit point reaches {@code lsn} (now if none yet). */
  synchronized long stampFor(long lsn) {
    for (Sample s : samples) {
      if (s.committedLsn() >= lsn) {
        return s.millis();
      }
    }
    return clock.getAsLong();
  }

  /** Forgets samples no longer needed once everything up to {@code archivedLsn} is archived. */
  synchronized void archivedUpTo(long archivedLsn) {
    while (samples.size() > 1) {
      Sample first = samples.peekFirst();
      if (first.committedLsn() <= archivedLsn) {
        samples.pollFirst();
      } else {
        break;
      }
    }
  }

  /** A new term: samples of an older term say nothing about this one's LSNs. */
  synchronized void reset() {
    samples.clear();
  }
}
