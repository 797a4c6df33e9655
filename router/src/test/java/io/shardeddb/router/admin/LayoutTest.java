package io.shardeddb.router.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardeddb.protocol.lb.DatabaseConfig;
import io.shardeddb.protocol.schema.Column;
import io.shardeddb.protocol.schema.ColumnType;
import io.shardeddb.protocol.schema.TableSchema;
import io.shardeddb.protocol.topology.Replica;
import io.shardeddb.protocol.topology.Role;
import io.shardeddb.protocol.topology.ShardTopology;
import io.shardeddb.protocol.topology.Topology;
import io.shardeddb.protocol.topology.WriteQuorum;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LayoutTest {
  private static final TableSchema SCHEMA =
      new TableSchema("t", "id", List.of(new Column("id", ColumnType.Number)));

  private static ShardTopology shard(String id, long low, String... pods) {
    return new ShardTopology(
        id,
        low,
        100,
        1,
        pods[0],
        java.util.Arrays.stream(pods)
            .map(p -> new Replica(p, "http://127.0.0.1:8081", Role.Secondary))
            .toList());
  }

  @Test
  void statusOfADatabaseCreatedWithoutInitShowsEachReplicaAsAServer() {
    Topology t =
        new Topology(
            "db",
            3,
            SCHEMA,
            WriteQuorum.Majority,
            List.of(shard("sh1", 0, "db-sh1-0", "db-sh1-1"), shard("sh2", 100, "db-sh2-0")),
            Map.of());
    DatabaseConfig status = Layout.statusOf(t);
    assertThat(status.n()).isEqualTo(3);
    assertThat(status.servers())
        .containsExactly(
            Map.entry("db-sh1-0", List.of("sh1")),
            Map.entry("db-sh1-1", List.of("sh1")),
            Map.entry("db-sh2-0", List.of("sh2")));
  }

  @Test
  void statusKeepsTheNamesGivenByInit() {
    Topology t =
        new Topology(
            "db",
            3,
            SCHEMA,
            WriteQuorum.Majority,
            List.of(shard("sh1", 0, "db-sh1-0", "db-sh1-1")),
            Map.of("Server0", List.of("sh1"), "Server1", List.of("sh1")));
    DatabaseConfig status = Layout.statusOf(t);
    assertThat(status.n()).isEqualTo(2);
    assertThat(status.servers()).containsOnlyKeys("Server0", "Server1");
  }
}
