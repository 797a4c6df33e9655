package io.shardeddb.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.javaoperatorsdk.operator.api.reconciler.Constants;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.shardeddb.api.v1alpha1.MovePhase;
import io.shardeddb.api.v1alpha1.MoveStatus;
import io.shardeddb.api.v1alpha1.ReplicaStatus;
import io.shardeddb.api.v1alpha1.ReshardingStatus;
import io.shardeddb.api.v1alpha1.ShardStatus;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.api.v1alpha1.ShardedDatabaseBackup;
import io.shardeddb.api.v1alpha1.ShardedDatabaseBackupSpec;
import io.shardeddb.api.v1alpha1.ShardedDatabaseBackupStatus;
import io.shardeddb.api.v1alpha1.ShardedDatabaseStatus;
import io.shardeddb.operator.backup.ShardedDatabaseBackupReconciler;
import io.shardeddb.operator.testing.Fixtures;
import io.shardeddb.protocol.topology.Role;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The per-database meters, as Prometheus scrapes them from the operator's /metrics. */
class DatabaseMetricsTest {

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T08:00:00Z"));
  private final DatabaseMetrics metrics = new DatabaseMetrics(registry, clock);

  private static final String DB = "database=\"students\",namespace=\"ns\"";

  @Test
  void eachShardsEpochReadyReplicasQuorumAndPrimaryAreExported() {
    metrics.record(students(status(List.of(shard("sh1", 4, 3, true), shard("sh2", 2, 1, false)))));

    assertThat(scrape())
        .contains("shardeddb_operator_shard_epoch{" + ordered("sh1") + "} 4.0")
        .contains("shardeddb_operator_shard_epoch{" + ordered("sh2") + "} 2.0")
        .contains("shardeddb_operator_shard_ready_replicas{" + ordered("sh2") + "} 1.0")
        .contains("shardeddb_operator_shard_desired_replicas{" + ordered("sh2") + "} 3.0")
        .contains("shardeddb_operator_shard_write_quorum{" + ordered("sh1") + "} 2.0")
        .contains("shardeddb_operator_shard_primary_ready{" + ordered("sh1") + "} 1.0")
        .contains("shardeddb_operator_shard_primary_ready{" + ordered("sh2") + "} 0.0");
  }

  @Test
  void eachReplicasLagIsExportedInEntries() {
    metrics.record(students(status(List.of(shard("sh1", 4, 3, true)))));

    assertThat(scrape())
        .containsPattern(
            "shardeddb_operator_replica_lag_entries\\{database=\"students\",namespace=\"ns\","
                + "pod=\"students-sh1-1\",shard=\"sh1\"} 7.0");
  }

  @Test
  void conditionsAreOneSeriesPerTypeThatFollowsStatusAndReason() {
    ShardedDatabase sdb = students(status(List.of(shard("sh1", 1, 3, true))));
    sdb.getStatus()
        .conditionsOrEmpty()
        .addAll(
            List.of(
                condition("Ready", "True", "AllShardsReady"),
                condition("Resharding", "False", "CrdOutdated")));
    metrics.record(sdb);
    assertThat(scrape())
        .contains(
            "shardeddb_operator_condition{database=\"students\",namespace=\"ns\","
                + "reason=\"CrdOutdated\",status=\"False\",type=\"Resharding\"} 1.0");

    sdb.setStatus(status(List.of(shard("sh1", 1, 3, true))));
    sdb.getStatus().conditionsOrEmpty().add(condition("Ready", "False", "NoQuorum"));
    metrics.record(sdb);
    String after = scrape();
    assertThat(after)
        .contains(
            "shardeddb_operator_condition{database=\"students\",namespace=\"ns\","
                + "reason=\"NoQuorum\",status=\"False\",type=\"Ready\"} 1.0")
        .doesNotContain("AllShardsReady")
        .doesNotContain("CrdOutdated");
  }

