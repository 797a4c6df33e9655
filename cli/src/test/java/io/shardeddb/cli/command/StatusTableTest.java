package io.shardeddb.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatusTableTest {
  @Test
  void showsConditionsShardsAndReplicasAsATable() {
    ShardedDatabase db =
        Serialization.unmarshal(
            """
            apiVersion: shardeddb.io/v1alpha1
            kind: ShardedDatabase
            metadata: {name: students, generation: 3}
            status:
              observedGeneration: 3
              conditions:
              - {type: Ready, status: "True", reason: AllShardsReady, message: 4 shards ready}
              shards:
              - id: sh1
                epoch: 4
                primary: students-sh1-0
                replicas:
                - {pod: students-sh1-0, role: Primary, ready: true, appliedLsn: 1200, lagLsn: 0, state: Ready}
                - {pod: students-sh1-1, role: Secondary, ready: false, appliedLsn: 900, lagLsn: 300, state: Copying}
              router: {readyReplicas: 2, endpoint: "http://students-router.default.svc:8080"}
              resharding:
                moves:
                - {id: g2-sh1-sh2, source: sh1, destination: sh2, low: 4096, size: 4096, phase: Done,
                   rowsCopied: 1096, sourceLsn: 603, pauseMillis: 1234, message: "done"}
                - {id: g3-sh2-sh3, source: sh2, destination: sh3, low: 6144, size: 2048,
                   phase: CatchingUp, rowsCopied: 500, sourceLsn: 40, message: "catching up"}
            """,
            ShardedDatabase.class);
    String table = new StatusCommand.StatusTable().render(db);
    assertThat(table)
        .contains("ShardedDatabase students  (generation 3, observed 3)")
        .contains("AllShardsReady: 4 shards ready")
        .containsPattern(
            "sh1\\s+4\\s+students-sh1-0\\s+students-sh1-1\\s+Secondary\\s+false\\s+900\\s+300\\s+Copying")
        .contains("router: 2 ready, endpoint http://students-router.default.svc:8080")
        .containsPattern(
            "finished\\s+sh1\\s+sh2\\s+\\[4096, 8192\\)\\s+1096\\s+603\\s+1234ms\\s+Done: done")
        .containsPattern(
            "in flight\\s+sh2\\s+sh3\\s+\\[6144, 8192\\)\\s+500\\s+40\\s+-\\s+CatchingUp: catching up");
  }

  @Test
  void showsTheSchemaVersionTheNewestBackupsAndTheImagesThePodsRun() {
    ShardedDatabase db =
        Serialization.unmarshal(
            """
            apiVersion: shardeddb.io/v1alpha1
            kind: ShardedDatabase
            metadata: {name: students, generation: 3}
            spec:
              backup:
                store: {bucket: backups, prefix: team}
                schedule: "0 3 * * *"
            status:
              applied:
                schemaVersion: 3
                schema:
                  table: students
                  shardKey: id
                  columns: [{name: id, type: Number}, {name: note, type: String, nullable: true}]
                  indexes: [{name: by_note, columns: [note]}]
              schemaChange: {version: 4, appliedOn: [sh1], message: "sh2: no ready primary yet"}
            """,
            ShardedDatabase.class);
    List<io.shardeddb.api.v1alpha1.ShardedDatabaseBackup> backups = new java.util.ArrayList<>();
    for (int i = 1; i <= 4; i++) {
      backups.add(
          Serialization.unmarshal(
              """
              apiVersion: shardeddb.io/v1alpha1
              kind: ShardedDatabaseBackup
              metadata: {name: b%d}
              spec: {database: students}
              status: {phase: Completed, completedAt: "2026-11-2%dT03:00:00Z"}
              """
                  .formatted(i, i),
              io.shardeddb.api.v1alpha1.ShardedDatabaseBackup.class));
    }
    String table =
        new StatusCommand.StatusTable()
            .render(
                db,
                new StatusCommand.Extras(
                    backups,
                    java.util.Map.of(
                        "shard-server",
                        java.util.Map.of("shardeddb/shard-server:0.1.0", 6),
                        "mysql",
                        java.util.Map.of("mariadb:11.4", 5, "mariadb:11.8", 1))));
    assertThat(table)
        .contains(
            "schema: table students, version 3, 2 columns, 1 indexes; version 4 in flight,"
                + " applied on [sh1] (sh2: no ready primary yet)")
        .contains("backups: store s3://backups/team, schedule 0 3 * * *, 4 base backups")
        .contains("b2")
        .contains("b4")
        .doesNotContain("b1 ")
        .containsPattern("shard-server\\s+shardeddb/shard-server:0.1.0\\s+6")
        .containsPattern("mysql\\s+mariadb:11.4\\s+5")
        .containsPattern("mysql\\s+mariadb:11.8\\s+1");
    ShardedDatabase none =
        Serialization.unmarshal(
            """
            apiVersion: shardeddb.io/v1alpha1
            kind: ShardedDatabase
            metadata: {name: plain, generation: 1}
            """,
            ShardedDatabase.class);
    assertThat(new StatusCommand.StatusTable().render(none))
        .contains("backups: none configured (spec.backup)");
  }

  @Test
  void aFiftyTwoCharacterPodNameKeepsTheColumnsAligned() {
    String pod = "a-very-long-database-name-for-a-team-sh12-replica-10";
    ShardedDatabase db =
        Serialization.unmarshal(
            """
            apiVersion: shardeddb.io/v1alpha1
            kind: ShardedDatabase
            metadata: {name: students, generation: 1}
            status:
              shards:
              - id: sh1
                epoch: 2
                primary: POD
                replicas:
                - {pod: POD, role: Primary, ready: true, appliedLsn: 7, lagLsn: 0, state: Ready}
                - {pod: students-sh1-1, role: Secondary, ready: true, appliedLsn: 7, lagLsn: 0, state: Ready}
            """
                .replace("POD", pod),
            ShardedDatabase.class);
    List<String> lines = new StatusCommand.StatusTable().render(db).lines().toList();
    String header = lines.stream().filter(l -> l.startsWith("SHARD")).findFirst().orElseThrow();
    int role = header.indexOf("ROLE");
    assertThat(lines.stream().filter(l -> l.startsWith("sh1")))
        .hasSize(2)
        .allSatisfy(l -> assertThat(l.substring(role)).matches("(Primary|Secondary)\\s+true.*"));
  }

  @Test
  void showsCabinetWeightsAndTheBestWeightedMajorityFromTheRoutersCoordinatorStatus()
      throws Exception {
    ShardedDatabase db =
        Serialization.unmarshal(
            """
            apiVersion: shardeddb.io/v1alpha1
            kind: ShardedDatabase
            metadata: {name: students, generation: 1}
            """,
            ShardedDatabase.class);
    // The router's GET /query/status as it answers it: sh1's primary weighs its replicas, sh2's
    // primary did not answer.
    @SuppressWarnings("unchecked")
    java.util.Map<String, Object> coordinator =
        new com.fasterxml.jackson.databind.ObjectMapper()
            .readValue(
                """
                {"success": true, "shards": [
                  {"shard": "sh1", "epoch": 2, "primary": "s1-0",
                   "best_weighted_majority": ["s1-0", "s1-2"],
                   "replicas": [
                     {"name": "s1-0", "role": "Primary", "reachable": true,
                      "ack_latency_ms": 0.0, "lag_behind_primary": 0, "weight": 1.0},
                     {"name": "s1-1", "role": "Secondary", "reachable": true,
                      "ack_latency_ms": 212.4, "lag_behind_primary": 3, "weight": 0.004634},
                     {"name": "s1-2", "role": "Secondary", "reachable": true,
                      "ack_latency_ms": 1.25, "lag_behind_primary": 0, "weight": 0.444444}]},
                  {"shard": "sh2", "epoch": 1, "primary": "s2-0",
                   "replicas": [{"name": "s2-0", "reachable": false}]}],
                 "ranking": "..."}
                """,
                java.util.Map.class);

    String table =
        new StatusCommand.StatusTable()
            .render(db, new StatusCommand.Extras(List.of(), java.util.Map.of(), coordinator, null));

    assertThat(table)
        .contains("cabinet: weight = 1/(ack latency ms + lag + 1)")
        .containsPattern("sh1\\s+s1-0\\s+0\\.0ms\\s+0\\s+1\\.000\\s+yes")
        .containsPattern("sh1\\s+s1-1\\s+212\\.4ms\\s+3\\s+0\\.005\\s+no")
        .containsPattern("sh1\\s+s1-2\\s+1\\.3ms\\s+0\\s+0\\.444\\s+yes")
        .contains("no weights from the primary of sh2");
    assertThat(
            new StatusCommand.StatusTable()
                .render(
                    db,
                    new StatusCommand.Extras(
                        List.of(), java.util.Map.of(), null, "no ready router pod for 'students'")))
        .contains("cabinet: not shown (no ready router pod for 'students')");
  }
}
