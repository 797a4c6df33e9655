package io.shardeddb.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardeddb.api.v1alpha1.MovePhase;
import io.shardeddb.protocol.topology.PointRange;
import io.shardeddb.protocol.topology.Sharding;
import io.shardeddb.shardserver.replication.rules.Rulebook;
import io.shardeddb.shardserver.replication.write.StorageOp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Composite primary keys in the move world (issue 46): a table {@code lines} with {@code PRIMARY
 * KEY (order_id, line_no)} ({@link MoveSimulation#withCompositeKeys}), four rows per order, whose
 * rows are inserted, updated and deleted by their whole key while ranges split and merge under the
 * move world's faults, under Range and Hash sharding (under Hash the String-keyed {@code accounts}
 * is updated and deleted too). Every row ends on every replica of the shard owning its order's
 * point with the value of its last acknowledged change, or absent after an acknowledged delete; no
 * row on another shard once the move finished; the replicas converge. Broken — the export placing a
 * tuple by its hash code — goes red ({@code BrokenMoveRulesAreCaughtTest}).
 */
class CompositeKeysSimulationTest {
  private static final int SCHEDULES = Integer.getInteger("sim.compositeKeyMoves", 40);

  @Test
  @DisplayName(
      "the simulated disk keeps composite keys as the primary key does: a row per whole key, in"
          + " order value by value (a String in code-point order), updated and deleted by the whole"
          + " key, purged by the order's point")
  void theSimulatedDiskKeepsRowsByTheWholeKey() {
    SimDisk disk = new SimDisk();
    for (String line : List.of("2", "10", "1", "a", "A", "1 ")) {
      disk.execute(
          new StorageOp.Insert(
              List.of(SimStorage.row("lines", List.of(7L, line), 1)),
              List.of(0L),
              ShardSimulation.LINES));
    }
    disk.execute(
        new StorageOp.Insert(
            List.of(SimStorage.row("lines", List.of(6L, "z"), 1)),
            List.of(0L),
            ShardSimulation.LINES));
    assertThat(disk.valuesOf("lines").keySet())
        .containsExactly(
            List.of(6L, "z"),
            List.of(7L, "1"),
            List.of(7L, "1 "),
            List.of(7L, "10"),
            List.of(7L, "2"),
            List.of(7L, "A"),
            List.of(7L, "a"));
    disk.execute(
        new StorageOp.Update(
            List.of(7L, "10"), Map.of(SimStorage.LINES_VALUE, 5L), 0L, ShardSimulation.LINES));
    disk.execute(new StorageOp.Delete(List.of(7L, "1"), ShardSimulation.LINES));
    assertThat(disk.valuesOf("lines"))
        .containsEntry(List.of(7L, "10"), 5L)
        .containsEntry(List.of(7L, "1 "), 1L)
        .doesNotContainKey(List.of(7L, "1"));
    disk.execute(
        new StorageOp.DeletePoints(Sharding.Range, new PointRange(7, 1), ShardSimulation.LINES));
    assertThat(disk.valuesOf("lines").keySet()).containsExactly(List.of(6L, "z"));
  }

  @Test
  @DisplayName(
      "splits, boundary moves and merges carry the rows of a composite-keyed table, inserted,"
          + " updated and deleted by the whole key while they move, to the shard owning each"
          + " order's point, under the move world's faults")
  void movesCarryCompositeKeyedRowsAndTheirChanges() {
    List<String> failures = new ArrayList<>();
    long[] lines = new long[3];
    long[] accounts = new long[3];
    int done = 0;
    for (long seed = 1; seed <= SCHEDULES; seed++) {
      MoveSimulation sim = MoveSimulation.withCompositeKeys(seed, new Rulebook());
      MoveSimulation.Result r = sim.run();
      for (KeyedTableWriter.Kind kind : KeyedTableWriter.Kind.values()) {
        lines[kind.ordinal()] += sim.acknowledged("lines", kind);
        accounts[kind.ordinal()] += sim.acknowledged("accounts", kind);
      }
      done += r.phase() == MovePhase.Done ? 1 : 0;
      if (!r.ok()) {
        failures.add(
            "seed "
                + seed
                + " ("
                + sim.sharding()
                + "): "
                + r.violations().subList(0, Math.min(3, r.violations().size())));
      }
    }
    System.out.printf(
        "simulation (moves with composite keys): %d schedules, %d moves done; lines acknowledged:"
            + " %d inserts, %d updates, %d deletes; accounts (Hash): %d inserts, %d updates, %d"
            + " deletes; %d failing%n",
        SCHEDULES,
        done,
        lines[0],
        lines[1],
        lines[2],
        accounts[0],
        accounts[1],
        accounts[2],
        failures.size());
    for (KeyedTableWriter.Kind kind : KeyedTableWriter.Kind.values()) {
      assertThat(lines[kind.ordinal()])
          .as("lines %s acknowledged", kind)
          .isGreaterThan(SCHEDULES * 5L);
      assertThat(accounts[kind.ordinal()])
          .as("accounts %s acknowledged", kind)
          .isGreaterThan(SCHEDULES / 2 * 5L);
    }
    assertThat(done).as("moves must complete").isGreaterThan(SCHEDULES / 3);
    assertThat(failures).isEmpty();
  }

  @Test
  @DisplayName("the lines writer's keys are 400 distinct tuples, four lines of each order")
  void theWritersKeysAreDistinct() {
    java.util.Set<List<Object>> keys = new java.util.HashSet<>();
    java.util.Set<Object> orders = new java.util.HashSet<>();
    for (int i = 0; i < 400; i++) {
      keys.add(MoveSimulation.lineKey(i));
      orders.add(MoveSimulation.lineKey(i).get(0));
    }
    assertThat(keys).hasSize(400);
    assertThat(orders).hasSize(100);
  }
}
