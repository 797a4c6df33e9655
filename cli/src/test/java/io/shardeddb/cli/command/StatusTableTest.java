package io.shardeddb.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
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
            """,
            ShardedDatabase.class);
    String table = new StatusCommand.StatusTable().render(db);
    assertThat(table)
        .contains("ShardedDatabase students  (generation 3, observed 3)")
        .contains("AllShardsReady: 4 shards ready")
        .containsPattern(
            "sh1\\s+4\\s+students-sh1-0\\s+students-sh1-1\\s+Secondary\\s+false\\s+900\\s+300\\s+Copying")
        .contains("router: 2 ready, endpoint http://students-router.default.svc:8080");
  }
}
