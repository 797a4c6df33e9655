package io.shardeddb.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardeddb.protocol.shard.ReplicaWeight;
import org.junit.jupiter.api.Test;

/**
 * Cabinet's weights and SEER's choice follow an injected latency in the simulator (issue 51 item
 * 2), with the production primary ({@code QuorumTracker}'s weights) and planner ({@code
 * FailoverPlanner}'s SEER score): the slowed secondary weighs least, stays out of the best-weighted
 * majority, and loses the election to the other secondary at the same position. Which secondary is
 * slowed alternates with the seed, so the choice follows the latency, not the names.
 */
class WeightedChoicesTest {
  static final long EXTRA = 40;

  @Test
  void aSlowedSecondaryLeavesTheBestWeightedMajorityAndLosesTheElection() {
    for (long seed = 1; seed <= 6; seed++) {
      ShardSimulation.SlowedReplica run =
          new ShardSimulation(seed, 3).runSlowedReplica(EXTRA, seed % 2 == 1);

      assertThat(run.violations()).as("seed %d", seed).isEmpty();
      ReplicaWeight slowed = weight(run, run.slowed());
      ReplicaWeight fast = weight(run, run.fast());
      assertThat(slowed.ackLatencyMillis()).as("seed %d", seed).isGreaterThan(2.0 * EXTRA);
      assertThat(slowed.weight()).as("seed %d", seed).isLessThan(fast.weight());
      assertThat(run.bestWeightedMajority())
          .as("seed %d", seed)
          .containsExactly(run.primaryBefore(), run.fast());
      assertThat(run.primaryAfter()).as("seed %d", seed).isEqualTo(run.fast());
      assertThat(run.elections())
          .as("seed %d", seed)
          .last()
          .asString()
          .startsWith("failed over to " + run.fast())
          .contains("runner-up " + run.slowed());
    }
  }

  private static ReplicaWeight weight(ShardSimulation.SlowedReplica run, String name) {
    return run.weights().stream().filter(w -> w.name().equals(name)).findFirst().orElseThrow();
  }
}
