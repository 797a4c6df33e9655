package io.shardeddb.shardserver.replication;

import java.time.Duration;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Whether a warning that a poll loop may repeat every few hundred milliseconds should be logged
 * loudly now: the first time, whenever it differs from the last one, and once per {@code interval}
 * while it stays the same (the repeats go to debug).
 */
final class RepeatedWarning {
  private final long intervalNanos;
  private final LongSupplier nanoTime;
  private Object last;
  private long loudAt;

  RepeatedWarning(Duration interval, LongSupplier nanoTime) {
    this.intervalNanos = interval.toNanos();
    this.nanoTime = nanoTime;
  }

  /** Whether the warning {@code key} is to be logged at its own level now. */
  synchronized boolean loud(Object key) {
    long now = nanoTime.getAsLong();
    if (!Objects.equals(key, last) || now - loudAt >= intervalNanos) {
      last = key;
      loudAt = now;
      return true;
    }
    return false;
  }
}
