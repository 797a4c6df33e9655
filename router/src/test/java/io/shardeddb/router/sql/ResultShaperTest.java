package io.shardeddb.router.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardeddb.protocol.lb.KeyRange;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the router does itself over the rows read: filter, order, offset/limit, project, count. */
class ResultShaperTest {
  final SqlTranslator translator =
      new SqlTranslator(SqlTranslatorTest.SCHEMA, SqlTranslatorTest.PARSER);
  final List<Map<String, Object>> rows =
      List.of(
          row(1, "Ann", 70),
          row(2, "Bob", null),
          row(3, "Cid", 90),
          row(4, "Dee", 70),
          row(5, "Eve", 50));

  List<Map<String, Object>> run(String sql) {
    return ResultShaper.shape((SqlPlan.Select) translator.translate(sql), rows);
  }

  @Test
  void filtersOrdersAndLimitsLikeMySql() {
    assertThat(
            run(
                "SELECT Stud_id FROM students WHERE Stud_marks >= 70 ORDER BY Stud_marks DESC, Stud_id DESC"))
        .extracting(r -> r.get("Stud_id"))
        .containsExactly(3L, 4L, 1L);
    // NULL sorts first ascending; a comparison with NULL matches nothing.
    assertThat(run("SELECT Stud_id FROM students ORDER BY Stud_marks LIMIT 2"))
        .extracting(r -> r.get("Stud_id"))
        .containsExactly(2L, 5L);
    assertThat(run("SELECT Stud_id FROM students WHERE Stud_marks <> 70"))
        .extracting(r -> r.get("Stud_id"))
        .containsExactly(3L, 5L);
    assertThat(run("SELECT Stud_id FROM students WHERE NOT Stud_marks = 70"))
        .extracting(r -> r.get("Stud_id"))
        .containsExactly(3L, 5L);
    assertThat(run("SELECT Stud_id FROM students WHERE Stud_marks IS NULL OR Stud_name LIKE 'E_e'"))
        .extracting(r -> r.get("Stud_id"))
        .containsExactly(2L, 5L);
    assertThat(run("SELECT Stud_id FROM students LIMIT 2 OFFSET 3"))
        .extracting(r -> r.get("Stud_id"))
        .containsExactly(4L, 5L);
    assertThat(run("SELECT Stud_name AS who FROM students WHERE Stud_id = 3"))
        .containsExactly(Map.of("who", "Cid"));
  }

  @Test
  void aRowReadWithItsTimestampCarriesItAndThePseudoColumnNamesIt() {
    List<Map<String, Object>> stamped = new java.util.ArrayList<>();
    for (Map<String, Object> r : rows) {
      Map<String, Object> s = new LinkedHashMap<>(r);
      s.put(io.shardeddb.protocol.shard.RowTimestamps.FIELD, 1000L + (Long) r.get("Stud_id"));
      stamped.add(s);
    }
    SqlPlan.Select all =
        (SqlPlan.Select) translator.translate("SELECT * FROM students WHERE Stud_id = 3");
    // SELECT * shows the schema's columns, then the row's timestamp as `timestamp`.
    List<Map<String, Object>> shaped = ResultShaper.shape(all, stamped);
    assertThat(shaped)
        .containsExactly(
            orderedRow(
                "Stud_id",
                3L,
                "Stud_name",
                "Cid",
                "Stud_marks",
                90,
                "Stud_gpa",
                null,
                "timestamp",
                1003L));
    assertThat(shaped.get(0).keySet())
        .containsExactly("Stud_id", "Stud_name", "Stud_marks", "Stud_gpa", "timestamp");
    assertThat(all.columns()).extracting(SqlPlan.Output::label).doesNotContain("_timestamp");
    SqlPlan.Select named =
        (SqlPlan.Select)
            translator.translate(
                "SELECT Stud_id, _timestamp AS ts FROM students WHERE Stud_id = 4");
    assertThat(ResultShaper.shape(named, stamped))
        .containsExactly(orderedRow("Stud_id", 4L, "ts", 1004L, "timestamp", 1004L));
    // A label the SELECT chose itself wins; rows read without one (an older shard-server) add none.
    SqlPlan.Select labelled =
        (SqlPlan.Select)
            translator.translate("SELECT Stud_name AS timestamp FROM students WHERE Stud_id = 5");
    assertThat(ResultShaper.shape(labelled, stamped)).containsExactly(Map.of("timestamp", "Eve"));
    assertThat(run("SELECT Stud_id FROM students WHERE Stud_id = 1"))
        .containsExactly(Map.of("Stud_id", 1L));
  }

