package io.shardeddb.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Planned switch-overs under the main world's faults (DESIGN §5 rule 9): a user asks for one every
 * 1-3 s, the production planner fences the primary, waits for the target and promotes it; the
 * fenced primary's answer hands its lease over, so the new primary serves {@code primary} reads
 * (and, on the oracle shard, timestamps) at once instead of one lease period after its promotion.
 * Kept, no read misses an acknowledged write; broken — a primary told the lease was handed over
 * although its former was still within its own wait, or any promotion skipping the wait — the
 * checker finds a stale primary read.
 */
class SwitchoverSimulationTest {
  private static final int SCHEDULES = Integer.getInteger("sim.switchoverSchedules", 300);

  @Test
  @DisplayName(
      "planned switch-overs through faults: the new primary serves at once and no primary read"
          + " misses an acknowledged write")
  void switchoversHandTheLeaseOver() {
    List<String> failures = new ArrayList<>();
    int handedOver = 0;
    for (long seed = 1; seed <= SCHEDULES; seed++) {
      ShardSimulation sim = new ShardSimulation(seed, 3 + (int) (seed % 3)).withSwitchovers();
      ShardSimulation.Result r = sim.run();
      handedOver += sim.handedOverPromotions();
      if (!r.ok()) {
        failures.add("seed " + seed + ": " + r.violations().get(0) + "\n  faults: " + r.faults());
      }
    }
    System.out.printf(
        "simulation (switch-overs): %d schedules, %d promotions with the lease handed over,"
            + " %d failing%n",
        SCHEDULES, handedOver, failures.size());
    assertThat(handedOver).as("switch-overs that handed the lease over").isGreaterThan(SCHEDULES);
    assertThat(failures).isEmpty();
  }
}
