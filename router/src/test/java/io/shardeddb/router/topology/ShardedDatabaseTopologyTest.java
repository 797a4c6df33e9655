package io.shardeddb.router.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.protocol.shard.LogPosition;
import io.shardeddb.protocol.topology.Role;
import io.shardeddb.protocol.topology.ShardTopology;
import io.shardeddb.protocol.topology.Sharding;
import io.shardeddb.protocol.topology.Topology;
import io.shardeddb.protocol.topology.WriteQuorum;
import org.junit.jupiter.api.Test;

/** The router reads exactly the fields docs/architecture.md lists from a ShardedDatabase. */
class ShardedDatabaseTopologyTest {
  static final String RESOURCE =
      """
      apiVersion: shardeddb.io/v1alpha1
      kind: ShardedDatabase
      metadata: {name: students, namespace: ns, generation: 3}
      spec:
        schema:
          table: students
          shardKey: Stud_id
          columns:
            - {name: Stud_id, type: Number}
            - {name: Stud_name, type: String}
        shards:
          - {id: sh1, low: 0, size: 4096}
          - {id: sh2, low: 4096, size: 4096, replicas: 1}
        replicas: 3
        writeQuorum: All
        servers: {Server0: [sh1, sh2]}
      status:
        observedGeneration: 3
        conditions:
          - {type: Ready, status: "True"}
        shards:
          - id: sh1
            epoch: 4
            primary: students-sh1-1
            replicas:
              - {pod: students-sh1-0, url: "http://10.0.0.1:8081", role: Secondary, appliedLsn: 5}
              - {pod: students-sh1-1, url: "http://10.0.0.2:8081", role: Primary, appliedLsn: 5}
              - {pod: students-sh1-2, role: Secondary}
      """;

  static ShardedDatabase resource() {
    return Serialization.unmarshal(RESOURCE, ShardedDatabase.class);
  }

  @Test
  void specAndStatusBecomeTheTopology() {
    Topology t = ShardedDatabaseTopology.from(resource());
    assertThat(t.database()).isEqualTo("students");
    assertThat(t.schema().shardKey()).isEqualTo("Stud_id");
    assertThat(t.schema().columnNames()).containsExactly("Stud_id", "Stud_name");
    assertThat(t.writeQuorum()).isEqualTo(WriteQuorum.All);
    assertThat(t.servers()).containsEntry("Server0", java.util.List.of("sh1", "sh2"));
    ShardTopology sh1 = t.shard("sh1").orElseThrow();
    assertThat(sh1.epoch()).isEqualTo(4);
    assertThat(sh1.primaryReplica().orElseThrow().url()).isEqualTo("http://10.0.0.2:8081");
    assertThat(sh1.replicas()).hasSize(2).allSatisfy(r -> assertThat(r.role()).isNotNull());
    assertThat(sh1.replica("students-sh1-0").orElseThrow().role()).isEqualTo(Role.Secondary);
    ShardTopology sh2 = t.shard("sh2").orElseThrow();
    assertThat(sh2.low()).isEqualTo(4096);
    assertThat(sh2.primary()).isNull();
    assertThat(sh2.replicas()).isEmpty();
  }

  @Test
  void theTablesEveryShardAppliedAreTheTopologysNotTheOnesTheSpecAddsYet() {
    String orders =
        "      - table: orders\n"
            + "        shardKey: cust\n"
            + "        columns: [{name: cust, type: Number}, {name: item, type: String}]\n";
    String applied =
        RESOURCE
            .replace(
                "      - {name: Stud_name, type: String}\n  shards:",
                "      - {name: Stud_name, type: String}\n"
                    + "    tables:\n"
                    + orders
                    + "      - table: notes\n"
                    + "        shardKey: id\n"
                    + "        columns: [{name: id, type: Number}]\n"
                    + "  shards:")
            .replace(
                "status:\n",
                "status:\n"
                    + "  applied:\n"
                    + "    schema:\n"
                    + "      table: students\n"
                    + "      shardKey: Stud_id\n"
                    + "      columns: [{name: Stud_id, type: Number}, {name: Stud_name, type: String}]\n"
                    + "      tables:\n"
                    + orders.replaceAll("(?m)^", "  "));
    Topology t =
        ShardedDatabaseTopology.from(Serialization.unmarshal(applied, ShardedDatabase.class));
    assertThat(t.schema().table()).isEqualTo("students");
    // notes is in the spec only: no shard has it yet, so the router does not route to it.
    assertThat(t.tables()).extracting(s -> s.table()).containsExactly("orders");
    assertThat(t.tableSet().tableOrNull("ORDERS").shardKey()).isEqualTo("cust");
    assertThat(t.tableSet().tableOrNull("notes")).isNull();
  }

  @Test
  void readyNeedsTheConditionAtTheRequestedGeneration() {
    assertThat(ShardedDatabaseTopology.readyFor(resource(), 3)).isTrue();
    assertThat(ShardedDatabaseTopology.readyFor(resource(), 4)).isFalse();
  }

