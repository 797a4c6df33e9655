package io.shardeddb.router.sql;

import static io.shardeddb.router.sql.SqlMoreTablesTest.TABLES;
import static io.shardeddb.router.sql.SqlTranslatorTest.PARSER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shardeddb.protocol.InvalidRequestException;
import io.shardeddb.protocol.schema.Column;
import io.shardeddb.protocol.schema.ColumnType;
import io.shardeddb.protocol.shard.ReadFilter;
import io.shardeddb.router.sql.Predicate.Compare;
import io.shardeddb.router.sql.Predicate.Op;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import reactor.core.publisher.Flux;

/**
 * Joins of two tables on their shard keys, as plans (docs/sql.md, "Joins"): the joined rows' view,
 * the keys both sides read (pinned by either table's key in an inner join, by the left one's only
 * in a LEFT JOIN), each side's own conditions split off to push to the shards, MySQL's labels, and
 * every refusal naming its limit; and the merge by key that joins the two sides' rows.
 */
class SqlJoinsTest {
  private static SqlPlan plan(String sql) {
    return new SqlTranslator(TABLES, PARSER).translate(sql);
  }

  private static SqlPlan.Join join(String sql) {
    return (SqlPlan.Join) plan(sql);
  }

  @Test
  void anInnerJoinOnTheShardKeysReadsBothTablesOverTheKeysEitherKeyAllows() {
    SqlPlan.Join j =
        join(
            "SELECT s.Stud_name, o.item, qty FROM students s JOIN orders o ON s.Stud_id = o.cust"
                + " WHERE o.cust IN (5, 1500) AND s.Stud_marks > 50 AND o.item LIKE 'p%'"
                + " AND (s.Stud_marks < 90 OR o.qty = 1)");

    assertThat(j.leftOuter()).isFalse();
    assertThat(j.view().columnNames())
        .containsExactly(
            "s.Stud_id", "s.Stud_name", "s.Stud_marks", "s.Stud_gpa", "o.cust", "o.item", "o.qty");
    assertThat(j.view().column("o.qty").type()).isEqualTo(ColumnType.Number);
    // The right table's key pins the keys both sides read: one shard per key.
    assertThat(j.select().keys()).isEqualTo(KeyRanges.point(5).union(KeyRanges.point(1500)));
    // MySQL's labels: the column without its table.
    assertThat(j.select().columns())
        .containsExactly(
            new SqlPlan.Output("s.Stud_name", "Stud_name"),
            new SqlPlan.Output("o.item", "item"),
            new SqlPlan.Output("o.qty", "qty"));
    // Each side's own conditions, in its own column names; the one on both stays in the WHERE.
    assertThat(j.left().table().table()).isEqualTo("students");
    assertThat(j.left().where()).isEqualTo(new Compare("Stud_marks", Op.GT, 50L));
    assertThat(j.right().table().table()).isEqualTo("orders");
    assertThat(j.right().where())
        .isEqualTo(
            new Predicate.And(
                new Predicate.In("cust", List.of(5L, 1500L), false),
                new Predicate.Like("item", "p%", false)));
    assertThat(Pushdown.of(j.right().where(), j.right().table()).filter())
        .isEqualTo(
            ReadFilter.node(
                "and",
                List.of(
                    ReadFilter.leaf("cust", "in", List.of(5L, 1500L)),
                    ReadFilter.leaf("item", "like", List.of("p%")))));
    assertThat(new StatementLimits(Duration.ofSeconds(30), 8, 1000).isScan(j)).isFalse();
  }

