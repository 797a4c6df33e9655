package io.shardeddb.bench;

import java.util.List;

/**
 * One measured phase: {@code ops} writes or reads against one target at one client concurrency.
 *
 * @param suite which part of the run: {@code main}, {@code clients} or {@code shards}
 * @param target the system, e.g. {@code shardeddb 4x3}, {@code direct-jdbc}
 * @param failedSamples the first few failure messages, for the report
 */
record PhaseResult(
    String suite,
    String target,
    int shards,
    int replicas,
    String phase,
    int clients,
    int ops,
    int completed,
    int failures,
    double seconds,
    LatencyStats latency,
    List<String> failedSamples) {

  double opsPerSecond() {
    return seconds <= 0 ? 0 : completed / seconds;
  }

  /** A run with failures (or one cut short by its time limit) is not a result. */
  boolean valid() {
    return failures == 0 && completed == ops;
  }
}
