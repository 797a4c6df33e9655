package io.shardeddb.router.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shardeddb.protocol.InvalidRequestException;
import io.shardeddb.protocol.lb.KeyRange;
import io.shardeddb.protocol.schema.Column;
import io.shardeddb.protocol.schema.ColumnType;
import io.shardeddb.protocol.schema.TableSchema;
import io.shardeddb.protocol.shard.ReadFilter;
import io.shardeddb.router.sql.Predicate.Compare;
import io.shardeddb.router.sql.Predicate.Op;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The translator as a table: supported statements and their plans, unsupported ones and the 400.
 */
class SqlTranslatorTest {
  static final TableSchema SCHEMA =
      new TableSchema(
          "students",
          "Stud_id",
          List.of(
              new Column("Stud_id", ColumnType.Number),
              new Column("Stud_name", ColumnType.String),
              new Column("Stud_marks", ColumnType.Number),
              new Column("Stud_gpa", ColumnType.Decimal)));

  /** Generous for a loaded machine; the production default is 2 s. */
  static final SqlParser PARSER = new SqlParser(1, 64, java.time.Duration.ofSeconds(20));

  static final SqlTranslator TRANSLATOR = new SqlTranslator(SCHEMA, PARSER);

  static final List<SqlPlan.Output> ALL =
      List.of(
          new SqlPlan.Output("Stud_id", "Stud_id"),
          new SqlPlan.Output("Stud_name", "Stud_name"),
          new SqlPlan.Output("Stud_marks", "Stud_marks"),
          new SqlPlan.Output("Stud_gpa", "Stud_gpa"));