  @Test
  void theLeftKeyAloneWhenThereIsNoConditionOnAKeyReadsEveryKey() {
    SqlPlan.Join j =
        join("SELECT * FROM students JOIN orders ON orders.cust = students.Stud_id WHERE qty > 1");
    assertThat(j.select().keys().isAll()).isTrue();
    assertThat(j.left().qualifier()).isEqualTo("students");
    assertThat(j.right().where()).isEqualTo(new Compare("qty", Op.GT, 1L));
    assertThat(j.select().labels())
        .containsExactly("Stud_id", "Stud_name", "Stud_marks", "Stud_gpa", "cust", "item", "qty");
    assertThat(new StatementLimits(Duration.ofSeconds(30), 8, 1000).isScan(j)).isTrue();

    SqlPlan.Join pinned =
        join(
            "SELECT o.* FROM students s INNER JOIN orders o ON s.Stud_id = o.cust WHERE s.Stud_id = 7");
    assertThat(pinned.select().keys()).isEqualTo(KeyRanges.point(7));
    assertThat(pinned.select().labels()).containsExactly("cust", "item", "qty");
  }

  @Test
  void aLeftJoinKeepsTheRightSidesConditionsInTheWhereAndReadsByTheLeftKeyOnly() {
    SqlPlan.Join j =
        join(
            "SELECT s.Stud_id, o.item FROM students s LEFT JOIN orders o ON s.Stud_id = o.cust"
                + " WHERE o.cust IS NULL AND s.Stud_id BETWEEN 1 AND 9");
    assertThat(j.leftOuter()).isTrue();
    // o.cust IS NULL is "no order": filtering orders first would wrongly keep students with one.
    assertThat(j.right().where()).isEqualTo(new Predicate.Always());
    assertThat(j.left().where()).isEqualTo(new Predicate.Between("Stud_id", 1L, 9L, false));
    assertThat(j.select().keys()).isEqualTo(KeyRanges.between(1, 9));
    assertThat(j.view().column("o.item").nullable()).isTrue();
  }

  @Test
  void aggregatesOrderAndLimitAreTheSelectsOverTheView() {
    SqlPlan.Join j =
        join(
            "SELECT o.item, COUNT(*) AS n, SUM(s.Stud_marks) FROM students s JOIN orders o"
                + " ON s.Stud_id = o.cust GROUP BY o.item ORDER BY n DESC LIMIT 3");
    assertThat(j.select().grouping().by()).containsExactly("o.item");
    assertThat(j.select().labels()).containsExactly("item", "n", "SUM(s.Stud_marks)");
    assertThat(j.select().orderBy()).containsExactly(new SqlPlan.Order("n", true));
    assertThat(j.select().limit()).isEqualTo(3L);

    SqlPlan.Join count =
        join("SELECT COUNT(*) FROM students s JOIN orders o ON o.cust = s.Stud_id");
    assertThat(count.select().countLabel()).isEqualTo("COUNT(*)");

    SqlPlan.Join ordered =
        join(
            "SELECT item AS what FROM students s JOIN orders o ON s.Stud_id = o.cust"
                + " ORDER BY s.Stud_marks DESC, o.cust LIMIT 2 OFFSET 1");
    assertThat(ordered.select().orderBy())
        .containsExactly(
            new SqlPlan.Order("s.Stud_marks", true), new SqlPlan.Order("o.cust", false));
    assertThat(ordered.select().columns()).containsExactly(new SqlPlan.Output("o.item", "what"));
  }

  @Test
  void aTableJoinedWithItselfUnderTwoAliasesIsAJoinOfTwoSides() {
    SqlPlan.Join j =
        join(
            "SELECT a.item, b.qty FROM orders a JOIN orders b ON a.cust = b.cust WHERE a.cust = 3");
    assertThat(j.left().table()).isSameAs(j.right().table());
    assertThat(j.select().keys()).isEqualTo(KeyRanges.point(3));
  }

  @Test
  void theNextStatementOfTheSameTranslatorIsOfItsOwnTable() {
    SqlTranslator t = new SqlTranslator(TABLES, PARSER);
    t.translate("SELECT * FROM students s JOIN orders o ON s.Stud_id = o.cust");
    SqlPlan.Select one = (SqlPlan.Select) t.translate("SELECT item FROM orders WHERE cust = 1");
    assertThat(one.columns()).containsExactly(new SqlPlan.Output("item", "item"));
    assertThat(t.table().table()).isEqualTo("orders");
  }

