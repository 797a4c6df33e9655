package io.shardeddb.router.sql;

import static io.shardeddb.router.sql.SqlMoreTablesTest.ORDERS;
import static io.shardeddb.router.sql.SqlMoreTablesTest.TABLES;
import static io.shardeddb.router.sql.SqlTranslatorTest.PARSER;
import static io.shardeddb.router.sql.SqlTranslatorTest.SCHEMA;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shardeddb.protocol.InvalidRequestException;
import io.shardeddb.protocol.lb.KeyRange;
import io.shardeddb.protocol.shard.ReadFilter;
import io.shardeddb.protocol.shard.ShardExplainResponse;
import io.shardeddb.protocol.topology.ShardTopology;
import io.shardeddb.protocol.topology.Sharding;
import io.shardeddb.protocol.topology.Topology;
import io.shardeddb.router.topology.RoutingTable;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code EXPLAIN} as a plan (docs/sql.md, "EXPLAIN"): which statements it takes and which it
 * refuses, the shards asked with the access planned for each (a point, a key range, the whole
 * shard), the WHERE pushed to them, what the router does with their rows, a join's two tables on
 * each shard, and the result rows made of the shards' MariaDB plans.
 */
class SqlExplainTest {
  /** Two shards: keys (Range) or hash points (Hash) [0, 1000) and [1000, 2000); two tables. */
  static RoutingTable table(Sharding sharding) {
    long size = sharding == Sharding.Hash ? Sharding.HASH_SPACE / 2 : 1000;
    return new RoutingTable(
        new Topology(
            "db",
            1,
            SCHEMA,
            null,
            List.of(
                new ShardTopology("sh1", 0, size, 1, null, List.of()),
                new ShardTopology("sh2", size, size, 1, null, List.of())),
            Map.of(),
            sharding,
            0,
            List.of(ORDERS)));
  }

  private static SqlPlan explain(String sql) {
    return new SqlTranslator(TABLES, PARSER).translate(sql);
  }

  private static List<SqlExplain.Step> steps(Sharding sharding, String sql) {
    SqlPlan.Explain e = (SqlPlan.Explain) explain(sql);
    RoutingTable all = table(sharding);
    return e.of() instanceof SqlPlan.Join join
        ? SqlExplain.steps(all, join)
        : SqlExplain.steps(all, (SqlPlan.Select) e.of());
  }

  private static List<String> described(List<SqlExplain.Step> steps) {
    return steps.stream()
        .map(
            s ->
                s.shard().id()
                    + " "
                    + s.label()
                    + " | "
                    + s.access()
                    + " | "
                    + s.keyRange()
                    + " | "
                    + SqlExplain.filterText(s.filter()))
        .toList();
  }

  @Test
  void explainTakesASelectAndRefusesWhatItDoesNotShow() {
    assertThat(SqlExplain.innerSelect("EXPLAIN SELECT * FROM t;")).isEqualTo("SELECT * FROM t");
    assertThat(SqlExplain.innerSelect(" describe  format = Traditional select 1"))
        .isEqualTo("select 1");
    assertThat(SqlExplain.innerSelect("SELECT 1")).isNull();
    assertThat(SqlExplain.innerSelect("explainer")).isNull();

    assertThat(explain("EXPLAIN SELECT Stud_name FROM students WHERE Stud_id = 5"))
        .isInstanceOfSatisfying(
            SqlPlan.Explain.class, e -> assertThat(e.of()).isInstanceOf(SqlPlan.Select.class));
    assertThat(
            explain(
                "EXPLAIN SELECT s.Stud_name FROM students s JOIN orders o ON s.Stud_id = o.cust"))
        .isInstanceOfSatisfying(
            SqlPlan.Explain.class, e -> assertThat(e.of()).isInstanceOf(SqlPlan.Join.class));

    assertRefused(
        "EXPLAIN FORMAT=JSON SELECT * FROM students", "EXPLAIN FORMAT=JSON is not supported");
    assertRefused("EXPLAIN FORMAT=TREE SELECT * FROM students", "FORMAT=TREE is not supported");
    assertRefused("EXPLAIN ANALYZE SELECT * FROM students", "EXPLAIN ANALYZE is not supported");
    assertRefused(
        "EXPLAIN UPDATE students SET Stud_marks = 1", "EXPLAIN of UPDATE is not supported");
    assertRefused("EXPLAIN DELETE FROM students", "EXPLAIN of DELETE is not supported");
    assertRefused("EXPLAIN students", "EXPLAIN of a table is not supported on /query");
    assertRefused("EXPLAIN", "EXPLAIN of nothing is not supported");
    // The SELECT itself is checked as any SELECT is.
    assertRefused("EXPLAIN SELECT nope FROM students", "unknown column");
    assertThat(new StatementLimitsProbe().isScan(explain("EXPLAIN SELECT * FROM students")))
        .as("an EXPLAIN reads no rows: it takes no scan slot")
        .isFalse();
  }

  /** The limits' view of a plan, with the production defaults' shape. */
  private static final class StatementLimitsProbe {
    boolean isScan(SqlPlan plan) {
      return new StatementLimits(java.time.Duration.ofSeconds(30), 8, 1000).isScan(plan);
    }
  }

