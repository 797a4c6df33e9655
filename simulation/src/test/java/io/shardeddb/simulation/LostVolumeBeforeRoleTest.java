package io.shardeddb.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The election gap the simulator found at seed 722 (with a replication window of 4), scripted so
 * that main's simulator reaches it on every seed: the replica chosen from its fence answer loses
 * its volume and restarts empty before its Primary role arrives. The production {@code RoleService}
 * must refuse the role (its log is behind the position it was chosen for), and the shard must elect
 * again once a majority holding data answers, keeping every acknowledged write.
 */
class LostVolumeBeforeRoleTest {

  @Test
  @DisplayName(
      "a replica that loses its volume between its fence answer and its Primary role refuses the"
          + " role, and no acknowledged write is lost")
  void theEmptiedWinnerRefusesAndNothingIsLost() {
    for (long seed = 1; seed <= 10; seed++) {
      ShardSimulation.LostVolume run = new ShardSimulation(seed, 3).runLostVolumeBeforeRole();
      assertThat(run.wiped()).as("seed %d: an election chose a replica", seed).isNotNull();
      assertThat(run.acknowledgedBefore())
          .as("seed %d: writes acknowledged before the crash", seed)
          .isPositive();
      assertThat(run.result().violations())
          .as("seed %d, faults %s", seed, run.result().faults())
          .isEmpty();
      assertThat(run.primaryRefusals())
          .as("seed %d: %s refused the Primary role", seed, run.wiped())
          .isPositive();
    }
  }
}
