package io.shardeddb.protocol.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The rules a database's tables keep, and the one-table steps from one set to another. */
class TableSetTest {
  private static final Column ID = new Column("id", ColumnType.Number);
  private static final TableSchema ITEMS =
      new TableSchema("items", "id", List.of(ID, new Column("name", ColumnType.String)));
  private static final TableSchema ORDERS = new TableSchema("orders", "id", List.of(ID));
  private static final TableSchema TAGS = new TableSchema("tags", "id", List.of(ID));

  private static TableSchema withNote(TableSchema t) {
    List<Column> cols = new ArrayList<>(t.columns());
    cols.add(new Column("note", ColumnType.String, true, null, null));
    return t.withColumns(cols);
  }

  @Test
  void stepsGoFirstTableFirstThenDropsThenCreatesAndAltersInTheWantedOrder() {
    TableSet from = new TableSet(ITEMS, List.of(ORDERS, TAGS));
    TableSet twice = new TableSet(ITEMS, List.of(TAGS, TAGS));
    assertThat(twice.refusal()).contains("table name tags is used twice");

    TableSet wanted =
        new TableSet(
            withNote(ITEMS), List.of(withNote(TAGS), new TableSchema("users", "id", List.of(ID))));
    List<String> steps = new ArrayList<>();
    TableSet at = from;
    TableSet.Step step;
    while ((step = at.nextStep(wanted)) != null) {
      assertThat(at.refusal(step)).isNull();
      steps.add(step.describe(at));
      at = at.after(step);
    }
    assertThat(steps)
        .containsExactly(
            "alter table items", "drop table orders", "alter table tags", "create table users");
    assertThat(at).isEqualTo(wanted);
    assertThat(from.refusalTowards(wanted)).isNull();
  }

  @Test
  void namesCompareIgnoringCaseAndTheFirstTableStaysFirst() {
    TableSet set = new TableSet(ITEMS, List.of(ORDERS));
    assertThat(set.tableOrNull("ORDERS")).isEqualTo(ORDERS);
    assertThat(set.tableOrNull("Items")).isEqualTo(ITEMS);
    assertThat(set.tableOrNull("nope")).isNull();
    assertThat(new TableSet(ITEMS, List.of(new TableSchema("Items", "id", List.of(ID)))).refusal())
        .contains("table name Items is used twice");
    assertThat(set.refusalTowards(new TableSet(ORDERS, List.of())))
        .contains("the first table's name cannot change");
  }

  @Test
  void whatCannotFollowIsRefusedNamingWhy() {
    TableSet set = new TableSet(ITEMS, List.of(ORDERS));
    assertThat(set.refusal(new TableSet.Step(ITEMS, true)))
        .contains("is the database's first table, which cannot be dropped");
    assertThat(set.refusal(new TableSet.Step(TAGS, true))).contains("no table 'tags' to drop");
    // Another shard key for a table of the same name is not an online change.
    TableSchema rekeyed =
        new TableSchema("orders", "n", List.of(ID, new Column("n", ColumnType.Number)));
    assertThat(set.refusal(new TableSet.Step(rekeyed, false))).isNotNull();
    assertThat(set.refusalTowards(new TableSet(ITEMS, List.of(rekeyed))))
        .startsWith("alter table orders: ");
    // A new table whose shard key is neither a Number nor a String is refused as invalid.
    TableSchema byGpa =
        new TableSchema("users", "gpa", List.of(new Column("gpa", ColumnType.Decimal)));
    assertThat(set.refusal(new TableSet.Step(byGpa, false))).startsWith("table users: ");
    // At most MAX_TABLES.
    List<TableSchema> many = new ArrayList<>();
    for (int i = 1; i < TableSet.MAX_TABLES; i++) {
      many.add(new TableSchema("t" + i, "id", List.of(ID)));
    }
    TableSet full = new TableSet(ITEMS, many);
    assertThat(full.refusal()).isNull();
    assertThat(
            full.refusal(new TableSet.Step(new TableSchema("one_more", "id", List.of(ID)), false)))
        .contains("at most 64 tables");
  }
}
