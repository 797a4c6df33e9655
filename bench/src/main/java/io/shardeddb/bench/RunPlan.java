package io.shardeddb.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * How one target is measured so every target is treated alike: a warm-up run (not reported), then
 * {@code runs} measured runs whose median is reported, then a one-client latency run. Each run
 * writes keys no other run wrote, spread over the whole key space ({@code i * slots + slot}), so
 * every run touches every shard of a range-sharded configuration.
 *
 * @param ops operations per warm-up or measured run
 * @param runs measured runs (the median is reported)
 * @param latencyOps operations of the one-client latency run (at most {@code ops}; 0: none)
 * @param warmups key slots for warm-up runs: 1, or {@link WarmUp#maxRuns()} when a target warms
 *     until its runs agree
 */
record RunPlan(int ops, int runs, int latencyOps, int warmups) {
  /** One warm-up run. */
  RunPlan(int ops, int runs, int latencyOps) {
    this(ops, runs, latencyOps, 1);
  }

  RunPlan {
    if (ops < 1 || runs < 1 || latencyOps < 0 || latencyOps > ops || warmups < 1) {
      throw new IllegalArgumentException(
          "need ops >= 1, runs >= 1 and 0 <= latency ops <= ops; got "
              + ops
              + ", "
              + runs
              + ", "
              + latencyOps);
    }
  }

  /** Key slots: the warm-ups, one per measured run, and the latency run. */
  int slots() {
    return warmups + runs + 1;
  }

  /** Keys {@code 0 .. keySpace-1} hold every run's keys; a configuration's shards cover them. */
  int keySpace() {
    return ops * slots();
  }

  /** The keys of the first warm-up run. */
  KeySet warmup() {
    return warmup(0);
  }

  /** The keys of warm-up run {@code run} (0-based). */
  KeySet warmup(int run) {
    if (run < 0 || run >= warmups) {
      throw new IllegalArgumentException("warm-up " + run + " of " + warmups);
    }
    return new KeySet(run, slots(), ops);
  }

  /** The keys of measured run {@code run} (0-based). */
  KeySet measured(int run) {
    return new KeySet(measuredSlot(run), slots(), ops);
  }

  /** The key slot of measured run {@code run}: after every warm-up's. */
  int measuredSlot(int run) {
    if (run < 0 || run >= runs) {
      throw new IllegalArgumentException("run " + run + " of " + runs);
    }
    return warmups + run;
  }

  KeySet latency() {
    return new KeySet(slots() - 1, slots(), Math.max(1, latencyOps));
  }

  /**
   * The reported result of several runs of one phase: the run with the median time (the lower
   * middle one for an even count), carrying every run's seconds; failures add up over all runs, so
   * one failed run makes the whole phase no result.
   */
  static PhaseResult median(List<PhaseResult> runs) {
    if (runs.isEmpty()) {
      throw new IllegalArgumentException("no runs");
    }
    List<PhaseResult> sorted = new ArrayList<>(runs);
    sorted.sort(Comparator.comparingDouble(PhaseResult::seconds));
    PhaseResult mid = sorted.get((sorted.size() - 1) / 2);
    int failures = runs.stream().mapToInt(PhaseResult::failures).sum();
    List<String> samples = runs.stream().flatMap(r -> r.failedSamples().stream()).toList();
    return new PhaseResult(
        mid.suite(),
        mid.target(),
        mid.shards(),
        mid.replicas(),
        mid.phase(),
        mid.clients(),
        mid.ops(),
        // A run cut short by its time limit leaves the phase incomplete, hence no result.
        runs.stream().mapToInt(PhaseResult::completed).min().orElse(0),
        failures,
        mid.seconds(),
        mid.latency(),
        samples.subList(0, Math.min(5, samples.size())),
        runs.stream().map(PhaseResult::seconds).toList());
  }
}
