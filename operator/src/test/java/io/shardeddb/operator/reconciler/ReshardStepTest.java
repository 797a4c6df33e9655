package io.shardeddb.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.shardeddb.api.v1alpha1.ReplicaStatus;
import io.shardeddb.api.v1alpha1.ShardStatus;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.operator.reshard.ShardEndpoint;
import io.shardeddb.operator.status.ShardOutcome;
import io.shardeddb.operator.status.ShardPhase;
import io.shardeddb.protocol.shard.ImportSource;
import io.shardeddb.protocol.shard.ReplicaState;
import io.shardeddb.protocol.topology.Role;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReshardStepTest {

  @Test
  void eachSourceUrlNamesItsPodAndTheHostItsCertificateCarriesPrimaryFirst() {
    ShardedDatabase sdb = new ShardedDatabase();
    sdb.setMetadata(new ObjectMetaBuilder().withName("db").withNamespace("ns").build());
    ShardStatus sh1 =
        ShardStatus.builder()
            .id("sh1")
            .epoch(2L)
            .primary("db-sh1-1")
            .readyReplicas(3)
            .replicas(
                List.of(
                    replica("db-sh1-0", "https://10.0.0.1:8081", Role.Secondary),
                    replica("db-sh1-1", "https://10.0.0.2:8081", Role.Primary),
                    replica("db-sh1-2", "https://10.0.0.3:8081", Role.Secondary)))
            .voters(3)
            .build();
    Map<String, ShardEndpoint> endpoints =
        ReshardStep.endpoints(sdb, List.of(new ShardOutcome(sh1, 3, ShardPhase.Ready, "ok")));

    ShardEndpoint e = endpoints.get("sh1");
    assertThat(e.urls())
        .containsExactly("https://10.0.0.2:8081", "https://10.0.0.1:8081", "https://10.0.0.3:8081");
    assertThat(e.sources())
        .containsExactly(
            new ImportSource("https://10.0.0.2:8081", "db-sh1-1", "db-sh1-1.db-sh1.ns.svc"),
            new ImportSource("https://10.0.0.1:8081", "db-sh1-0", "db-sh1-0.db-sh1.ns.svc"),
            new ImportSource("https://10.0.0.3:8081", "db-sh1-2", "db-sh1-2.db-sh1.ns.svc"));
  }

  private static ReplicaStatus replica(String pod, String url, Role role) {
    return new ReplicaStatus(pod, url, role, true, ReplicaState.Ready, 5L, 0L, null);
  }
}
