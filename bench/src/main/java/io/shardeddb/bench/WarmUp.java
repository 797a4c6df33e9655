package io.shardeddb.bench;

import java.util.List;

/**
 * How a target is warmed before it is measured: one run (JIT, pools and caches warm), or — for
 * ShardedDB pods on the full tiered JIT, whose C2 compiles for minutes after start on two cores
 * (review 2026-11-26: runs of 25.5, 17.6 and 14.7 s, still compiling) — warm-up runs until two
 * consecutive ones agree within {@value #AGREE_PERCENT} % in both write and read time, at most
 * {@code maxRuns}. A target that does not settle within them is not measured.
 *
 * @param maxRuns warm-up runs at most (1: one run, no agreement asked)
 */
record WarmUp(int maxRuns) {
  static final int AGREE_PERCENT = 10;

  WarmUp {
    if (maxRuns < 1) {
      throw new IllegalArgumentException("at least one warm-up run, not " + maxRuns);
    }
  }

  /** One run, as every target but full-JIT pods. */
  static WarmUp once() {
    return new WarmUp(1);
  }

  /** Until two consecutive runs agree, at most {@code maxRuns} (at least two). */
  static WarmUp untilSteady(int maxRuns) {
    if (maxRuns < 2) {
      throw new IllegalArgumentException("two runs at least to see two agree, not " + maxRuns);
    }
    return new WarmUp(maxRuns);
  }

  /** What to do after the warm-up runs so far. */
  enum Verdict {
    /** Measure now. */
    WARM,
    /** Run another warm-up. */
    AGAIN,
    /** The bound is reached and the last two runs still disagree: no result for this target. */
    NOT_STEADY
  }

  /** The verdict after warm-up runs whose write and read times (seconds) are given in order. */
  Verdict after(List<Double> writeSeconds, List<Double> readSeconds) {
    int n = writeSeconds.size();
    if (n == 0) {
      return Verdict.AGAIN;
    }
    if (maxRuns == 1) {
      return Verdict.WARM;
    }
    if (n >= 2
        && agree(writeSeconds.get(n - 2), writeSeconds.get(n - 1))
        && agree(readSeconds.get(n - 2), readSeconds.get(n - 1))) {
      return Verdict.WARM;
    }
    return n >= maxRuns ? Verdict.NOT_STEADY : Verdict.AGAIN;
  }

  /** Two times agree when they differ by at most {@value #AGREE_PERCENT} % of the smaller. */
  static boolean agree(double a, double b) {
    return Math.abs(a - b) <= AGREE_PERCENT / 100.0 * Math.min(a, b);
  }

  /**
   * Whether pods started with these JVM options (local mode's, then the bench's, in order: the last
   * one of a flag wins) run the full tiered JIT, C2 included: the last {@code
   * -XX:TieredStopAtLevel=N} says 4, or there is none (the JVM's default), or the last tiered
   * switch is {@code -XX:-TieredCompilation} (C2 alone).
   */
  static boolean fullJit(List<String> jvmOptions) {
    Boolean full = null;
    for (String o : jvmOptions) {
      if (o.startsWith("-XX:TieredStopAtLevel=")) {
        full = o.equals("-XX:TieredStopAtLevel=4");
      } else if (o.equals("-XX:-TieredCompilation")) {
        full = true;
      }
    }
    return full == null || full;
  }
}
