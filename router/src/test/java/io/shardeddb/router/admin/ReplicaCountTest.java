package io.shardeddb.router.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardeddb.protocol.lb.AddRequest;
import io.shardeddb.protocol.lb.RemoveRequest;
import io.shardeddb.protocol.lb.ShardDoc;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * In a cluster, a server listed for a shard is one replica of it: /add and /rm move a shard's
 * replica count by the servers that start or stop listing it, starting from the count the spec
 * already states.
 */
class ReplicaCountTest {
  final Layout initial = LayoutPlanner.init(LayoutPlannerTest.assignmentInit(), "students");

  @Test
  void afterInitEachShardHasOneReplicaPerServerListingIt() {
    assertThat(KubernetesAdmin.replicas("sh1", emptyLayout(), initial, Map.of())).isEqualTo(2);
  }

  @Test
  void addingAServerForAShardAddsOneReplicaToTheSpecsCount() {
    LayoutPlanner.Added added =
        LayoutPlanner.add(initial, new AddRequest(1, List.of(), Map.of("Server7", List.of("sh1"))));
    Map<String, Integer> spec = Map.of("sh1", 2, "sh2", 2);
    assertThat(KubernetesAdmin.replicas("sh1", initial, added.layout(), spec)).isEqualTo(3);
    assertThat(KubernetesAdmin.replicas("sh2", initial, added.layout(), spec)).isEqualTo(2);
  }

  @Test
  void aHandWrittenShardKeepsItsCountAsTheBase() {
    Layout handWritten =
        new Layout(initial.schema(), List.of(new ShardDoc(0, "sh1", 4096)), Map.of());
    LayoutPlanner.Added added =
        LayoutPlanner.add(
            handWritten, new AddRequest(1, List.of(), Map.of("Server0", List.of("sh1"))));
    assertThat(KubernetesAdmin.replicas("sh1", handWritten, added.layout(), Map.of("sh1", 3)))
        .isEqualTo(4);
  }

  @Test
  void removingAServerTakesOneReplicaAwayButNeverTheLast() {
    LayoutPlanner.Removed removed =
        LayoutPlanner.remove(initial, new RemoveRequest(1, List.of("Server3")));
    assertThat(KubernetesAdmin.replicas("sh1", initial, removed.layout(), Map.of("sh1", 2)))
        .isEqualTo(1);
    assertThat(KubernetesAdmin.replicas("sh3", initial, removed.layout(), Map.of("sh3", 1)))
        .isEqualTo(1);
  }

  static Layout emptyLayout() {
    return new Layout(null, List.of(), Map.of());
  }
}
