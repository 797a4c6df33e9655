package io.shardeddb.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Issue 47 finding 6 in the simulated worlds: the one fault plan also restarts replicas' databases
 * under their live processes ({@link Fault.RestartDatabase}: the transaction in flight lands or
 * rolls back, its caller hears a lost connection either way, every call fails while the server is
 * down), on primaries and secondaries of one shard and of two shards with a move. The production
 * read-back after a failed commit or replay (rule 15) must leave no replica's memory behind its
 * storage, and a primary whose storage holds entries its term cannot explain must end its term and
 * be replaced: nothing acknowledged lost, the replicas converged, the shard taking writes again.
 */
class DatabaseRestartSimulationTest {
  static final int SHARD_SEEDS = 150;
  static final int MOVE_SEEDS = 40;

  @Test
  @DisplayName("one shard under database restarts keeps the promise")
  void oneShard() {
    List<String> failed = new ArrayList<>();
    long[] struck = new long[5];
    long termsEnded = 0;
    long acked = 0;
    for (long seed = 1; seed <= SHARD_SEEDS; seed++) {
      ShardSimulation sim = new ShardSimulation(seed, 3).withDatabaseRestarts();
      ShardSimulation.Result r = sim.run();
      if (!r.ok()) {
        failed.add("seed " + seed + ": " + r.violations().get(0) + "\n  faults: " + r.faults());
      }
      for (int i = 0; i < struck.length; i++) {
        struck[i] += r.storageFaults()[i];
      }
      termsEnded += sim.termsEnded();
      acked += r.acknowledged();
    }
    System.out.printf(
        "database restarts, one shard: %d schedules, %d acknowledged writes, %d restarts (%d cut a"
            + " COMMIT), %d terms ended by storage, %d failing%n",
        SHARD_SEEDS, acked, struck[3], struck[4], termsEnded, failed.size());
    assertThat(struck[3]).isPositive();
    assertThat(struck[4]).isPositive();
    assertThat(termsEnded).as("a primary's term ended by what its storage held").isPositive();
    assertThat(failed).isEmpty();
  }

  @Test
  @DisplayName("two shards and a move under database restarts keep the promise")
  void twoShardsAndAMove() {
    List<String> failed = new ArrayList<>();
    long[] struck = new long[5];
    long acked = 0;
    for (long seed = 1; seed <= MOVE_SEEDS; seed++) {
      MoveSimulation.Result r = new MoveSimulation(seed).withDatabaseRestarts().run();
      if (!r.ok()) {
        failed.add("seed " + seed + ": " + r.violations().get(0));
      }
      for (int i = 0; i < struck.length; i++) {
        struck[i] += r.storageFaultsStruck()[i];
      }
      acked += r.acknowledged();
    }
    System.out.printf(
        "database restarts, two shards and a move: %d schedules, %d acknowledged writes, %d"
            + " restarts (%d cut a COMMIT), %d failing%n",
        MOVE_SEEDS, acked, struck[3], struck[4], failed.size());
    assertThat(struck[3]).isPositive();
    assertThat(struck[4]).isPositive();
    assertThat(failed).isEmpty();
  }
}
