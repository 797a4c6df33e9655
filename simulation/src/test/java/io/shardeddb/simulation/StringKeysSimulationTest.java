package io.shardeddb.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardeddb.api.v1alpha1.MovePhase;
import io.shardeddb.protocol.topology.PointRange;
import io.shardeddb.protocol.topology.Sharding;
import io.shardeddb.shardserver.replication.rules.Rulebook;
import io.shardeddb.shardserver.replication.write.StorageOp;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * String primary keys in the move world (issue 46): a Hash-sharded database with a String-keyed
 * table ({@link MoveSimulation#withStringKeys}) whose rows are written while ranges split and merge
 * under the move world's faults. Every acknowledged row ends on every replica of the shard owning
 * its production point (the hash of its UTF-8 bytes) and on no other once the move finished; the
 * replicas converge. Broken — the export placing String keys by another hash — goes red ({@code
 * BrokenMoveRulesAreCaughtTest}).
 */
class StringKeysSimulationTest {
  private static final int SCHEDULES = Integer.getInteger("sim.stringKeyMoves", 24);

  @Test
  @DisplayName(
      "the simulated disk keeps String keys as the key column does: exactly (no padding, case"
          + " apart) and in code-point order")
  void theSimulatedDiskKeepsStringKeysExactlyInCodePointOrder() {
    SimDisk disk = new SimDisk();
    String emoji = "\ud83d\ude00";
    String fullWidthA = "\uff21";
    for (String key : List.of("a", "a ", "A", fullWidthA, emoji, "us\u00e9r")) {
      disk.execute(
          new StorageOp.Insert(
              List.of(SimStorage.row("accounts", key, 1)), List.of(0L), ShardSimulation.ACCOUNTS));
    }
    assertThat(disk.valuesOf("accounts").keySet())
        .containsExactly("A", "a", "a ", "us\u00e9r", fullWidthA, emoji);
    disk.execute(
        new StorageOp.DeletePoints(
            Sharding.Hash, new PointRange(Sharding.hash("a "), 1), ShardSimulation.ACCOUNTS));
    assertThat(disk.valuesOf("accounts")).doesNotContainKey("a ").containsKey("a");
  }

  @Test
  @DisplayName(
      "splits, boundary moves and merges of a Hash-sharded database carry its String-keyed rows to"
          + " the shard owning each key's hash, under the move world's faults")
  void movesCarryStringKeyedRows() {
    List<String> failures = new ArrayList<>();
    long rows = 0;
    int done = 0;
    for (long seed = 1; seed <= SCHEDULES; seed++) {
      MoveSimulation sim = MoveSimulation.withStringKeys(seed, new Rulebook());
      MoveSimulation.Result r = sim.run();
      rows += sim.accountsAcknowledged();
      done += r.phase() == MovePhase.Done ? 1 : 0;
      if (!r.ok()) {
        failures.add(
            "seed " + seed + ": " + r.violations().subList(0, Math.min(3, r.violations().size())));
      }
    }
    System.out.printf(
        "simulation (moves with String keys): %d schedules, %d moves done, %d String-keyed rows"
            + " acknowledged, %d failing%n",
        SCHEDULES, done, rows, failures.size());
    assertThat(rows).as("String-keyed rows must be acknowledged").isGreaterThan(SCHEDULES * 10L);
    assertThat(done).as("moves must complete").isGreaterThan(SCHEDULES / 3);
    assertThat(failures).isEmpty();
  }

  @Test
  @DisplayName(
      "the writer's keys are 400 distinct Strings, spelled apart only by a space or a case")
  void theWritersKeysAreDistinct() {
    java.util.Set<String> keys = new java.util.HashSet<>();
    for (int i = 0; i < 400; i++) {
      keys.add(MoveSimulation.accountKey(i));
    }
    assertThat(keys)
        .hasSize(400)
        .contains("user-3", "user-3 ", "USER-3", "us\u00e9r-\ud83d\ude00-3");
  }
}
