package io.shardeddb.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Rules 11 and 12 together in the simulator, with the operator's real planner: shrinking 5 → 3
 * while the primary is cut off from the replicas that stay. The cut-off primary is replaced by a
 * leaving replica (only those hold its last writes), which hands over to a staying replica; the
 * hand-over must not pick the replica just replaced for reaching no majority, or the shard goes
 * back and forth between them for as long as the cut lasts ({@code MembershipFaultIT}'s 5 → 3 row
 * measured that as an outage over 10 s on real processes).
 */
class ShrinkIsolationTest {
  static final long CUT = 16_000;

  @Test
  void theHandOverAfterTheShrinkDoesNotGoBackToTheCutOffPrimary() {
    for (long seed = 1; seed <= 10; seed++) {
      ShardSimulation.ShrinkIsolation run =
          new ShardSimulation(seed, 5).runShrinkWithPrimaryCutOffUntilHealed(CUT);
      System.out.printf(
          "seed %d: cut off %s, primaries while cut %s, longest gap %d ms%n",
          seed, run.cutOff(), run.primaries(), run.longestGap());
      assertThat(run.violations()).as("seed %d", seed).isEmpty();
      assertThat(run.primaries())
          .as("seed %d: primaries recorded while %s was cut off", seed, run.cutOff())
          .filteredOn(p -> p.equals(run.cutOff()))
          .hasSize(1);
      assertThat(run.primaries().get(run.primaries().size() - 1))
          .as("seed %d: the primary at the heal", seed)
          .isNotEqualTo(run.cutOff());
    }
  }
}