  static Stream<Arguments> refused() {
    return Stream.of(
        Arguments.of(
            "SELECT * FROM students s JOIN orders o ON s.Stud_name = o.item",
            "joins must equate the two tables' shard keys (a.x = b.y): ON s.Stud_id = o.cust,"
                + " got ON s.Stud_name = o.item"),
        Arguments.of(
            "SELECT * FROM students s JOIN orders o ON s.Stud_id = o.qty",
            "joins must equate the two tables' shard keys (a.x = b.y)"),
        Arguments.of(
            "SELECT * FROM students s JOIN orders o ON s.Stud_id = o.cust AND o.qty > 1",
            "joins must equate the two tables' shard keys (a.x = b.y)"),
        Arguments.of(
            "SELECT * FROM students s JOIN orders o ON s.Stud_id = s.Stud_id",
            "joins must equate the two tables' shard keys (a.x = b.y)"),
        Arguments.of(
            "SELECT * FROM students s JOIN orders o ON s.Stud_id < o.cust",
            "joins must equate the two tables' shard keys (a.x = b.y)"),
        Arguments.of(
            "SELECT * FROM students s JOIN orders o ON s.Stud_id = 5",
            "joins must equate the two tables' shard keys (a.x = b.y)"),
        Arguments.of("SELECT * FROM students, orders", "comma and CROSS joins are not supported"),
        Arguments.of(
            "SELECT * FROM students CROSS JOIN orders", "comma and CROSS joins are not supported"),
        Arguments.of(
            "SELECT * FROM students s JOIN orders o ON s.Stud_id = o.cust"
                + " JOIN orders p ON p.cust = o.cust",
            "joins of more than two tables are not supported"),
        Arguments.of(
            "SELECT * FROM students s RIGHT JOIN orders o ON s.Stud_id = o.cust",
            "this kind of join is not supported"),
        Arguments.of(
            "SELECT * FROM students s FULL OUTER JOIN orders o ON s.Stud_id = o.cust",
            "this kind of join is not supported"),
        Arguments.of(
            "SELECT * FROM students NATURAL JOIN orders", "this kind of join is not supported"),
        Arguments.of(
            "SELECT * FROM orders a JOIN orders b USING (cust)", "JOIN ... USING is not supported"),
        Arguments.of(
            "SELECT * FROM students s JOIN (SELECT * FROM orders) o ON s.Stud_id = o.cust",
            "subqueries are not supported"),
        Arguments.of(
            "SELECT * FROM orders JOIN orders ON orders.cust = orders.cust",
            "not unique table/alias: 'orders'"),
        Arguments.of(
            "SELECT * FROM students s JOIN invoices i ON s.Stud_id = i.id",
            "unknown table 'invoices'"),
        Arguments.of(
            "SELECT cust FROM orders a JOIN orders b ON a.cust = b.cust",
            "column 'cust' is ambiguous: both a and b have it; qualify it (a.cust)"),
        Arguments.of(
            "SELECT * FROM orders a JOIN orders b ON a.cust = b.cust",
            "two columns of the join are labelled 'cust' (a.cust and b.cust): give one an alias"),
        Arguments.of(
            "SELECT s.nope FROM students s JOIN orders o ON s.Stud_id = o.cust",
            "unknown column 's.nope' (table students has"),
        Arguments.of(
            "SELECT x.item FROM students s JOIN orders o ON s.Stud_id = o.cust",
            "unknown table 'x' in column x.item"),
        Arguments.of(
            "SELECT _timestamp FROM students s JOIN orders o ON s.Stud_id = o.cust",
            "_timestamp (a row's global timestamp) is not supported in a join"),
        Arguments.of(
            "SELECT * FROM students s JOIN orders o ON s.Stud_id = o.cust WHERE s.Stud_id = o.cust",
            "comparing two columns is not supported"),
        Arguments.of(
            "UPDATE orders o JOIN students s ON s.Stud_id = o.cust SET qty = 1 WHERE cust = 1",
            "joins are not supported"),
        Arguments.of(
            "DELETE o FROM orders o JOIN students s ON s.Stud_id = o.cust WHERE cust = 1",
            "multi-table DELETE is not supported"));
  }

