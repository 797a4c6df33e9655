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