  static Stream<Arguments> supported() {
    Compare id5 = new Compare("Stud_id", Op.EQ, 5L);
    return Stream.of(
        Arguments.of(
            "INSERT INTO students (Stud_id, Stud_name, Stud_marks, Stud_gpa)"
                + " VALUES (1, 'Alice', 90, 3.5)",
            new SqlPlan.Insert(List.of(row(1L, "Alice", 90L, new BigDecimal("3.5"))))),
        Arguments.of(
            "insert into students values (1, 'A', 1, 1.25), (2, 'B', -2, -0.5);",
            new SqlPlan.Insert(
                List.of(
                    row(1L, "A", 1L, new BigDecimal("1.25")),
                    row(2L, "B", -2L, new BigDecimal("-0.5"))))),
        Arguments.of(
            // Columns in another order; a number for a String column is stored as its text.
            "INSERT INTO students (Stud_marks, Stud_gpa, Stud_name, Stud_id) VALUES (7, 0, 42, 3)",
            new SqlPlan.Insert(List.of(row(3L, "42", 7L, BigDecimal.ZERO)))),
        Arguments.of(
            "SELECT * FROM students WHERE Stud_id = 5",
            new SqlPlan.Select(KeyRanges.point(5), id5, ALL, null, List.of(), 0, null)),
        Arguments.of(
            "SELECT Stud_name AS n FROM students WHERE Stud_id IN (3, 1, 2, 10)",
            new SqlPlan.Select(
                new KeyRanges(List.of(new KeyRange(1, 3), new KeyRange(10, 10))),
                new Predicate.In("Stud_id", List.of(3L, 1L, 2L, 10L), false),
                List.of(new SqlPlan.Output("Stud_name", "n")),
                null,
                List.of(),
                0,
                null)),
        Arguments.of(
            "SELECT * FROM students WHERE Stud_id BETWEEN 100 AND 200 AND Stud_marks > 50",
            new SqlPlan.Select(
                KeyRanges.between(100, 200),
                new Predicate.And(
                    new Predicate.Between("Stud_id", 100L, 200L, false),
                    new Compare("Stud_marks", Op.GT, 50L)),
                ALL,
                null,
                List.of(),
                0,
                null)),
        Arguments.of(
            "SELECT * FROM students WHERE Stud_id >= 4096 AND 8192 > Stud_id",
            new SqlPlan.Select(
                KeyRanges.between(4096, 8191),
                new Predicate.And(
                    new Compare("Stud_id", Op.GE, 4096L), new Compare("Stud_id", Op.LT, 8192L)),
                ALL,
                null,
                List.of(),
                0,
                null)),
        Arguments.of(
            "SELECT COUNT(*) FROM students WHERE Stud_id < 10 OR Stud_id > 100",
            new SqlPlan.Select(
                new KeyRanges(
                    List.of(new KeyRange(Long.MIN_VALUE, 9), new KeyRange(101, Long.MAX_VALUE))),
                new Predicate.Or(
                    new Compare("Stud_id", Op.LT, 10L), new Compare("Stud_id", Op.GT, 100L)),
                List.of(),
                "COUNT(*)",
                List.of(),
                0,
                null)),
        Arguments.of(
            "SELECT count(*) AS total FROM students WHERE Stud_name LIKE 'A%'",
            new SqlPlan.Select(
                KeyRanges.all(),
                new Predicate.Like("Stud_name", "A%", false),
                List.of(),
                "total",
                List.of(),
                0,
                null)),
        Arguments.of(
            "SELECT * FROM students WHERE NOT Stud_id = 5",
            new SqlPlan.Select(
                KeyRanges.point(5).complement(),
                new Predicate.Not(id5),
                ALL,
                null,
                List.of(),
                0,
                null)),
        Arguments.of(
            "SELECT `stud_name` FROM `STUDENTS` WHERE STUD_ID = 5 AND (stud_marks IS NULL"
                + " OR Stud_gpa <> 1.5) ORDER BY Stud_marks DESC, stud_id LIMIT 10 OFFSET 5",
            new SqlPlan.Select(
                KeyRanges.point(5),
                new Predicate.And(
                    id5,
                    new Predicate.Or(
                        new Predicate.IsNull("Stud_marks", false),
                        new Compare("Stud_gpa", Op.NE, new BigDecimal("1.5")))),
                List.of(new SqlPlan.Output("Stud_name", "Stud_name")),
                null,
                List.of(new SqlPlan.Order("Stud_marks", true), new SqlPlan.Order("Stud_id", false)),
                5,
                10L)),
        Arguments.of(
            "SELECT Stud_id FROM students LIMIT 5, 10",
            new SqlPlan.Select(
                KeyRanges.all(),
                new Predicate.Always(),
                List.of(new SqlPlan.Output("Stud_id", "Stud_id")),
                null,
                List.of(),
                5,
                10L)),
        Arguments.of(
            "UPDATE students SET Stud_marks = 95, Stud_name = 'Bo' WHERE Stud_id = 5",
            new SqlPlan.Update(
                KeyRanges.point(5), id5, Map.of("Stud_marks", 95L, "Stud_name", "Bo"))),
        Arguments.of(
            "UPDATE students SET Stud_gpa = 2.5 WHERE Stud_marks < 10",
            new SqlPlan.Update(
                KeyRanges.all(),
                new Compare("Stud_marks", Op.LT, 10L),
                Map.of("Stud_gpa", new BigDecimal("2.5")))),
        Arguments.of(
            "DELETE FROM students WHERE Stud_id IN (1, 2) AND Stud_name = 'x'",
            new SqlPlan.Delete(
                KeyRanges.between(1, 2),
                new Predicate.And(
                    new Predicate.In("Stud_id", List.of(1L, 2L), false),
                    new Compare("Stud_name", Op.EQ, "x")))),
        Arguments.of(
            "DELETE FROM students WHERE Stud_id = NULL",
            new SqlPlan.Delete(KeyRanges.none(), new Compare("Stud_id", Op.EQ, null))));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("supported")
  void aSupportedStatementBecomesItsPlan(String sql, SqlPlan expected) {
    assertThat(TRANSLATOR.translate(sql)).isEqualTo(expected);
  }

  static Stream<Arguments> unsupported() {
    return Stream.of(
        Arguments.of("", "the query is empty"),
        Arguments.of("SELEC * FROM students", "could not parse the query"),
        // Joins are of the database's tables, on their shard keys (SqlJoinsTest).
        Arguments.of(
            "SELECT * FROM students JOIN teachers ON students.Stud_id = teachers.id",
            "unknown table 'teachers'"),
        Arguments.of("SELECT * FROM students, teachers", "comma and CROSS joins are not supported"),
        Arguments.of(
            "SELECT * FROM students WHERE Stud_id IN (SELECT id FROM teachers)",
            "subqueries are not supported"),
        Arguments.of("SELECT * FROM (SELECT * FROM students) t", "subqueries are not supported"),
        Arguments.of(
            "SELECT * FROM students WHERE Stud_id = (SELECT MAX(Stud_id) FROM students)",
            "subqueries are not supported"),
        Arguments.of("SELECT * FROM students UNION SELECT * FROM students", "only a plain SELECT"),
        Arguments.of("CREATE TABLE t (a INT)", "needs a PRIMARY KEY"),
        Arguments.of("DROP TABLE students", "the database's first table, which cannot be dropped"),
        Arguments.of(
            "ALTER TABLE students RENAME TO x",
            "ALTER TABLE supports ADD COLUMN, DROP COLUMN, ADD INDEX and DROP INDEX"),
        Arguments.of("TRUNCATE TABLE students", "TRUNCATE statements are not supported"),
        Arguments.of("COMMIT", "transactions (BEGIN ... COMMIT) run over the MySQL port"),
        Arguments.of("ROLLBACK", "transactions (BEGIN ... COMMIT) run over the MySQL port"),
        Arguments.of(
            "SELECT * FROM students; DELETE FROM students WHERE Stud_id = 1",
            "several statements in one query are not supported (got 2)"),
        Arguments.of(
            "SELECT * FROM teachers", "unknown table 'teachers' (this database has [students])"),
        Arguments.of("SELECT * FROM other.students", "qualified table names are not supported"),
        Arguments.of("SELECT nope FROM students", "unknown column 'nope'"),
        Arguments.of(
            "SELECT * FROM students WHERE nope = 1", "unknown column 'nope' (table students has"),
        Arguments.of(
            "INSERT INTO students VALUES ('abc', 'x', 1, 1.0)",
            "row 1: field 'Stud_id' must be a Number"),
        Arguments.of(
            "SELECT * FROM students WHERE Stud_marks = 'high'",
            "field 'Stud_marks' must be a Number (integer), got 'high'"),
        Arguments.of(
            "INSERT INTO students (Stud_id, Stud_name) VALUES (1, 'x', 3)",
            "row 1 has 3 values for 2 columns"),
        Arguments.of("INSERT INTO students (Stud_id, Stud_name) VALUES (1, 'x')", "row 1: missing"),
        Arguments.of(
            "INSERT INTO students SELECT * FROM students", "INSERT ... SELECT is not supported"),
        Arguments.of(
            "INSERT INTO students VALUES (1, 'x', 1, 1) ON DUPLICATE KEY UPDATE Stud_marks = 2",
            "ON DUPLICATE KEY UPDATE is not supported"),
        Arguments.of(
            "SELECT Stud_marks, COUNT(*) FROM students GROUP BY Stud_marks HAVING COUNT(*) > 1",
            "HAVING is not supported (filter the rows with WHERE)"),
        Arguments.of(
            "SELECT Stud_name, COUNT(*) FROM students GROUP BY Stud_marks",
            "'Stud_name' is neither in GROUP BY nor aggregated"),
        Arguments.of("SELECT Stud_id, COUNT(*) FROM students", "'Stud_id' is neither in GROUP BY"),
        Arguments.of(
            "SELECT COUNT(DISTINCT Stud_marks) FROM students",
            "COUNT(DISTINCT ...) is not supported"),
        Arguments.of("SELECT SUM(Stud_name) FROM students", "SUM of String column Stud_name"),
        Arguments.of(
            "SELECT * FROM students GROUP BY Stud_marks", "* in a grouped SELECT is not supported"),
        Arguments.of(
            "SELECT DISTINCT Stud_marks, COUNT(*) FROM students",
            "DISTINCT together with GROUP BY or aggregates is not supported"),
        Arguments.of(
            "SELECT Stud_marks FROM students GROUP BY Stud_marks + 1",
            "GROUP BY Stud_marks + 1 is not supported (columns only)"),
        Arguments.of(
            "SELECT Stud_marks FROM students GROUP BY Stud_marks WITH ROLLUP",
            "WITH ROLLUP and GROUPING SETS are not supported"),
        Arguments.of(
            "SELECT Stud_marks, COUNT(*) FROM students GROUP BY Stud_marks ORDER BY Stud_name",
            "ORDER BY Stud_name is not supported in a grouped SELECT"),
        Arguments.of(
            "SELECT SUM(Stud_marks + 1) FROM students",
            "SUM(Stud_marks + 1) is not supported (SUM of one column)"),
        Arguments.of(
            "SELECT Stud_marks, Stud_marks FROM students GROUP BY Stud_marks",
            "two columns labelled 'Stud_marks'"),
        Arguments.of("SELECT UPPER(Stud_name) FROM students", "select item 'UPPER(Stud_name)'"),
        Arguments.of("UPDATE students SET Stud_marks = 1", "UPDATE without WHERE is not supported"),
        Arguments.of("DELETE FROM students", "DELETE without WHERE is not supported"),
        Arguments.of(
            "DELETE FROM students WHERE _timestamp < 5",
            "_timestamp (the row's global timestamp) can be used in a SELECT's select list, WHERE"
                + " and ORDER BY only"),
        Arguments.of(
            "UPDATE students SET Stud_marks = 1 WHERE _timestamp < 5",
            "can be used in a SELECT's select list, WHERE and ORDER BY only"),
        Arguments.of("SELECT Stud_id FROM students WHERE _timestamp > 'x'", "_timestamp"),
        Arguments.of(
            "UPDATE students SET Stud_gpa = NULL WHERE Stud_id = 1",
            "field 'Stud_gpa' must not be null"),
        Arguments.of(
            "UPDATE students SET Stud_id = 3 WHERE Stud_id = 1", "a row's shard key cannot change"),
        Arguments.of(
            "UPDATE students SET Stud_marks = Stud_marks + 1 WHERE Stud_id = 1",
            "only literal values can be assigned"),
        Arguments.of(
            "SELECT * FROM students WHERE Stud_id = ?", "parameters (?) are not supported"),
        Arguments.of("SELECT * FROM students WHERE Stud_marks = Stud_id", "comparing two columns"),
        Arguments.of(
            "SELECT * FROM students WHERE Stud_id = 1 FOR UPDATE",
            "only SELECT columns FROM table"),
        Arguments.of("SELECT * FROM students ORDER BY Stud_marks + 1", "ORDER BY Stud_marks + 1"),
        Arguments.of("SELECT * FROM students LIMIT -1", "LIMIT -1 is not supported"),
        Arguments.of(
            "SELECT * FROM students WHERE Stud_id = 99999999999999999999",
            "field 'Stud_id' must be a Number"));
  }

  @Test
  void groupByAndAggregatesBecomeAGroupingOfLabelledItems() {
    SqlPlan.Select plan =
        (SqlPlan.Select)
            TRANSLATOR.translate(
                "SELECT stud_marks, COUNT(*), SUM(Stud_gpa) AS total, AVG(Stud_marks),"
                    + " MIN(Stud_name), MAX(Stud_id) FROM students WHERE Stud_id < 100"
                    + " GROUP BY Stud_marks ORDER BY total DESC, 2 LIMIT 5");
    assertThat(plan.grouping())
        .isEqualTo(
            new SqlPlan.Grouping(
                List.of("Stud_marks"),
                List.of(
                    new SqlPlan.Item(null, "Stud_marks", "Stud_marks"),
                    new SqlPlan.Item(SqlPlan.Aggregate.COUNT, null, "COUNT(*)"),
                    new SqlPlan.Item(SqlPlan.Aggregate.SUM, "Stud_gpa", "total"),
                    new SqlPlan.Item(SqlPlan.Aggregate.AVG, "Stud_marks", "AVG(Stud_marks)"),
                    new SqlPlan.Item(SqlPlan.Aggregate.MIN, "Stud_name", "MIN(Stud_name)"),
                    new SqlPlan.Item(SqlPlan.Aggregate.MAX, "Stud_id", "MAX(Stud_id)"))));
    assertThat(plan.orderBy())
        .containsExactly(new SqlPlan.Order("total", true), new SqlPlan.Order("COUNT(*)", false));
    assertThat(plan.limit()).isEqualTo(5L);
    assertThat(plan.countLabel()).isNull();
    assertThat(plan.labels())
        .containsExactly(
            "Stud_marks", "COUNT(*)", "total", "AVG(Stud_marks)", "MIN(Stud_name)", "MAX(Stud_id)");
  }

  @Test
  void distinctGroupsByTheColumnsItShowsAndALoneCountStarStillCountsOnTheShards() {
    SqlPlan.Select distinct =
        (SqlPlan.Select) TRANSLATOR.translate("SELECT DISTINCT Stud_marks AS m FROM students");
    assertThat(distinct.grouping())
        .isEqualTo(
            new SqlPlan.Grouping(
                List.of("Stud_marks"), List.of(new SqlPlan.Item(null, "Stud_marks", "m"))));
    SqlPlan.Select all =
        (SqlPlan.Select) TRANSLATOR.translate("SELECT DISTINCT * FROM students ORDER BY Stud_id");
    assertThat(all.grouping().by())
        .containsExactly("Stud_id", "Stud_name", "Stud_marks", "Stud_gpa");
    SqlPlan.Select count = (SqlPlan.Select) TRANSLATOR.translate("SELECT COUNT(*) FROM students");
    assertThat(count.grouping()).isNull();
    assertThat(count.countLabel()).isEqualTo("COUNT(*)");
    SqlPlan.Select aggregates =
        (SqlPlan.Select) TRANSLATOR.translate("SELECT COUNT(*), MAX(Stud_marks) FROM students");
    assertThat(aggregates.grouping().by()).isEmpty();
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("unsupported")
  void anUnsupportedStatementIsA400NamingWhatIsNotSupported(String sql, String message) {
    assertThatThrownBy(() -> TRANSLATOR.translate(sql))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining(message);
  }

  @Test
  void injectionAttemptsStayData() {
    SqlPlan insert =
        TRANSLATOR.translate(
            "INSERT INTO students VALUES (9, '''; DROP TABLE students; --', 1, 0)");
    assertThat(((SqlPlan.Insert) insert).rows().get(0).get("Stud_name"))
        .isEqualTo("'; DROP TABLE students; --");

    SqlPlan escaped =
        TRANSLATOR.translate("INSERT INTO students VALUES (10, 'a\\'b\\\\c\\nd', 1, 0)");
    assertThat(((SqlPlan.Insert) escaped).rows().get(0).get("Stud_name")).isEqualTo("a'b\\c\nd");

    // The classic tautology stays one comparison with a strange string, not an OR.
    SqlPlan select =
        TRANSLATOR.translate("SELECT * FROM students WHERE Stud_name = ''' OR ''1''=''1'");
    assertThat(((SqlPlan.Select) select).where())
        .isEqualTo(new Compare("Stud_name", Op.EQ, "' OR '1'='1"));
  }

  static ReadFilter leaf(String column, String op, Object... values) {
    return ReadFilter.leaf(column, op, values.length == 0 ? null : List.of(values));
  }

  static Stream<Arguments> pushedDown() {
    ReadFilter marksOver50 = leaf("Stud_marks", ">", 50L);
    return Stream.of(
        Arguments.of("SELECT * FROM students", null, true),
        Arguments.of("SELECT * FROM students WHERE Stud_marks > 50", marksOver50, true),
        Arguments.of("SELECT * FROM students WHERE 50 < Stud_marks", marksOver50, true),
        // NOT goes down to the leaves: the opposite comparison, De Morgan for AND/OR.
        Arguments.of(
            "SELECT * FROM students WHERE NOT (Stud_marks > 50 OR Stud_name = 'x')",
            ReadFilter.node(
                "and", List.of(leaf("Stud_marks", "<=", 50L), leaf("Stud_name", "<>", "x"))),
            true),
        Arguments.of(
            "SELECT * FROM students WHERE NOT (Stud_marks >= 50 AND Stud_name NOT IN ('a', 'b'))",
            ReadFilter.node(
                "or", List.of(leaf("Stud_marks", "<", 50L), leaf("Stud_name", "in", "a", "b"))),
            true),
        // Chains of one connective stay flat; a decimal keeps its exact value.
        Arguments.of(
            "SELECT * FROM students WHERE Stud_id BETWEEN 1 AND 9 AND Stud_name LIKE 'A%'"
                + " AND Stud_gpa >= 3.5 AND Stud_name IS NOT NULL",
            ReadFilter.node(
                "and",
                List.of(
                    leaf("Stud_id", "between", 1L, 9L),
                    leaf("Stud_name", "like", "A%"),
                    leaf("Stud_gpa", ">=", new BigDecimal("3.5")),
                    leaf("Stud_name", "is not null"))),
            true),
        Arguments.of(
            "SELECT COUNT(*) FROM students WHERE Stud_marks NOT BETWEEN 10 AND 20",
            leaf("Stud_marks", "not between", 10L, 20L),
            true),
        // What the shards cannot evaluate as the router does becomes "true": a superset.
        Arguments.of(
            "SELECT * FROM students WHERE Stud_marks LIKE '9%' AND Stud_id = 1",
            leaf("Stud_id", "=", 1L), false),
        Arguments.of(
            "SELECT * FROM students WHERE Stud_marks LIKE '9%' OR Stud_id = 1", null, false),
        Arguments.of(
            "SELECT * FROM students WHERE Stud_marks = NULL OR Stud_name IS NULL", null, false),
        Arguments.of(
            "SELECT * FROM students WHERE Stud_marks IN (1, NULL) AND Stud_name <> 'z'",
            leaf("Stud_name", "<>", "z"),
            false),
        // An injection attempt is one value, not SQL.
        Arguments.of(
            "SELECT * FROM students WHERE Stud_name = 'x'' OR ''1''=''1'",
            leaf("Stud_name", "=", "x' OR '1'='1"),
            true),
        Arguments.of(
            "DELETE FROM students WHERE Stud_name LIKE '%''; DROP TABLE students; --'",
            leaf("Stud_name", "like", "%'; DROP TABLE students; --"), true));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("pushedDown")
  void theWhereClauseIsPushedToTheShardsAsAFilterThatKeepsEveryMatchingRow(
      String sql, ReadFilter filter, boolean exact) {
    Predicate where =
        switch (TRANSLATOR.translate(sql)) {
          case SqlPlan.Select s -> s.where();
          case SqlPlan.Delete d -> d.where();
          case SqlPlan.Update u -> u.where();
          case SqlPlan.Insert i -> throw new AssertionError(sql);
          case SqlPlan.ChangeSchema a -> throw new AssertionError(sql);
          case SqlPlan.CreateTable c -> throw new AssertionError(sql);
          case SqlPlan.DropTable d -> throw new AssertionError(sql);
          case SqlPlan.Join j -> throw new AssertionError(sql);
          case SqlPlan.Explain e -> throw new AssertionError(sql);
        };
    assertThat(Pushdown.of(where, SCHEMA)).isEqualTo(new Pushdown.Result(filter, exact));
  }

  @Test
  void aFilterTooDeepForAShardServerIsNotSent() {
    // Alternating OR and AND cannot be flattened: 70 levels, more than a shard-server takes.
    StringBuilder sql = new StringBuilder("SELECT * FROM students WHERE ");
    for (int i = 0; i < 35; i++) {
      sql.append("Stud_marks = ").append(i).append(" OR (Stud_name = 'x").append(i);
      sql.append("' AND (");
    }
    sql.append("Stud_gpa > 0").append("))".repeat(35));
    SqlPlan.Select plan = (SqlPlan.Select) TRANSLATOR.translate(sql.toString());
    assertThat(Pushdown.of(plan.where(), SCHEMA)).isEqualTo(new Pushdown.Result(null, false));
  }

  @Test
  void aLongInListOfKeysStaysExact() {
    StringBuilder in = new StringBuilder();
    for (int i = 0; i < 200; i++) {
      in.append(i == 0 ? "" : ",").append(i * 10);
    }
    SqlPlan.Select plan =
        (SqlPlan.Select)
            TRANSLATOR.translate("SELECT * FROM students WHERE Stud_id IN (" + in + ")");
    assertThat(plan.keys().ranges()).hasSize(200);
    assertThat(plan.keys().onlyPoints()).isTrue();
  }

  static Map<String, Object> row(long id, String name, long marks, BigDecimal gpa) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("Stud_id", id);
    r.put("Stud_name", name);
    r.put("Stud_marks", marks);
    r.put("Stud_gpa", gpa);
    return r;
  }

  @Test
  void hostileShapesAreRefusedOrServedWithoutBlowingTheStack() {
    String nested = "(".repeat(3000) + "Stud_id = 1" + ")".repeat(3000);
    assertThatThrownBy(() -> TRANSLATOR.translate("SELECT * FROM students WHERE " + nested))
        .isInstanceOf(InvalidRequestException.class);
    String chain = "Stud_id = 1" + " OR Stud_id = 1".repeat(4000);
    assertThatThrownBy(() -> TRANSLATOR.translate("SELECT * FROM students WHERE " + chain))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("nests deeper than 256 levels");
    String shortChain = "Stud_id = 1" + " OR Stud_id = 2".repeat(200);
    SqlPlan.Select plan =
        (SqlPlan.Select) TRANSLATOR.translate("SELECT * FROM students WHERE " + shortChain);
    assertThat(plan.keys()).isEqualTo(KeyRanges.between(1, 2));
    assertThat(plan.where().matches(Map.of("Stud_id", 2L))).isTrue();
  }

  static final TableSchema USERS =
      new TableSchema(
          "users",
          "id",
          List.of(
              new Column("id", ColumnType.Number),
              new Column("name", ColumnType.String, true, null, null),
              new Column("email", ColumnType.String, true, null, null),
              new Column("profile", ColumnType.Json, true, null, null),
              new Column("created_at", ColumnType.DateTime, null, "CURRENT_TIMESTAMP", null)));

  @Test
  void doubleQuotedStringsAreStringsAsInMysqlsDefaultMode() {
    SqlTranslator users = new SqlTranslator(USERS, PARSER);
    SqlPlan.Insert insert =
        (SqlPlan.Insert)
            users.translate(
                "INSERT INTO users (id, name, email) VALUES (1, \"Alice\", \"alice@example.com\")");
    Map<String, Object> row = insert.rows().get(0);
    assertThat(row)
        .containsEntry("id", 1L)
        .containsEntry("name", "Alice")
        .containsEntry("email", "alice@example.com")
        .containsEntry("profile", null);
    assertThat((String) row.get("created_at"))
        .matches("\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}.*");
    SqlPlan.Select select =
        (SqlPlan.Select) users.translate("SELECT * FROM users WHERE name = \"Ali\"\"ce\"");
    assertThat(select.where()).isEqualTo(new Compare("name", Op.EQ, "Ali\"ce"));
    SqlPlan.Select swapped =
        (SqlPlan.Select) users.translate("SELECT * FROM users WHERE \"Alice\" = name");
    assertThat(swapped.where()).isEqualTo(new Compare("name", Op.EQ, "Alice"));
  }

  @Test
  void jsonValuesAreCheckedAndNotPushedToTheShards() {
    SqlTranslator users = new SqlTranslator(USERS, PARSER);
    SqlPlan.Insert insert =
        (SqlPlan.Insert)
            users.translate("INSERT INTO users (id, profile) VALUES (2, '{\"plan\": \"pro\"}')");
    assertThat(insert.rows().get(0)).containsEntry("profile", "{\"plan\":\"pro\"}");
    assertThatThrownBy(
            () -> users.translate("INSERT INTO users (id, profile) VALUES (3, '{not json')"))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("field 'profile' must be a JSON document");
    SqlPlan.Select select =
        (SqlPlan.Select)
            users.translate("SELECT * FROM users WHERE profile = '{\"plan\":\"pro\"}'");
    Pushdown.Result pushed = Pushdown.of(select.where(), USERS);
    assertThat(pushed.filter()).isNull();
    assertThat(pushed.exact()).isFalse();
  }

  @Test
  void jsonPathsFilterRowsOnTheRouter() {
    SqlTranslator users = new SqlTranslator(USERS, PARSER);
    Map<String, Object> pro = new LinkedHashMap<>();
    pro.put("id", 1L);
    pro.put("profile", "{\"plan\":\"pro\",\"seats\":[3,4],\"tags\":{\"a b\":true}}");
    Map<String, Object> free = new LinkedHashMap<>();
    free.put("id", 2L);
    free.put("profile", "{\"plan\":\"free\",\"seats\":[1]}");
    Map<String, Object> none = new LinkedHashMap<>();
    none.put("id", 3L);
    none.put("profile", null);
    for (String where :
        List.of(
            "profile->>'$.plan' = 'pro'",
            "profile->'$.plan' = \"pro\"",
            "JSON_EXTRACT(profile, '$.seats[1]') = 4",
            "JSON_UNQUOTE(JSON_EXTRACT(profile, '$.plan')) = 'pro'",
            "2 < profile->>'$.seats[0]'",
            "profile->'$.tags.\"a b\"' = TRUE")) {
      SqlPlan.Select select =
          (SqlPlan.Select) users.translate("SELECT * FROM users WHERE " + where);
      assertThat(select.where().matches(pro)).as(where).isTrue();
      assertThat(select.where().matches(free)).as(where).isFalse();
      assertThat(select.where().test(none)).as(where).isNull();
      assertThat(Pushdown.of(select.where(), USERS).filter()).as(where).isNull();
    }
    assertThatThrownBy(() -> users.translate("SELECT * FROM users WHERE name->>'$.a' = 1"))
        .hasMessageContaining("not a Json column");
    assertThatThrownBy(() -> users.translate("SELECT * FROM users WHERE profile->>'plan' = 1"))
        .hasMessageContaining("invalid JSON path 'plan': it must start with $");
    assertThatThrownBy(() -> users.translate("SELECT * FROM users WHERE profile->>'$.*' = 1"))
        .hasMessageContaining("wildcards are not supported");
  }
}
