package io.shardeddb.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The replicas trim their logs as production does (the production {@code LogTrimmer.trimOnce} on
 * each replica's simulated clock, {@link FaultPlan.LogTrim}: a retention of 60-140 entries, never
 * past the archive's floor), so a replica down, paused or cut off for longer than the retention
 * finds its next entry trimmed on its primary (410) and needs a full copy, and a move's import may
 * find its source's log trimmed. Nothing acknowledged may be lost, every log stays whole from where
 * it starts ({@link Judge#logHoles}), the shards take writes again.
 */
class LogTrimSimulationTest {
  static final int SHARD_SEEDS = 150;
  static final int MOVE_SEEDS = 40;

  @Test
  @DisplayName("one shard whose replicas trim their logs keeps the promise; lagging ones re-copy")
  void oneShard() {
    List<String> failed = new ArrayList<>();
    long trims = 0;
    long gone = 0;
    long acked = 0;
    for (long seed = 1; seed <= SHARD_SEEDS; seed++) {
      ShardSimulation sim = new ShardSimulation(seed, 3).withLogTrims();
      ShardSimulation.Result r = sim.run();
      if (!r.ok()) {
        failed.add("seed " + seed + ": " + r.violations().get(0) + "\n  faults: " + r.faults());
      }
      trims += sim.logTrimsDone();
      gone += sim.logGone();
      acked += r.acknowledged();
    }
    System.out.printf(
        "log trims, one shard: %d schedules, %d acknowledged writes, %d trims, %d /log answers"
            + " 410 (a replica behind the trimmed log), %d failing%n",
        SHARD_SEEDS, acked, trims, gone, failed.size());
    assertThat(trims).isPositive();
    assertThat(gone).as("replicas that found their next entry trimmed").isPositive();
    assertThat(failed).isEmpty();
  }

  @Test
  @DisplayName("two shards and a move whose replicas trim their logs keep the promise")
  void twoShardsAndAMove() {
    List<String> failed = new ArrayList<>();
    long trims = 0;
    long gone = 0;
    long acked = 0;
    for (long seed = 1; seed <= MOVE_SEEDS; seed++) {
      MoveSimulation sim = new MoveSimulation(seed).withSnapshotCuts().withLogTrims();
      MoveSimulation.Result r = sim.run();
      if (!r.ok()) {
        failed.add("seed " + seed + ": " + r.violations().get(0));
      }
      trims += sim.logTrimsDone();
      gone += sim.logGone();
      acked += r.acknowledged();
    }
    System.out.printf(
        "log trims, two shards and a move: %d schedules, %d acknowledged writes, %d trims, %d"
            + " /log answers 410, %d failing%n",
        MOVE_SEEDS, acked, trims, gone, failed.size());
    assertThat(trims).isPositive();
    assertThat(gone).isPositive();
    assertThat(failed).isEmpty();
  }
}