  @Test
  void theInFlightMoveShowsItsPhaseRowsAndWhenItLastProgressed() {
    MoveStatus copying =
        new MoveStatus(
            "m1", "sh1", "sh5", 0, 1024, MovePhase.Copying, 10L, 100L, null, 1, "copying");
    metrics.record(
        students(status(List.of()).withResharding(new ReshardingStatus(List.of(copying)))));
    Instant started = clock.instant();

    clock.advance(Duration.ofMinutes(10));
    metrics.record(
        students(status(List.of()).withResharding(new ReshardingStatus(List.of(copying)))));
    String stuck = scrape();
    String move = "database=\"students\",destination=\"sh5\",move=\"m1\",namespace=\"ns\"";
    assertThat(stuck)
        .contains("shardeddb_operator_resharding_move_phase{" + move + ",phase=\"Copying\"")
        .contains(
            "shardeddb_operator_resharding_move_rows_copied{" + move + ",source=\"sh1\"} 10.0")
        .as("no progress in 10 minutes: the timestamp stays at the first sight")
        .contains(
            "shardeddb_operator_resharding_move_last_progress_timestamp_seconds{"
                + move
                + ",source=\"sh1\"} "
                + (double) started.getEpochSecond());

    clock.advance(Duration.ofMinutes(1));
    metrics.record(
        students(
            status(List.of())
                .withResharding(new ReshardingStatus(List.of(copying.progress(20, 120))))));
    assertThat(scrape())
        .contains(
            "shardeddb_operator_resharding_move_last_progress_timestamp_seconds{"
                + move
                + ",source=\"sh1\"} "
                + (double) clock.instant().getEpochSecond());

    metrics.record(
        students(
            status(List.of())
                .withResharding(
                    new ReshardingStatus(List.of(copying.in(MovePhase.Done, "done"))))));
    assertThat(scrape()).doesNotContain("shardeddb_operator_resharding_move_phase{");
  }

  @Test
  void failoversAndSwitchoversCountFromZeroOnceTheDatabaseIsKnown() {
    ShardedDatabase sdb = students(status(List.of(shard("sh1", 1, 3, true))));
    metrics.record(sdb);
    assertThat(scrape())
        .contains("shardeddb_operator_failovers_total{" + DB + "} 0.0")
        .contains("shardeddb_operator_switchovers_total{" + DB + "} 0.0");

    metrics.eventRecorded(sdb, EventReason.FailoverCompleted);
    metrics.eventRecorded(sdb, EventReason.FailoverCompleted);
    metrics.eventRecorded(sdb, EventReason.PrimarySwitchedOver);
    metrics.eventRecorded(sdb, EventReason.RecopyStarted);

    assertThat(scrape())
        .contains("shardeddb_operator_failovers_total{" + DB + "} 2.0")
        .contains("shardeddb_operator_switchovers_total{" + DB + "} 1.0");
  }

  @Test
  void aDeletedDatabaseLeavesNoSeries() {
    ShardedDatabase sdb = students(status(List.of(shard("sh1", 1, 3, true))));
    metrics.record(sdb);
    metrics.eventRecorded(sdb, EventReason.FailoverCompleted);

    metrics.cleanupDoneFor(ResourceID.fromResource(sdb), Map.of());

    assertThat(scrape()).doesNotContain("database=\"students\"");
  }

  @Test
  void theSdkHookRecordsTheResourceItIsAboutToReconcile() {
    metrics.reconcileCustomResource(
        students(status(List.of(shard("sh1", 9, 3, true)))), null, Map.of());

    assertThat(scrape()).contains("shardeddb_operator_shard_epoch{" + ordered("sh1") + "} 9.0");
  }

  @Test
  void theLastCompletedBaseBackupsTimeIsExportedForADatabaseWithBackups() {
    ShardedDatabase sdb = backedUp();
    metrics.record(sdb);
    metrics.reconcileCustomResource(
        backup("b1", "students", null, "Completed", "2026-11-22T03:00:00Z"), null, Map.of());
    metrics.reconcileCustomResource(
        backup("b2", "students", null, "Completed", "2026-11-23T03:00:00Z"), null, Map.of());
    // Neither a failed backup nor a restore point is a base backup to restore from.
    metrics.reconcileCustomResource(
        backup("b3", "students", null, "Failed", "2026-11-23T05:00:00Z"), null, Map.of());
    metrics.reconcileCustomResource(
        backup(
            "rp",
            "students",
            ShardedDatabaseBackupSpec.BackupMethod.RestorePoint,
            "Completed",
            "2026-11-23T06:00:00Z"),
        null,
        Map.of());

    assertThat(scrape())
        .contains(
            "shardeddb_operator_backup_last_completed_timestamp_seconds{"
                + DB
                + "} "
                + (double) Instant.parse("2026-11-23T03:00:00Z").getEpochSecond());
  }

