package io.shardeddb.router.routing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * The writes one shard's primary acknowledged to this router since it started: how many calls, how
 * many rows they carried, and the calls' latency in fixed buckets. The counts only grow, so a
 * reader that keeps two snapshots gets the rate and the latency distribution between them from
 * their differences (the web console does, docs/console.md); a restarted router starts at zero.
 */
public final class WriteHistogram {
  /**
   * The buckets' upper bounds in milliseconds; one more bucket counts every call above the last.
   */
  public static final List<Double> BOUNDS_MILLIS =
      List.of(
          0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0, 1000.0, 2000.0, 5000.0,
          10000.0);

  private final LongAdder calls = new LongAdder();
  private final LongAdder rows = new LongAdder();
  private final AtomicLongArray buckets = new AtomicLongArray(BOUNDS_MILLIS.size() + 1);

  /** Counts one acknowledged call that carried {@code rows} rows and took {@code nanos}. */
  public void record(int rows, long nanos) {
    buckets.incrementAndGet(bucketOf(nanos / 1_000_000.0));
    this.rows.add(rows);
    calls.increment();
  }

  /**
   * The bucket a call of {@code millis} falls in: the first whose bound is not below it, else the
   * last (above every bound).
   */
  static int bucketOf(double millis) {
    for (int i = 0; i < BOUNDS_MILLIS.size(); i++) {
      if (millis <= BOUNDS_MILLIS.get(i)) {
        return i;
      }
    }
    return BOUNDS_MILLIS.size();
  }

  /** The counts now. */
  public Snapshot snapshot() {
    List<Long> counts = new ArrayList<>(buckets.length());
    for (int i = 0; i < buckets.length(); i++) {
      counts.add(buckets.get(i));
    }
    return new Snapshot(calls.sum(), rows.sum(), BOUNDS_MILLIS, List.copyOf(counts));
  }

  /**
   * Counts since the router started: acknowledged calls, the rows they carried, and per bucket the
   * calls that took at most its bound ({@code counts} has one more entry than {@code boundsMillis}:
   * the calls above the last bound). Buckets are not cumulative.
   */
  public record Snapshot(long calls, long rows, List<Double> boundsMillis, List<Long> counts) {}
}
