package io.shardeddb.router.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shardeddb.protocol.InvalidRequestException;
import io.shardeddb.protocol.schema.Column;
import io.shardeddb.protocol.schema.ColumnType;
import io.shardeddb.protocol.schema.TableSchema;
import io.shardeddb.protocol.topology.Sharding;
import io.shardeddb.protocol.topology.Topology;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A pushed topology's other tables (issue 46) are checked as the operator's are: valid, names
 * unique ignoring case, and never without the first table. A valid one is routed by every table.
 */
class TopologyRulesTablesTest {
  static final TableSchema FIRST =
      new TableSchema("students", "Stud_id", List.of(new Column("Stud_id", ColumnType.Number)));

  static TableSchema table(String name) {
    return new TableSchema(name, "k", List.of(new Column("k", ColumnType.Number)));
  }

  static Topology topology(TableSchema first, List<TableSchema> others) {
    return new Topology("db", 1, first, null, List.of(), Map.of(), Sharding.Range, 0, others);
  }

  @Test
  void validTablesAreRoutedByName() {
    Topology t = TopologyRules.validate(topology(FIRST, List.of(table("orders"))));
    RoutingTable all = new RoutingTable(t);
    RoutingTable orders = all.forTable("ORDERS");
    assertThat(orders.tableName()).isEqualTo("orders");
    assertThat(orders.topology().schema().shardKey()).isEqualTo("k");
    assertThat(all.forTable("Students")).isSameAs(all);
    assertThat(all.forTable("students").tableName()).isNull();
    // A newer layout seen by the same table stays a request of that table.
    RoutingTable newer = new RoutingTable(t.withVersion(2));
    assertThat(orders.sameTable(newer).tableName()).isEqualTo("orders");
    assertThat(orders.sameTable(newer).version()).isEqualTo(2);
    assertThat(all.sameTable(newer)).isSameAs(newer);
    assertThatThrownBy(() -> all.forTable("invoices"))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("unknown table 'invoices'");
  }

  @Test
  void twoTablesOfOneNameIgnoringCaseAreRefused() {
    assertThatThrownBy(
            () ->
                TopologyRules.validate(topology(FIRST, List.of(table("orders"), table("Orders")))))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("field 'tables'")
        .hasMessageContaining("used twice");
  }

  @Test
  void otherTablesWithoutTheFirstAreRefused() {
    assertThatThrownBy(() -> TopologyRules.validate(topology(null, List.of(table("orders")))))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("needs 'schema'");
  }
}