  @Test
  void beforeItsFirstBackupADatabaseCountsFromItsCreation() {
    ShardedDatabase sdb = backedUp();
    sdb.getMetadata().setCreationTimestamp("2026-11-20T10:00:00Z");
    metrics.record(sdb);

    assertThat(scrape())
        .contains(
            "shardeddb_operator_backup_last_completed_timestamp_seconds{"
                + DB
                + "} "
                + (double) Instant.parse("2026-11-20T10:00:00Z").getEpochSecond());
  }

  @Test
  void aDatabaseWithoutSpecBackupHasNoBackupSeries() {
    metrics.record(students(status(List.of(shard("sh1", 1, 3, true)))));
    metrics.reconcileCustomResource(
        backup("b1", "students", null, "Completed", "2026-11-22T03:00:00Z"), null, Map.of());

    assertThat(scrape()).doesNotContain("shardeddb_operator_backup_last_completed");
  }

  @Test
  void aDeletedBackupNamedLikeItsDatabaseLeavesTheDatabasesSeries() {
    ShardedDatabase sdb = backedUp();
    metrics.record(sdb);
    ShardedDatabaseBackup b = backup("students", "students", null, "Completed", null);

    metrics.cleanupDoneFor(
        ResourceID.fromResource(b),
        Map.of(Constants.CONTROLLER_NAME, ShardedDatabaseBackupReconciler.NAME));

    assertThat(scrape()).contains("shardeddb_operator_shard_epoch{" + ordered("sh1") + "}");
  }

  private String scrape() {
    return registry.scrape();
  }

  private static String ordered(String shard) {
    return "database=\"students\",namespace=\"ns\",shard=\"" + shard + "\"";
  }

  private static ShardedDatabase students(ShardedDatabaseStatus status) {
    ShardedDatabase sdb = Fixtures.load("students.yaml", "ns");
    sdb.setStatus(status);
    return sdb;
  }

  private static ShardedDatabase backedUp() {
    ShardedDatabase sdb = Fixtures.load("students-backups.yaml", "ns");
    sdb.getMetadata().setName("students");
    sdb.setStatus(status(List.of(shard("sh1", 1, 3, true))));
    return sdb;
  }

  private static ShardedDatabaseBackup backup(
      String name,
      String database,
      ShardedDatabaseBackupSpec.BackupMethod method,
      String phase,
      String completedAt) {
    ShardedDatabaseBackup b = new ShardedDatabaseBackup();
    b.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("ns").build());
    b.setSpec(new ShardedDatabaseBackupSpec(database, method));
    b.setStatus(
        new ShardedDatabaseBackupStatus(
            phase, "2026-11-22T02:59:00Z", completedAt, 10L, List.of(), List.of(), null));
    return b;
  }

  private static ShardedDatabaseStatus status(List<ShardStatus> shards) {
    return new ShardedDatabaseStatus(
        1L, new java.util.ArrayList<>(), 4, "", shards, null, null, null, null);
  }

  private static ShardStatus shard(String id, long epoch, int ready, boolean primaryReady) {
    String primary = "students-" + id + "-0";
    return ShardStatus.builder()
        .id(id)
        .epoch(epoch)
        .primary(primary)
        .readyReplicas(ready)
        .replicas(
            List.of(
                new ReplicaStatus(
                    primary, "http://p:8081", Role.Primary, primaryReady, null, 100L, 0L, null),
                new ReplicaStatus(
                    "students-" + id + "-1",
                    "http://s:8081",
                    Role.Secondary,
                    true,
                    null,
                    93L,
                    7L,
                    null)))
        .build();
  }

  private static Condition condition(String type, String status, String reason) {
    return new ConditionBuilder()
        .withType(type)
        .withStatus(status)
        .withReason(reason)
        .withMessage("m")
        .build();
  }

  /** A clock the test moves. */
  private static final class MutableClock extends Clock {
    private Instant now;

    MutableClock(Instant now) {
      this.now = now;
    }

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