  static final String RESHARDING =
      """
      apiVersion: shardeddb.io/v1alpha1
      kind: ShardedDatabase
      metadata: {name: students, namespace: ns, generation: 5}
      spec:
        schema:
          shardKey: Stud_id
          columns: [{name: Stud_id, type: Number}]
        sharding: Hash
        shards:
          - {id: sh1, low: 0, size: 2048}
          - {id: sh2, low: 4096, size: 4096}
          - {id: sh3, low: 2048, size: 2048}
      status:
        observedGeneration: 4
        applied:
          shards:
            - {id: sh1, low: 0, size: 4096}
            - {id: sh2, low: 4096, size: 4096}
        shards:
          - id: sh1
            epoch: 2
            primary: p1
            replicas: [{pod: p1, url: "http://10.0.0.1:8081", role: Primary}]
          - id: sh3
            epoch: 1
            primary: p3
            replicas: [{pod: p3, url: "http://10.0.0.3:8081", role: Primary}]
      """;

  @Test
  void thePublishedLayoutIsRoutedNotTheSpecsGoal() {
    Topology t =
        ShardedDatabaseTopology.from(Serialization.unmarshal(RESHARDING, ShardedDatabase.class));
    // sh1 still owns [0, 4096) until the operator publishes the split; sh3 gets no traffic yet.
    assertThat(t.shards()).extracting(ShardTopology::id).containsExactly("sh1", "sh2");
    ShardTopology sh1 = t.shard("sh1").orElseThrow();
    assertThat(sh1.low()).isZero();
    assertThat(sh1.size()).isEqualTo(4096);
    assertThat(sh1.primaryReplica().orElseThrow().url()).isEqualTo("http://10.0.0.1:8081");
    assertThat(t.sharding()).isEqualTo(Sharding.Hash);
    assertThat(t.shardMap().shardFor(3000)).map(ShardTopology::id).hasValue("sh1");
  }

  @Test
  void thePublishedLayoutsGenerationIsTheTopologysForSessionTokens() {
    assertThat(
            ShardedDatabaseTopology.from(Serialization.unmarshal(RESHARDING, ShardedDatabase.class))
                .layoutGeneration())
        .isZero();
    String published = RESHARDING.replace("  applied:\n", "  applied:\n    layoutGeneration: 7\n");
    assertThat(published).contains("layoutGeneration: 7");
    Topology t =
        ShardedDatabaseTopology.from(Serialization.unmarshal(published, ShardedDatabase.class));
    assertThat(t.layoutGeneration()).isEqualTo(7);
  }

  @Test
  void eachPublishedShardsSessionFloorIsItsTopologys() {
    String published =
        RESHARDING.replace(
            "- {id: sh2, low: 4096, size: 4096}",
            "- {id: sh2, low: 4096, size: 4096, floorEpoch: 3, floorLsn: 41}");
    assertThat(published).contains("floorLsn: 41");
    Topology t =
        ShardedDatabaseTopology.from(Serialization.unmarshal(published, ShardedDatabase.class));
    assertThat(t.shard("sh2").orElseThrow().sessionFloor()).isEqualTo(new LogPosition(3, 41));
    assertThat(t.shard("sh1").orElseThrow().sessionFloor()).isNull();
  }

  @Test
  void thePublishedShardingWinsOverASpecThatChangedIt() {
    // The operator refuses a spec that changes the sharding; until it is fixed, routing keeps the
    // sharding the data was placed by.
    String published = RESHARDING.replace("  applied:\n", "  applied:\n    sharding: Range\n");
    assertThat(published).contains("sharding: Range");
    Topology t =
        ShardedDatabaseTopology.from(Serialization.unmarshal(published, ShardedDatabase.class));
    assertThat(t.sharding()).isEqualTo(Sharding.Range);
  }

  @Test
  void aShardThatLeftTheSpecButIsStillPublishedKeepsItsTraffic() {
    ShardedDatabase r = Serialization.unmarshal(RESHARDING, ShardedDatabase.class);
    r.getSpec().shards().removeIf(s -> s.id().equals("sh2"));
    Topology t = ShardedDatabaseTopology.from(r);
    assertThat(t.shards()).extracting(ShardTopology::id).containsExactly("sh1", "sh2");
  }

  @Test
  void withoutAPublishedLayoutTheSpecsShardsAreRoutedAsBefore() {
    Topology t = ShardedDatabaseTopology.from(resource());
    assertThat(t.shards()).extracting(ShardTopology::id).containsExactly("sh1", "sh2");
    assertThat(t.sharding()).isEqualTo(Sharding.Range);
  }

  @Test
  void aResourceAwaitingInitHasNoSchemaAndNoShards() {
    ShardedDatabase r =
        Serialization.unmarshal(
            "apiVersion: shardeddb.io/v1alpha1\nkind: ShardedDatabase\nmetadata: {name: db}\n"
                + "spec: {replicas: 3}\n",
            ShardedDatabase.class);
    Topology t = ShardedDatabaseTopology.from(r);
    assertThat(t.isInitialized()).isFalse();
    assertThat(t.schema()).isNull();
  }
}
