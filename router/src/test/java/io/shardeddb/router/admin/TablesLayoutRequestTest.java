package io.shardeddb.router.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.shardeddb.api.LayoutRequest;
import io.shardeddb.api.ShardedDatabaseResources;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.protocol.schema.Column;
import io.shardeddb.protocol.schema.ColumnType;
import io.shardeddb.protocol.schema.TableSchema;
import io.shardeddb.protocol.schema.TableSet;
import io.shardeddb.router.topology.ShardedDatabaseTopology;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The layout request of a change of the database's tables (issue 46): it carries exactly the tables
 * asked for, and a change of the layout alone (/add, /rm, the first table's ALTER) keeps the spec's
 * other tables.
 */
class TablesLayoutRequestTest {
  static final String RESOURCE =
      """
      apiVersion: shardeddb.io/v1alpha1
      kind: ShardedDatabase
      metadata: {name: shop, namespace: ns, generation: 5}
      spec:
        schema:
          table: items
          shardKey: id
          columns: [{name: id, type: Number}, {name: name, type: String}]
          tables:
            - table: orders
              shardKey: cust
              columns: [{name: cust, type: Number}]
        shards:
          - {id: sh1, low: 0, size: 1000}
        replicas: 2
        servers: {Server0: [sh1], Server1: [sh1]}
      """;

  static final TableSchema NOTES =
      new TableSchema("notes", "id", List.of(new Column("id", ColumnType.Number)));

  @Test
  void aChangeOfTheTablesAsksForExactlyThem() {
    ShardedDatabase r = Serialization.unmarshal(RESOURCE, ShardedDatabase.class);
    Layout layout = Layout.of(ShardedDatabaseTopology.from(r));
    TableSet now = ShardedDatabaseResources.spec(r).schema().toTableSet();

    LayoutRequest created =
        KubernetesAdmin.requestFor(r, layout, List.of(now.tableOrNull("orders"), NOTES));
    assertThat(created.schema().toTableSet().others())
        .extracting(TableSchema::table)
        .containsExactly("orders", "notes");
    assertThat(created.schema().toTableSet().first()).isEqualTo(now.first());

    LayoutRequest dropped = KubernetesAdmin.requestFor(r, layout, List.of());
    assertThat(dropped.schema().tables()).isNull();
    assertThat(dropped.shards()).hasSize(1);
    assertThat(dropped.basedOnGeneration()).isEqualTo(5);
  }

  @Test
  void aChangeOfTheLayoutAloneKeepsTheOtherTables() {
    ShardedDatabase r = Serialization.unmarshal(RESOURCE, ShardedDatabase.class);
    Layout layout = Layout.of(ShardedDatabaseTopology.from(r));
    assertThat(KubernetesAdmin.requestFor(r, layout).schema().toTableSet())
        .isEqualTo(ShardedDatabaseResources.spec(r).schema().toTableSet());
  }
}
