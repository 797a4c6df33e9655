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
}
