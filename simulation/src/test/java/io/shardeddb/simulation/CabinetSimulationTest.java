package io.shardeddb.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@code writeQuorum: Cabinet} under the main world's faults (issue 51 item 2): the primaries
 * acknowledge a write once the best-weighted majority holds it, through crashes, pauses,
 * partitions, lost volumes, storage faults and membership changes. Kept: the promise (no
 * acknowledged write lost or applied twice, replicas converge), and writes keep being acknowledged.
 */
class CabinetSimulationTest {
  private static final int SCHEDULES = Integer.getInteger("sim.cabinetSchedules", 200);

  @Test
  @DisplayName("writeQuorum Cabinet keeps the promise under the main world's faults")
  void cabinetKeepsThePromise() {
    List<String> failures = new ArrayList<>();
    long acknowledged = 0;
    for (long seed = 1; seed <= SCHEDULES; seed++) {
      ShardSimulation.Result r =
          ShardSimulation.withMembershipChanges(seed, 3 + (int) (seed % 3)).withCabinet().run();
      acknowledged += r.acknowledged();
      if (!r.ok()) {
        failures.add("seed " + seed + ": " + r.violations().get(0) + "\n  faults: " + r.faults());
      }
    }
    System.out.printf(
        "simulation (Cabinet): %d schedules, %d acknowledged, %d failing%n",
        SCHEDULES, acknowledged, failures.size());
    assertThat(acknowledged).isGreaterThan(SCHEDULES * 20L);
    assertThat(failures).isEmpty();
  }

  @Test
  void aSlowedSecondaryLeavesTheQuorumAndWritesAreStillAcknowledged() {
    for (long seed = 1; seed <= 4; seed++) {
      ShardSimulation.SlowedReplica run =
          new ShardSimulation(seed, 3).withCabinet().runSlowedReplica(40, seed % 2 == 1);
      assertThat(run.violations()).as("seed %d", seed).isEmpty();
      assertThat(run.bestWeightedMajority())
          .as("seed %d", seed)
          .containsExactly(run.primaryBefore(), run.fast());
      assertThat(run.primaryAfter()).as("seed %d", seed).isEqualTo(run.fast());
    }
  }
}
