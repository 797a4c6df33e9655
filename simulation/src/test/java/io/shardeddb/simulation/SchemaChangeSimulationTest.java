package io.shardeddb.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Schema entries under the main world's faults (docs/log-format.md, "Schema entries"): the
 * production batcher, planner and {@code LogOps} write and replay a column added mid-schedule while
 * replicas crash, pause, lose their volumes and re-copy; every replica holding data ends at the
 * acknowledged version. Broken — a re-copied replica keeping its own schema instead of the
 * snapshot's — the same seeds go red.
 */
class SchemaChangeSimulationTest {
  private static final int SCHEDULES = Integer.getInteger("sim.schemaSchedules", 1_000);

  @Test
  @DisplayName(
      "a column added mid-schedule reaches every replica holding data, through failovers and"
          + " re-copies, and the write promise holds")
  void aSchemaChangeReachesEveryReplica() {
    List<String> failures = new ArrayList<>();
    int acknowledged = 0;
    for (long seed = 1; seed <= SCHEDULES; seed++) {
      ShardSimulation sim = new ShardSimulation(seed, 3 + (int) (seed % 3)).withSchemaChange();
      ShardSimulation.Result r = sim.run();
      acknowledged += sim.schemaChangeAcknowledged() ? 1 : 0;
      if (!r.ok()) {
        failures.add("seed " + seed + ": " + r.violations().get(0) + "\n  faults: " + r.faults());
      }
    }
    System.out.printf(
        "simulation (schema change): %d schedules, %d acknowledged the change, %d failing%n",
        SCHEDULES, acknowledged, failures.size());
    assertThat(acknowledged)
        .as("most schedules must acknowledge the change")
        .isGreaterThan(SCHEDULES / 2);
    assertThat(failures).isEmpty();
  }

  @Test
  @DisplayName(
      "a second table created, altered, dropped and created again mid-schedule while a client"
          + " writes its rows: every replica holding data ends with the history's tables at its"
          + " version, in its config and its storage, and the same rows, every acknowledged one of"
          + " the table as created last among them")
  void tablesCreatedAndDroppedReachEveryReplica() {
    List<String> failures = new ArrayList<>();
    int all = 0;
    int changes = 0;
    int rows = 0;
    int txns = 0;
    for (long seed = 1; seed <= SCHEDULES; seed++) {
      ShardSimulation sim =
          new ShardSimulation(seed, 3 + (int) (seed % 3)).withTableChanges().withTableWrites();
      ShardSimulation.Result r = sim.run();
      changes += sim.schemaChangesAcknowledged();
      rows += sim.tableRowsAcknowledged();
      txns += sim.transactionsAcknowledged();
      all += sim.schemaChangesAcknowledged() == ShardSimulation.TABLE_CHANGES.size() ? 1 : 0;
      if (!r.ok()) {
        failures.add("seed " + seed + ": " + r.violations().get(0) + "\n  faults: " + r.faults());
      }
    }
    System.out.printf(
        "simulation (tables): %d schedules, %d acknowledged all %d changes (%d changes), %d"
            + " orders rows acknowledged (%d by transactions over both tables), %d failing%n",
        SCHEDULES, all, ShardSimulation.TABLE_CHANGES.size(), changes, rows, txns, failures.size());
    assertThat(rows).as("the orders rows must be written").isGreaterThan(SCHEDULES * 10);
    assertThat(txns).as("transactions over both tables must commit").isGreaterThan(SCHEDULES * 3);
    assertThat(all).as("most schedules must acknowledge every change").isGreaterThan(SCHEDULES / 2);
    assertThat(failures).isEmpty();
  }

  @Test
  @DisplayName("broken: a re-copied replica that keeps its own tables is caught")
  void aReplicaIgnoringTheSnapshotsTablesIsCaught() {
    List<String> red = new ArrayList<>();
    for (long seed = 1; seed <= SCHEDULES && red.isEmpty(); seed++) {
      ShardSimulation sim =
          new ShardSimulation(seed, 3 + (int) (seed % 3))
              .withTableChanges()
              .withFaultsAimedAtCopies()
              .ignoringShippedSchemas();
      try {
        ShardSimulation.Result r = sim.run();
        r.violations().stream()
            .filter(v -> v.contains("schema version"))
            .findFirst()
            .ifPresent(v -> red.add("seed " + r.seed() + ": " + v));
      } catch (IllegalStateException e) {
        // The replica that kept its old tables cannot replay a later change of them: the
        // production replay refuses it ("cannot follow"), and the schedule cannot go on.
        red.add("seed " + seed + ": " + e.getMessage());
      }
    }
    System.out.println("broken table adoption: " + red);
    assertThat(red).as("some seed must go red").isNotEmpty();
  }

  @Test
  @DisplayName("broken: storage applying a DDL after writes that follow it in the log is caught")
  void ddlOutOfLogOrderIsCaught() {
    List<String> red = new ArrayList<>();
    for (long seed = 1; seed <= SCHEDULES && red.isEmpty(); seed++) {
      ShardSimulation sim =
          new ShardSimulation(seed, 3 + (int) (seed % 3))
              .withTableChanges()
              .withTableWrites()
              .withFaultsAimedAtCopies()
              .applyingDdlLate();
      try {
        ShardSimulation.Result r = sim.run();
        if (!r.ok()) {
          red.add("seed " + r.seed() + ": " + r.violations().get(0));
        }
      } catch (RuntimeException e) {
        red.add("seed " + seed + ": " + e);
      }
    }
    System.out.println("DDL out of log order: " + red);
    assertThat(red).as("some seed must go red").isNotEmpty();
  }

  @Test
  @DisplayName("broken: a re-copied replica that keeps its own schema is caught")
  void aReplicaIgnoringTheSnapshotsSchemaIsCaught() {
    List<String> red = new ArrayList<>();
    for (long seed = 1; seed <= SCHEDULES && red.isEmpty(); seed++) {
      ShardSimulation sim =
          new ShardSimulation(seed, 3 + (int) (seed % 3))
              .withSchemaChange()
              .withFaultsAimedAtCopies()
              .ignoringShippedSchemas();
      try {
        ShardSimulation.Result r = sim.run();
        r.violations().stream()
            .filter(v -> v.contains("schema version"))
            .findFirst()
            .ifPresent(v -> red.add("seed " + r.seed() + ": " + v));
      } catch (io.shardeddb.protocol.InvalidRequestException e) {
        // The replica that kept version 1 cannot replay a later write of the added column: the
        // production replay refuses it, and the schedule cannot go on.
        red.add("seed " + seed + ": " + e.getMessage());
      }
    }
    System.out.println("broken schema adoption: " + red);
    assertThat(red).as("some seed must go red").isNotEmpty();
  }
}
