package io.shardeddb.bench;

import java.util.List;

/**
 * One measured phase: {@code ops} writes or reads against one target at one client concurrency.
 *
 * @param suite which part of the run: {@code main}, {@code clients} or {@code shards}
 * @param target the system, e.g. {@code shardeddb 4x3}, {@code direct-jdbc}
 * @param failedSamples the first few failure messages, for the report
 * @param runSeconds every measured run's seconds when this is the median of several runs, in the
 *     order run
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
    List<String> failedSamples,
    List<Double> runSeconds) {

  /** A single run. */
  PhaseResult(
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
    this(
        suite,
        target,
        shards,
        replicas,
        phase,
        clients,
        ops,
        completed,
        failures,
        seconds,
        latency,
        failedSamples,
        List.of(seconds));
  }

  double opsPerSecond() {
    return seconds <= 0 ? 0 : completed / seconds;
  }

  /** A run with failures (or one cut short by its time limit) is not a result. */
  boolean valid() {
    return failures == 0 && completed == ops;
  }
}
