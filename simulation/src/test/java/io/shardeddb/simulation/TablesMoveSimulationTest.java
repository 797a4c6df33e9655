package io.shardeddb.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardeddb.protocol.topology.Sharding;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A move of a database with two tables ({@link MoveSimulation#withTables}, issue 46): the main move
 * world's faults, with a writer inserting rows of the second table through each key's owner while
 * the range moves. Every acknowledged row of it ends on its owner's replicas and nowhere else;
 * broken — a move's export that holds the first table only — goes red.
 */
class TablesMoveSimulationTest {
  private static final int SCHEDULES = Integer.getInteger("sim.tableMoves", 300);

  @Test
  @DisplayName(
      "a split, boundary move or merge carries the second table's rows with the first's, under"
          + " the move world's faults")
  void movesCarryEveryTable() {
    List<String> failures = new ArrayList<>();
    long rows = 0;
    for (long seed = 1; seed <= SCHEDULES; seed++) {
      Sharding sharding = seed % 3 == 0 ? Sharding.Hash : Sharding.Range;
      MoveSimulation sim = MoveSimulation.withTables(seed, sharding);
      MoveSimulation.Result r = sim.run();
      rows += sim.ordersAcknowledged();
      if (!r.ok()) {
        failures.add(
            "seed "
                + seed
                + " ("
                + sharding
                + "): "
                + r.violations().subList(0, Math.min(3, r.violations().size())));
      }
    }
    System.out.printf(
        "simulation (moves with two tables): %d schedules, %d rows of the second table"
            + " acknowledged, %d failing%n",
        SCHEDULES, rows, failures.size());
    assertThat(rows).as("the second table's rows must be written").isGreaterThan(SCHEDULES * 10L);
    assertThat(failures).isEmpty();
  }

  @Test
  @DisplayName("broken: a move's export of the first table only is caught")
  void anExportOfTheFirstTableOnlyIsCaught() {
    List<String> red = new ArrayList<>();
    for (long seed = 1; seed <= SCHEDULES && red.isEmpty(); seed++) {
      long s = seed;
      MoveSimulation.Result r =
          MoveSimulation.withTables(s, Sharding.Range).exportingTheFirstTableOnly().run();
      r.violations().stream()
          .filter(v -> v.contains("orders row"))
          .findFirst()
          .ifPresent(v -> red.add("seed " + s + ": " + v));
    }
    System.out.println("export of the first table only: " + red);
    assertThat(red).as("some seed must go red").isNotEmpty();
  }
}