  @ParameterizedTest
  @MethodSource("refused")
  void unsupportedJoinsAreRefusedNamingTheLimit(String sql, String message) {
    assertThatThrownBy(() -> plan(sql))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining(message);
  }

  // ---------------------------------------------------------------- the merge by key

  private static Map<String, Object> student(long id, String name) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("Stud_id", id);
    row.put("Stud_name", name);
    row.put("Stud_marks", id * 10);
    row.put("Stud_gpa", null);
    return row;
  }

  private static Map<String, Object> order(long cust, String item) {
    return Map.of("cust", cust, "item", item, "qty", 1L);
  }

  private static List<String> joined(
      SqlPlan.Join j, Flux<Map<String, Object>> l, Flux<Map<String, Object>> r) {
    List<String> out = new ArrayList<>();
    for (Map<String, Object> row : SqlJoins.byKey(j, l, r).collectList().block()) {
      out.add(row.get("s.Stud_id") + ":" + row.get("s.Stud_name") + ":" + row.get("o.item"));
    }
    return out;
  }

  @Test
  void rowsOfEqualKeysMeetAndTheJoinIsInKeyOrder() {
    SqlPlan.Join inner = join("SELECT * FROM students s JOIN orders o ON s.Stud_id = o.cust");
    Flux<Map<String, Object>> students =
        Flux.just(student(1, "a"), student(2, "b"), student(5, "e"), student(1500, "x"));
    Flux<Map<String, Object>> orders =
        Flux.just(
            order(2, "pen"),
            order(3, "cap"),
            order(5, "ink"),
            order(1500, "mug"),
            order(1600, "lid"));

    assertThat(joined(inner, students, orders)).containsExactly("2:b:pen", "5:e:ink", "1500:x:mug");

    SqlPlan.Join left = join("SELECT * FROM students s LEFT JOIN orders o ON s.Stud_id = o.cust");
    assertThat(joined(left, students, orders))
        .containsExactly("1:a:null", "2:b:pen", "5:e:ink", "1500:x:mug");
    Map<String, Object> first = SqlJoins.byKey(left, students, orders).blockFirst();
    assertThat(first).containsEntry("o.cust", null).containsEntry("s.Stud_marks", 10L);
    assertThat(first.keySet()).containsExactlyElementsOf(left.view().columnNames());
  }

  @Test
  void aSideWithoutRowsJoinsNothingAndTheOtherIsStillReadToTheEnd() {
    SqlPlan.Join inner = join("SELECT * FROM students s JOIN orders o ON s.Stud_id = o.cust");
    assertThat(joined(inner, Flux.empty(), Flux.just(order(1, "pen")))).isEmpty();
    SqlPlan.Join left = join("SELECT * FROM students s LEFT JOIN orders o ON s.Stud_id = o.cust");
    assertThat(joined(left, Flux.just(student(4, "d")), Flux.empty())).containsExactly("4:d:null");
  }

  @Test
  void theViewsColumnsKeepTheirTablesTypes() {
    SqlPlan.Join j = join("SELECT * FROM students s JOIN orders o ON s.Stud_id = o.cust");
    assertThat(j.view().columns())
        .extracting(Column::type)
        .containsExactly(
            ColumnType.Number,
            ColumnType.String,
            ColumnType.Number,
            ColumnType.Decimal,
            ColumnType.Number,
            ColumnType.String,
            ColumnType.Number);
    assertThat(j.view().shardKey()).isEqualTo("s.Stud_id");
  }
}
