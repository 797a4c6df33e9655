package io.shardeddb.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The gap "a shrink reverted half-way is not treated as a growth" (docs/safety.md, rule 12),
 * scripted ({@link ShardSimulation#runShrinkRevertedHalfWay}): five replicas, the primary cut off
 * from all but one staying replica, the spec 5 → 3 and back to 5 within one operator pass, then the
 * primary's partner crashes. The writes the primary acknowledged with its partner under the
 * three-replica quorum must survive the election that follows.
 */
class ShrinkRevertedHalfWayTest {

  @Test
  @DisplayName(
      "a shrink reverted half-way grows back from the primary's voting set: no write acknowledged"
          + " by the smaller quorum is lost")
  void aShrinkRevertedHalfWayKeepsEveryAcknowledgement() {
    for (long seed = 1; seed <= 5; seed++) {
      ShardSimulation.Result r = new ShardSimulation(seed, 5).runShrinkRevertedHalfWay();
      assertThat(r.acknowledged()).as("seed %d: writes acknowledged", seed).isPositive();
      assertThat(r.violations()).as("seed %d, faults %s", seed, r.faults()).isEmpty();
    }
  }
}