  private static void assertRefused(String sql, String message) {
    assertThatThrownBy(() -> explain(sql))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining(message);
  }

  @Test
  void aKeyIsOnePointLookupOnItsShardAndARangeAsksTheShardsItCrosses() {
    List<SqlExplain.Step> point =
        steps(Sharding.Range, "EXPLAIN SELECT Stud_name FROM students WHERE Stud_id = 5");
    assertThat(described(point))
        .containsExactly(
            "sh1 students | point lookup on the shard key | Stud_id = 5 | Stud_id = 5");
    assertThat(point.get(0).asked()).isEqualTo(new KeyRange(5, 5));

    assertThat(
            described(
                steps(
                    Sharding.Range,
                    "EXPLAIN SELECT * FROM students WHERE Stud_id IN (3, 1500, 7)")))
        .containsExactly(
            "sh1 students | point lookups on the shard key (2 keys) | Stud_id IN (3, 7) |"
                + " Stud_id IN (3, 1500, 7)",
            "sh2 students | point lookup on the shard key | Stud_id = 1500 |"
                + " Stud_id IN (3, 1500, 7)");

    List<SqlExplain.Step> range =
        steps(
            Sharding.Range,
            "EXPLAIN SELECT * FROM students WHERE Stud_id BETWEEN 900 AND 1100 AND Stud_marks > 50");
    assertThat(described(range))
        .containsExactly(
            "sh1 students | key range on the shard key | Stud_id BETWEEN 900 AND 999 |"
                + " Stud_id BETWEEN 900 AND 1100 AND Stud_marks > 50",
            "sh2 students | key range on the shard key | Stud_id BETWEEN 1000 AND 1100 |"
                + " Stud_id BETWEEN 900 AND 1100 AND Stud_marks > 50");
    assertThat(range.get(0).router()).isEqualTo("rows in key order, shard after shard");

    // A key no shard holds: nothing is asked, and the result says so.
    List<SqlExplain.Step> none =
        steps(Sharding.Range, "EXPLAIN SELECT * FROM students WHERE Stud_id = 5000");
    assertThat(none).isEmpty();
    assertThat(SqlExplainRows.rows("students", none, List.of()))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.get("shard")).isNull();
              assertThat((String) r.get("Extra")).startsWith("Impossible WHERE");
            });
  }

  @Test
  void aFilterOnAnotherColumnScansEveryShardWithTheFilterPushedDown() {
    List<SqlExplain.Step> scan =
        steps(
            Sharding.Range,
            "EXPLAIN SELECT Stud_name FROM students WHERE Stud_marks = 7 AND Stud_name LIKE 'a%'");
    assertThat(described(scan))
        .containsExactly(
            "sh1 students | full scan of the shard | Stud_id BETWEEN 0 AND 999 |"
                + " Stud_marks = 7 AND Stud_name LIKE 'a%'",
            "sh2 students | full scan of the shard | Stud_id BETWEEN 1000 AND 1999 |"
                + " Stud_marks = 7 AND Stud_name LIKE 'a%'");
    assertThat(scan.get(0).count()).isFalse();

    List<SqlExplain.Step> hashed =
        steps(Sharding.Hash, "EXPLAIN SELECT * FROM students WHERE Stud_marks = 7 LIMIT 3");
    assertThat(described(hashed))
        .containsExactly(
            "sh1 students | full scan of the shard | all keys | Stud_marks = 7",
            "sh2 students | full scan of the shard | all keys | Stud_marks = 7");
    assertThat(hashed.get(0).router())
        .isEqualTo("rows merged across shards in key order; LIMIT 3 (stops the reads)");
    // Under Hash a key range is scattered over every shard.
    assertThat(described(steps(Sharding.Hash, "EXPLAIN SELECT * FROM students WHERE Stud_id < 10")))
        .containsExactly(
            "sh1 students | key range on the shard key | Stud_id <= 9 | Stud_id < 10",
            "sh2 students | key range on the shard key | Stud_id <= 9 | Stud_id < 10");
  }

  @Test
  void theRouterColumnSaysWhatTheRouterDoesWithTheRows() {
    SqlExplain.Step counted =
        steps(Sharding.Range, "EXPLAIN SELECT COUNT(*) FROM students WHERE Stud_marks = 7").get(0);
    assertThat(counted.count()).isTrue();
    assertThat(counted.router()).isEqualTo("COUNT(*) summed over the shards' counts");

    assertThat(
            steps(
                    Sharding.Range,
                    "EXPLAIN SELECT Stud_marks, COUNT(*) FROM students GROUP BY Stud_marks")
                .get(0)
                .router())
        .isEqualTo("GROUP BY Stud_marks in router");
    assertThat(
            steps(
                    Sharding.Range,
                    "EXPLAIN SELECT * FROM students ORDER BY Stud_marks DESC LIMIT 5 OFFSET 2")
                .get(0)
                .router())
        .isEqualTo("ORDER BY Stud_marks DESC in router; LIMIT 5 OFFSET 2 in router");
    // A WHERE the shards cannot evaluate whole: the rest is the router's.
    SqlExplain.Step json =
        steps(
                Sharding.Range,
                "EXPLAIN SELECT * FROM students WHERE Stud_marks = 1 OR Stud_name IS NULL AND NOT"
                    + " (Stud_gpa = NULL)")
            .get(0);
    assertThat(json.router()).startsWith("rest of WHERE in router");
  }

  @Test
  void aJoinShowsEachTableOnEachShardItAsksMergedByKey() {
    List<SqlExplain.Step> one =
        steps(
            Sharding.Range,
            "EXPLAIN SELECT s.Stud_name, o.item FROM students s JOIN orders o"
                + " ON s.Stud_id = o.cust WHERE o.cust = 5 AND o.qty > 1");
    assertThat(described(one))
        .containsExactly(
            "sh1 s | point lookup on the shard key | Stud_id = 5 | null",
            "sh1 o | point lookup on the shard key | cust = 5 | cust = 5 AND qty > 1");
    assertThat(one.get(0).table().tableName()).isNull();
    assertThat(one.get(1).table().tableName()).isEqualTo("orders");
    assertThat(one.get(1).router())
        .startsWith("JOIN merged by key (s.Stud_id = o.cust); WHERE on the joined rows");

    List<SqlExplain.Step> all =
        steps(
            Sharding.Range,
            "EXPLAIN SELECT s.Stud_id FROM students s LEFT JOIN orders o ON o.cust = s.Stud_id");
    assertThat(all)
        .extracting(s -> s.shard().id() + " " + s.label() + " " + s.access())
        .containsExactly(
            "sh1 s full scan of the shard",
            "sh1 o full scan of the shard",
            "sh2 s full scan of the shard",
            "sh2 o full scan of the shard");
    assertThat(all.get(0).router()).startsWith("LEFT JOIN merged by key");
  }

  @Test
  void eachRowCarriesItsShardsMariaDbPlanOrWhyThereIsNone() {
    List<SqlExplain.Step> scan =
        steps(Sharding.Range, "EXPLAIN SELECT * FROM students WHERE Stud_marks = 7");
    Map<String, Object> mariadb =
        Map.of(
            "id", 1,
            "select_type", "SIMPLE",
            "table", "u_students",
            "type", "ref",
            "possible_keys", "PRIMARY,by_marks",
            "key", "by_marks",
            "rows", 3,
            "Extra", "Using index condition; Using where; Using filesort");
    List<Map<String, Object>> rows =
        SqlExplainRows.rows(
            "students",
            scan,
            List.of(
                SqlExplainRows.Answer.of(
                    new ShardExplainResponse(List.of(mariadb), "SELECT …", "x")),
                SqlExplainRows.Answer.failed("shard-server http://b unreachable")));
    // MariaDB's estimate as text (as its EXPLAIN gives it) reads as the number.
    assertThat(
            SqlExplainRows.rows(
                    "students",
                    scan.subList(0, 1),
                    List.of(
                        SqlExplainRows.Answer.of(
                            new ShardExplainResponse(
                                List.of(Map.of("key", "PRIMARY", "rows", "17")), "S", "x"))))
                .get(0))
        .containsEntry("rows", 17L);
    assertThat(rows.get(0).keySet()).containsExactlyElementsOf(SqlExplain.COLUMNS);
    assertThat(rows.get(0))
        .containsEntry("id", 1L)
        .containsEntry("shard", "sh1")
        .containsEntry("table", "students")
        .containsEntry("access", "full scan of the shard")
        .containsEntry("pushed_where", "Stud_marks = 7")
        .containsEntry("type", "ref")
        .containsEntry("key", "by_marks")
        .containsEntry("rows", 3L);
    assertThat(rows.get(1))
        .containsEntry("shard", "sh2")
        .containsEntry("key", null)
        .containsEntry("Extra", "no plan from the shard: shard-server http://b unreachable");

    // A count the shards do is said so.
    List<SqlExplain.Step> counted =
        steps(Sharding.Range, "EXPLAIN SELECT COUNT(*) FROM students WHERE Stud_id = 5");
    assertThat(
            SqlExplainRows.rows(
                    "students",
                    counted,
                    List.of(
                        SqlExplainRows.Answer.of(
                            new ShardExplainResponse(List.of(), "SELECT COUNT(*) …", "x"))))
                .get(0))
        .containsEntry("access", "point lookup on the shard key (counted on the shard)")
        .containsEntry("rows", null);
  }

  @Test
  void filtersReadAsSql() {
    assertThat(
            SqlExplain.filterText(
                ReadFilter.node(
                    "or",
                    List.of(
                        ReadFilter.leaf("a", "between", List.of(1L, 2L)),
                        ReadFilter.node(
                            "and",
                            List.of(
                                ReadFilter.leaf("b", "is null", null),
                                ReadFilter.leaf("c", "not in", List.of("x'y", "z"))))))))
        .isEqualTo("a BETWEEN 1 AND 2 OR (b IS NULL AND c NOT IN ('x''y', 'z'))");
    assertThat(SqlExplain.filterText(null)).isNull();
  }
}
