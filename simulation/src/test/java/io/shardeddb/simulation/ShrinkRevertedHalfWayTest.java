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

  /**
   * The window that stayed open before {@code status.shards[].shrinkVoters}: the primary and its
   * partner crash 150 ms after the revert, before any pass has seen the primary's smaller voting
   * set, so the status records five voters, the spec says five, and an election counting a majority
   * of five among the three replicas that never saw the writes loses them (red before: seed 1
   * "acknowledged write of key 2000031 (c1-31, acked by r0 at epoch 1) is missing on r0"). Two of
   * five failing is within the promise. The smaller set is recorded before the primary is told it,
   * so the election stays joint over it.
   */
  @Test
  @DisplayName(
      "a shrink reverted half-way whose primary dies before a pass saw its smaller voting set"
          + " loses no acknowledged write")
  void aShrinkRevertedHalfWayWhosePrimaryDiesBeforeAPassSawIt() {
    for (long seed = 1; seed <= 3; seed++) {
      ShardSimulation.Result r = new ShardSimulation(seed, 5).runShrinkRevertedHalfWay(true);
      assertThat(r.acknowledged()).as("seed %d: writes acknowledged", seed).isPositive();
      assertThat(r.violations()).as("seed %d, faults %s", seed, r.faults()).isEmpty();
    }
  }
}
