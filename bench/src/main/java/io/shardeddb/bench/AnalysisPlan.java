package io.shardeddb.bench;

import io.shardeddb.api.v1alpha1.ShardSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * The keys of the assignment's analysis on one fresh deployment: the COLD run first ({@code ops}
 * writes, then reads of the same keys, nothing before it), then a warm-up run (not reported), then
 * {@code runs} measured WARM runs (the median is reported), then the failure check's probe rows.
 * Each run has keys no other run has, spread over the whole key space ({@code i * slots + slot}) as
 * {@link RunPlan}'s are, so every run touches every shard.
 *
 * @param ops writes, then reads, per run
 * @param runs measured warm runs
 */
record AnalysisPlan(int ops, int runs) {
  AnalysisPlan {
    if (ops < 1 || runs < 1) {
      throw new IllegalArgumentException("need ops >= 1 and runs >= 1; got " + ops + ", " + runs);
    }
  }

  /** Key slots: cold, warm-up, one per measured run, the probes. */
  int slots() {
    return runs + 3;
  }

  int keySpace() {
    return ops * slots();
  }

  KeySet cold() {
    return new KeySet(0, slots(), ops);
  }

  KeySet warmup() {
    return new KeySet(1, slots(), ops);
  }

  /** The keys of measured warm run {@code run} (0-based). */
  KeySet warm(int run) {
    if (run < 0 || run >= runs) {
      throw new IllegalArgumentException("run " + run + " of " + runs);
    }
    return new KeySet(2 + run, slots(), ops);
  }

  private int probeSlot() {
    return slots() - 1;
  }

  /**
   * Up to {@code count} probe keys inside {@code shard}'s range (none of them written by a run):
   * the failure check's writes to a shard whose server failed.
   */
  List<Long> probes(ShardSpec shard, int count) {
    List<Long> keys = new ArrayList<>();
    for (long i = 0; keys.size() < count && i < ops; i++) {
      long key = i * slots() + probeSlot();
      if (key >= shard.low() + shard.size()) {
        break;
      }
      if (key >= shard.low()) {
        keys.add(key);
      }
    }
    return keys;
  }

  /**
   * Every key the runs (cold, warm-up, warm) wrote inside {@code shard}'s range, ascending: what a
   * read of the whole range must return, besides the probes.
   */
  List<Long> written(ShardSpec shard) {
    List<Long> keys = new ArrayList<>();
    long end = Math.min(shard.low() + shard.size(), keySpace());
    for (long key = shard.low(); key < end; key++) {
      if (key % slots() != probeSlot()) {
        keys.add(key);
      }
    }
    return keys;
  }
}
