package io.shardeddb.router.sql;

import static io.shardeddb.router.sql.SqlTranslatorTest.PARSER;
import static io.shardeddb.router.sql.SqlTranslatorTest.SCHEMA;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shardeddb.protocol.InvalidRequestException;
import io.shardeddb.protocol.schema.Column;
import io.shardeddb.protocol.schema.ColumnType;
import io.shardeddb.protocol.schema.Index;
import io.shardeddb.protocol.schema.TableSchema;
import io.shardeddb.protocol.schema.TableSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Statements on a database of several tables (issue 46, docs/sql.md, "More tables"): each resolves
 * the table it names among them ignoring case, an unknown one is refused naming it, and DDL plans
 * the database's tables after it.
 */
class SqlMoreTablesTest {
  static final TableSchema ORDERS =
      new TableSchema(
          "orders",
          "cust",
          List.of(
              new Column("cust", ColumnType.Number),
              new Column("item", ColumnType.String),
              new Column("qty", ColumnType.Number)));

  static final TableSet TABLES = new TableSet(SCHEMA, List.of(ORDERS));

  private static SqlTranslator translator() {
    return new SqlTranslator(TABLES, PARSER);
  }

  @Test
  void eachStatementIsOfTheTableItNamesIgnoringCase() {
    SqlTranslator t = translator();
    SqlPlan.Insert insert =
        (SqlPlan.Insert) t.translate("INSERT INTO Orders (cust, item, qty) VALUES (5, 'pen', 2)");
    assertThat(t.table()).isSameAs(ORDERS);
    assertThat(insert.rows()).containsExactly(Map.of("cust", 5L, "item", "pen", "qty", 2L));

    t = translator();
    SqlPlan.Select select = (SqlPlan.Select) t.translate("SELECT item FROM ORDERS WHERE cust = 5");
    assertThat(t.table()).isSameAs(ORDERS);
    assertThat(select.keys()).isEqualTo(KeyRanges.point(5));
    assertThat(select.columns()).containsExactly(new SqlPlan.Output("item", "item"));

    t = translator();
    t.translate("UPDATE orders SET qty = 3 WHERE cust = 7");
    assertThat(t.table()).isSameAs(ORDERS);

    t = translator();
    t.translate("DELETE FROM orders WHERE cust = 7");
    assertThat(t.table()).isSameAs(ORDERS);

    t = translator();
    t.translate("SELECT * FROM students WHERE Stud_id = 1");
    assertThat(t.table()).isSameAs(SCHEMA);
  }

  @Test
  void aColumnOfAnotherTableIsUnknownInThisOne() {
    assertThatThrownBy(() -> translator().translate("SELECT Stud_name FROM orders"))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("unknown column 'Stud_name'")
        .hasMessageContaining("table orders");
    assertThatThrownBy(
            () -> translator().translate("INSERT INTO orders (cust, Stud_id) VALUES (1, 2)"))
        .hasMessageContaining("unknown column 'Stud_id'");
  }

  @Test
  void anUnknownTableIsRefusedNamingItAndTheTablesThereAre() {
    for (String sql :
        List.of(
            "SELECT * FROM invoices",
            "INSERT INTO invoices (a) VALUES (1)",
            "UPDATE invoices SET a = 1 WHERE a = 2",
            "DELETE FROM invoices WHERE a = 1",
            "ALTER TABLE invoices ADD COLUMN b INT NULL",
            "CREATE INDEX by_a ON invoices (a)",
            "DROP INDEX by_a ON invoices",
            "DROP TABLE invoices")) {
      assertThatThrownBy(() -> translator().translate(sql))
          .as(sql)
          .isInstanceOf(InvalidRequestException.class)
          .hasMessageContaining("unknown table 'invoices'")
          .hasMessageContaining("[students, orders]");
    }
  }

  @Test
  void createTableAddsATableAfterTheOthers() {
    SqlTranslator t = translator();
    SqlPlan plan =
        t.translate(
            "CREATE TABLE notes (id BIGINT PRIMARY KEY, body VARCHAR(200) NULL, INDEX by_body"
                + " (body))");
    assertThat(plan).isInstanceOf(SqlPlan.CreateTable.class);
    TableSchema notes = ((SqlPlan.CreateTable) plan).schema();
    assertThat(notes.table()).isEqualTo("notes");
    assertThat(notes.shardKey()).isEqualTo("id");
    TableSet after = SqlDdlPlans.tablesAfter(TABLES, plan);
    assertThat(after.first()).isEqualTo(SCHEMA);
    assertThat(after.others()).containsExactly(ORDERS, notes);
    assertThat(SqlDdlPlans.done(plan, 4))
        .isEqualTo("Table notes created on every shard (schema version 4)");
  }

  @Test
  void createTableOfAnExistingNameIsRefusedOrNothingWithIfNotExists() {
    assertThatThrownBy(() -> translator().translate("CREATE TABLE ORDERS (x INT PRIMARY KEY)"))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("table 'orders' already exists");
    SqlPlan plan = translator().translate("CREATE TABLE IF NOT EXISTS orders (x INT PRIMARY KEY)");
    assertThat(SqlDdlPlans.nothingToDo(plan)).isEqualTo("Table orders already exists");
  }

  @Test
  void dropTableRemovesAnotherTableButNeverTheFirst() {
    SqlPlan plan = translator().translate("DROP TABLE `Orders`");
    assertThat(plan).isEqualTo(new SqlPlan.DropTable("orders", true));
    assertThat(SqlDdlPlans.tablesAfter(TABLES, plan)).isEqualTo(new TableSet(SCHEMA, List.of()));
    assertThat(SqlDdlPlans.done(plan, 5))
        .isEqualTo("Table orders dropped on every shard (schema version 5)");

    assertThatThrownBy(() -> translator().translate("DROP TABLE students"))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("first table")
        .hasMessageContaining("cannot be dropped");

    SqlPlan none = translator().translate("DROP TABLE IF EXISTS invoices");
    assertThat(SqlDdlPlans.nothingToDo(none)).contains("does not exist");
  }

  @Test
  void alterAndIndexesOfAnotherTableChangeThatTableInItsPlace() {
    SqlPlan added = translator().translate("ALTER TABLE orders ADD COLUMN note VARCHAR(20) NULL");
    TableSchema orders = ((SqlPlan.ChangeSchema) added).next();
    assertThat(orders.table()).isEqualTo("orders");
    assertThat(orders.columnNames()).containsExactly("cust", "item", "qty", "note");
    TableSet after = SqlDdlPlans.tablesAfter(TABLES, added);
    assertThat(after.first()).isEqualTo(SCHEMA);
    assertThat(after.others()).containsExactly(orders);

    SqlPlan dropped = translator().translate("ALTER TABLE orders DROP COLUMN item");
    assertThat(((SqlPlan.ChangeSchema) dropped).next().columnNames())
        .containsExactly("cust", "qty");
    assertThatThrownBy(() -> translator().translate("ALTER TABLE orders DROP COLUMN cust"))
        .hasMessageContaining("shard key");

    SqlPlan index = translator().translate("CREATE INDEX by_item ON orders (item)");
    assertThat(((SqlPlan.ChangeSchema) index).next().indexes())
        .containsExactly(new Index("by_item", List.of("item")));
    TableSet indexed = SqlDdlPlans.tablesAfter(TABLES, index);
    SqlPlan dropIndex =
        new SqlTranslator(indexed, PARSER).translate("DROP INDEX by_item ON orders");
    assertThat(((SqlPlan.ChangeSchema) dropIndex).next()).isEqualTo(ORDERS);
  }
}