  @Test
  void aSelectFiltersAndOrdersByThePseudoColumn() {
    List<Map<String, Object>> stamped = new java.util.ArrayList<>();
    for (Map<String, Object> r : rows) {
      Map<String, Object> s = new LinkedHashMap<>(r);
      // Written in the order 3, 1, 5, 2, 4.
      long id = (Long) r.get("Stud_id");
      s.put(
          io.shardeddb.protocol.shard.RowTimestamps.FIELD,
          List.of(3L, 1L, 5L, 2L, 4L).indexOf(id) * 10L + 1000L);
      stamped.add(s);
    }
    SqlPlan.Select after =
        (SqlPlan.Select)
            translator.translate(
                "SELECT Stud_id FROM students WHERE _timestamp >= 1010 ORDER BY _timestamp DESC");
    assertThat(after.where())
        .isEqualTo(
            new Predicate.Compare(
                io.shardeddb.protocol.shard.RowTimestamps.FIELD, Predicate.Op.GE, 1010L));
    assertThat(ResultShaper.shape(after, stamped))
        .extracting(r -> r.get("Stud_id"))
        .containsExactly(4L, 2L, 5L, 1L);
    SqlPlan.Select between =
        (SqlPlan.Select)
            translator.translate(
                "SELECT Stud_id FROM students WHERE _timestamp BETWEEN 1010 AND 1020"
                    + " OR _timestamp IN (1040) ORDER BY _timestamp");
    assertThat(ResultShaper.shape(between, stamped))
        .extracting(r -> r.get("Stud_id"))
        .containsExactly(1L, 5L, 4L);
    // The shards cannot filter on it: the router does (the pushed filter is relaxed, not exact).
    assertThat(Pushdown.of(after.where(), SqlTranslatorTest.SCHEMA).exact()).isFalse();
  }

