package io.shardeddb.bench;

import java.util.Arrays;

/** Latency percentiles in milliseconds, nearest-rank over the successful operations. */
record LatencyStats(double p50, double p95, double p99, double max) {

  /** Computes the percentiles of {@code nanos} (the array is sorted in place). */
  static LatencyStats ofNanos(long[] nanos) {
    if (nanos.length == 0) {
      return new LatencyStats(Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    }
    Arrays.sort(nanos);
    return new LatencyStats(
        millis(nearestRank(nanos, 50)),
        millis(nearestRank(nanos, 95)),
        millis(nearestRank(nanos, 99)),
        millis(nanos[nanos.length - 1]));
  }

  /** The smallest value such that at least {@code percent}% of the sorted values are <= it. */
  static long nearestRank(long[] sorted, double percent) {
    int rank = (int) Math.ceil(percent / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length, rank) - 1)];
  }

  private static double millis(long nanos) {
    return nanos / 1_000_000.0;
  }
}
