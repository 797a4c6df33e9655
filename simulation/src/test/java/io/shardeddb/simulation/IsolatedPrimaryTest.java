package io.shardeddb.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * DESIGN §5 rule 11 in the simulator, with the operator's real planner: a primary cut off from
 * every other replica (the operator and the clients still reach it) is replaced, and writes are
 * acknowledged again while the cut lasts; with the rule's input missing (primaries that do not
 * report their quorum), nothing replaces it and no write is acknowledged for the whole cut.
 */
class IsolatedPrimaryTest {
  static final long CUT = 16_000;

  @Test
  void aPrimaryCutOffFromItsSecondariesIsReplacedAndWritesResume() {
    for (long seed = 1; seed <= 20; seed++) {
      ShardSimulation.Isolation run = new ShardSimulation(seed, 3).runIsolatedPrimary(CUT, true);
      assertThat(run.violations()).as("seed %d", seed).isEmpty();
      assertThat(run.primaryAfter()).as("seed %d", seed).isNotEqualTo(run.isolated());
      assertThat(run.ackedWhileCut())
          .as("seed %d: writes in the cut's second half", seed)
          .isPositive();
    }
  }

  @Test
  void withoutTheQuorumReportNothingReplacesItAndNoWriteIsAcknowledged() {
    ShardSimulation.Isolation run = new ShardSimulation(1, 3).runIsolatedPrimary(CUT, false);
    assertThat(run.violations()).isEmpty();
    assertThat(run.primaryAfter()).isEqualTo(run.isolated());
    assertThat(run.ackedWhileCut()).isZero();
  }
}