  private static Map<String, Object> orderedRow(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  @Test
  void countsMatchingRows() {
    assertThat(run("SELECT COUNT(*) FROM students WHERE Stud_marks = 70"))
        .containsExactly(Map.of("COUNT(*)", 2L));
    assertThat(run("SELECT COUNT(*) AS n FROM students WHERE Stud_marks > 1000"))
        .containsExactly(Map.of("n", 0L));
  }

  @Test
  void textIsOrderedByCodePointsAsTheShardsCompareItsBytes() {
    // UTF-16 order would put the emoji (a surrogate pair, 0xD83D...) before U+FFFD; its code
    // point (and its UTF-8 bytes, which the shard-servers compare) come after.
    assertThat(Predicate.compare("\uFFFD", "\uD83D\uDE00")).isNegative();
    assertThat(Predicate.compare("B", "a")).isNegative();
    assertThat(Predicate.compare("a", "a ")).isNegative();
    assertThat(Predicate.compare("\u00E9", "z")).isPositive();
    assertThat(Predicate.compare("ab", "ab")).isZero();
  }

  @Test
  void keyRangesAreClampedAndCombinedExactly() {
    KeyRanges a = new KeyRanges(List.of(new KeyRange(10, 20), new KeyRange(21, 30)));
    assertThat(a.ranges()).containsExactly(new KeyRange(10, 30));
    assertThat(a.complement().ranges())
        .containsExactly(new KeyRange(Long.MIN_VALUE, 9), new KeyRange(31, Long.MAX_VALUE));
    assertThat(a.complement().complement()).isEqualTo(a);
    assertThat(KeyRanges.all().complement()).isEqualTo(KeyRanges.none());
    assertThat(a.intersect(KeyRanges.between(25, 100)).ranges())
        .containsExactly(new KeyRange(25, 30));
  }

  @Test
  void groupsFoldTheMatchingRowsAsMysqlDoes() {
    // marks: 70 (Ann, Dee), NULL (Bob), 90 (Cid), 50 (Eve); a NULL group is a group of its own.
    assertThat(
            run(
                "SELECT Stud_marks, COUNT(*) AS n, MIN(Stud_name), MAX(Stud_id) FROM students"
                    + " GROUP BY Stud_marks ORDER BY Stud_marks"))
        .containsExactly(
            orderedRow("Stud_marks", null, "n", 1L, "MIN(Stud_name)", "Bob", "MAX(Stud_id)", 2L),
            orderedRow("Stud_marks", 50, "n", 1L, "MIN(Stud_name)", "Eve", "MAX(Stud_id)", 5L),
            orderedRow("Stud_marks", 70, "n", 2L, "MIN(Stud_name)", "Ann", "MAX(Stud_id)", 4L),
            orderedRow("Stud_marks", 90, "n", 1L, "MIN(Stud_name)", "Cid", "MAX(Stud_id)", 3L));
    // COUNT(col), SUM and AVG skip NULLs; SUM is exact, AVG has 4 more decimals than its input.
    assertThat(
            run(
                "SELECT COUNT(*), COUNT(Stud_marks), SUM(Stud_marks), AVG(Stud_marks),"
                    + " MIN(Stud_marks) FROM students"))
        .containsExactly(
            orderedRow(
                "COUNT(*)",
                5L,
                "COUNT(Stud_marks)",
                4L,
                "SUM(Stud_marks)",
                new java.math.BigDecimal("280"),
                "AVG(Stud_marks)",
                new java.math.BigDecimal("70.0000"),
                "MIN(Stud_marks)",
                50));
    // Without GROUP BY the aggregates yield one row even when no row matched; with it, none.
    assertThat(
            run("SELECT COUNT(*), SUM(Stud_marks), MAX(Stud_name) FROM students WHERE Stud_id > 9"))
        .containsExactly(
            orderedRow("COUNT(*)", 0L, "SUM(Stud_marks)", null, "MAX(Stud_name)", null));
    assertThat(
            run("SELECT Stud_marks, COUNT(*) FROM students WHERE Stud_id > 9 GROUP BY Stud_marks"))
        .isEmpty();
    // ORDER BY an aggregate as written or by position, then LIMIT/OFFSET over the groups.
    assertThat(
            run(
                "SELECT Stud_marks, COUNT(*) FROM students WHERE Stud_marks IS NOT NULL"
                    + " GROUP BY Stud_marks ORDER BY COUNT(*) DESC, 1 DESC LIMIT 2 OFFSET 1"))
        .extracting(r -> r.get("Stud_marks"))
        .containsExactly(90, 50);
    assertThat(run("SELECT DISTINCT Stud_marks FROM students WHERE Stud_id > 1 ORDER BY 1 DESC"))
        .extracting(r -> r.get("Stud_marks"))
        .containsExactly(90, 70, 50, null);
  }

  @Test
  void groupsOfNumbersMeetWhateverTheirJavaTypeAndTooManyGroupsAreA400() {
    Aggregation a =
        new Aggregation(
            new SqlPlan.Grouping(
                List.of("k"), List.of(new SqlPlan.Item(SqlPlan.Aggregate.COUNT, null, "n"))),
            2);
    a.add(Map.of("k", 1));
    a.add(Map.of("k", 1L));
    a.add(Map.of("k", new java.math.BigDecimal("1.000")));
    a.add(Map.of("k", 2));
    assertThat(a.rows()).containsExactly(Map.of("n", 3L), Map.of("n", 1L));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> a.add(Map.of("k", 3)))
        .isInstanceOf(io.shardeddb.protocol.InvalidRequestException.class)
        .hasMessageContaining("more than 2 groups")
        .hasMessageContaining("shardeddb.router.sql.max-result-rows");
  }

  static Map<String, Object> row(long id, String name, Integer marks) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("Stud_id", id);
    r.put("Stud_name", name);
    // As the shard-server's JSON arrives: small numbers as Integer.
    r.put("Stud_marks", marks);
    r.put("Stud_gpa", null);
    return r;
  }
}
