package io.shardeddb.router.sql;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.shardeddb.protocol.topology.PointRange;
import io.shardeddb.protocol.topology.Sharding;
import io.shardeddb.router.Http;
import io.shardeddb.router.TestRouter;
import io.shardeddb.router.routing.FakeShardServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Joins through a real router over two stand-in shards that keep each table's rows apart, as
 * shard-servers do (docs/sql.md, "Joins"): rows of {@code students} and {@code orders} with the
 * same key are on the same shard, the join's rows are exactly the pairs of equal keys (in key
 * order, under Range and Hash sharding, across pages of three rows), each side's requests name its
 * table, a key condition on either table asks only the key's shard, LEFT JOIN keeps the rows
 * without a match, and what the router holds is bounded as for a one-table SELECT.
 */
@Timeout(120)
class SqlJoinShardsTest {
  static final long HALF = Sharding.HASH_SPACE / 2;

  FakeShardServer a;
  FakeShardServer b;
  TestRouter router;
  Http http;

  void start(Sharding sharding, Map<String, Object> settings) throws Exception {
    boolean hash = sharding == Sharding.Hash;
    long size = hash ? HALF : 1000;
    a = new FakeShardServer("Stud_id", sharding, 3, List.of(new PointRange(0, size)));
    b = new FakeShardServer("Stud_id", sharding, 3, List.of(new PointRange(size, size)));
    a.holdTable("orders", "cust");
    b.holdTable("orders", "cust");
    router = TestRouter.start(null, settings);
    http = router.http();
    Http.Reply pushed =
        http.send(
            "PUT",
            "/admin/topology",
            """
            {"database":"students","version":1,"sharding":"%s",
             "schema":{"table":"students","shardKey":"Stud_id","columns":[
               {"name":"Stud_id","type":"Number"},{"name":"Stud_name","type":"String"},
               {"name":"Stud_marks","type":"Number"}]},
             "tables":[{"table":"orders","shardKey":"cust","columns":[
               {"name":"cust","type":"Number"},{"name":"item","type":"String"},
               {"name":"qty","type":"Number"}]}],
             "shards":[
               {"id":"sh1","low":0,"size":%d,"epoch":1,"primary":"a",
                "replicas":[{"name":"a","url":"%s","role":"Primary"}]},
               {"id":"sh2","low":%d,"size":%d,"epoch":1,"primary":"b",
                "replicas":[{"name":"b","url":"%s","role":"Primary"}]}],
             "servers":{"Server0":["sh1"],"Server1":["sh2"]}}
            """
                .formatted(sharding, size, a.url(), size, size, b.url()));
    assertThat(pushed.status()).as(pushed.text()).isEqualTo(200);
  }

  @AfterEach
  void stop() {
    if (router != null) {
      router.close();
    }
    if (a != null) {
      a.close();
    }
    if (b != null) {
      b.close();
    }
  }

  /** Students 1..20 and 1001..1020; orders of the even ones, and one (1500) of no student. */
  void fill() {
    List<Long> students =
        LongStream.concat(LongStream.rangeClosed(1, 20), LongStream.rangeClosed(1001, 1020))
            .boxed()
            .toList();
    ok(
        "INSERT INTO students (Stud_id, Stud_name, Stud_marks) VALUES "
            + students.stream()
                .map(k -> "(" + k + ", 'n" + k + "', " + (k % 100) + ")")
                .collect(Collectors.joining(", ")));
    List<Long> orders = new ArrayList<>(students.stream().filter(k -> k % 2 == 0).toList());
    orders.add(1500L);
    ok(
        "INSERT INTO orders (cust, item, qty) VALUES "
            + orders.stream()
                .map(k -> "(" + k + ", '" + (k % 4 == 0 ? "pen" : "ink") + "', " + (k % 3) + ")")
                .collect(Collectors.joining(", ")));
  }

  JsonNode ok(String sql) {
    Http.Reply r = query(sql);
    assertThat(r.status()).as(sql + " -> " + r.text()).isEqualTo(200);
    return r.json();
  }

  Http.Reply query(String sql) {
    return http.send("POST", "/query", "{\"query\":\"" + sql.replace("\"", "\\\"") + "\"}");
  }

  /** The rows of a reply as {@code a:b:c} in the order of its columns. */
  static List<String> rows(JsonNode reply) {
    List<String> out = new ArrayList<>();
    for (JsonNode row : reply.get("data")) {
      List<String> values = new ArrayList<>();
      for (JsonNode c : reply.get("columns")) {
        JsonNode v = row.get(c.asText());
        values.add(v == null || v.isNull() ? "null" : v.asText());
      }
      out.add(String.join(":", values));
    }
    return out;
  }

  static List<String> shards(JsonNode reply) {
    List<String> out = new ArrayList<>();
    reply.get("shards_queried").forEach(s -> out.add(s.asText()));
    return out;
  }

  @ParameterizedTest
  @EnumSource(Sharding.class)
  void theJoinIsEveryPairOfRowsWithEqualShardKeysInKeyOrder(Sharding sharding) throws Exception {
    start(sharding, Map.of());
    fill();

    JsonNode joined =
        ok(
            "SELECT s.Stud_id, s.Stud_name, o.item, o.qty FROM students s JOIN orders o"
                + " ON s.Stud_id = o.cust");

    List<String> expected =
        LongStream.concat(LongStream.rangeClosed(1, 20), LongStream.rangeClosed(1001, 1020))
            .filter(k -> k % 2 == 0)
            .mapToObj(k -> k + ":n" + k + ":" + (k % 4 == 0 ? "pen" : "ink") + ":" + (k % 3))
            .toList();
    assertThat(rows(joined)).containsExactlyElementsOf(expected);
    assertThat(joined.get("columns").toString())
        .isEqualTo("[\"Stud_id\",\"Stud_name\",\"item\",\"qty\"]");
    assertThat(shards(joined)).containsExactlyInAnyOrder("sh1", "sh2");
    // Each side's reads name its table on both shards; nothing of orders went out without it.
    for (FakeShardServer shard : List.of(a, b)) {
      assertThat(shard.tablesSeen).contains("/read orders", "/read -");
    }
    // The same pairs with the tables the other way round, and as a count.
    assertThat(
            rows(
                ok(
                    "SELECT s.Stud_id, s.Stud_name, o.item, o.qty FROM orders o INNER JOIN"
                        + " students s ON o.cust = s.Stud_id")))
        .containsExactlyElementsOf(expected);
    assertThat(rows(ok("SELECT COUNT(*) FROM students JOIN orders ON cust = Stud_id")))
        .containsExactly(String.valueOf(expected.size()));
  }

  @Test
  void aKeyConditionOnEitherTableAsksOnlyThatKeysShard() throws Exception {
    start(Sharding.Range, Map.of());
    fill();
    long readsOfA = a.callsTo("/read");

    JsonNode one =
        ok(
            "SELECT Stud_name, item FROM students s JOIN orders o ON s.Stud_id = o.cust"
                + " WHERE o.cust = 1004");
    assertThat(rows(one)).containsExactly("n1004:pen");
    assertThat(shards(one)).containsExactly("sh2");
    assertThat(a.callsTo("/read")).isEqualTo(readsOfA);

    JsonNode two =
        ok(
            "SELECT s.Stud_id, item FROM students s JOIN orders o ON s.Stud_id = o.cust"
                + " WHERE s.Stud_id IN (2, 3, 1002) ORDER BY s.Stud_id DESC");
    assertThat(rows(two)).containsExactly("1002:ink", "2:ink");
  }

  @Test
  void whereOrderByGroupByAndLimitApplyToTheJoinedRows() throws Exception {
    start(Sharding.Range, Map.of());
    fill();

    assertThat(
            rows(
                ok(
                    "SELECT s.Stud_id, o.item FROM students s JOIN orders o ON s.Stud_id = o.cust"
                        + " WHERE o.item = 'pen' AND s.Stud_marks < 10 AND o.qty <> 2")))
        .containsExactly("4:pen", "1008:pen");
    assertThat(
            rows(
                ok(
                    "SELECT o.item, COUNT(*) AS n, SUM(s.Stud_marks) AS marks FROM students s"
                        + " JOIN orders o ON s.Stud_id = o.cust GROUP BY o.item ORDER BY o.item")))
        .containsExactly("ink:10:100", "pen:10:120");
    assertThat(
            rows(
                ok(
                    "SELECT s.Stud_id FROM students s JOIN orders o ON s.Stud_id = o.cust"
                        + " ORDER BY s.Stud_marks DESC, s.Stud_id LIMIT 3 OFFSET 1")))
        .containsExactly("1020", "18", "1018");
  }

  @Test
  void aLeftJoinKeepsTheRowsWithoutAMatchWithNullsAndIsNullFindsThem() throws Exception {
    start(Sharding.Range, Map.of());
    fill();

    JsonNode left =
        ok(
            "SELECT s.Stud_id, o.item FROM students s LEFT JOIN orders o ON s.Stud_id = o.cust"
                + " WHERE s.Stud_id BETWEEN 1 AND 4");
    assertThat(rows(left)).containsExactly("1:null", "2:ink", "3:null", "4:pen");

    JsonNode none =
        ok(
            "SELECT COUNT(*) AS n FROM students s LEFT JOIN orders o ON s.Stud_id = o.cust"
                + " WHERE o.cust IS NULL");
    assertThat(rows(none)).containsExactly("20");
    // The order of no student is in no inner join and in no LEFT JOIN from students.
    assertThat(
            rows(
                ok(
                    "SELECT o.cust FROM orders o LEFT JOIN students s ON s.Stud_id = o.cust"
                        + " WHERE s.Stud_id IS NULL")))
        .containsExactly("1500");
  }

  @Test
  void aJoinHoldsNoMoreThanTheResultLimitAndStopsReadingAtALimitInKeyOrder() throws Exception {
    start(Sharding.Range, Map.of("shardeddb.router.sql.max-result-rows", 5));
    fill();
    // 200 more of each table on sh1: the whole join reads about 150 pages of three rows.
    String more =
        LongStream.range(100, 300)
            .mapToObj(k -> "(" + k + ", 'm', 1)")
            .collect(Collectors.joining(", "));
    ok("INSERT INTO students (Stud_id, Stud_name, Stud_marks) VALUES " + more);
    ok("INSERT INTO orders (cust, item, qty) VALUES " + more);

    Http.Reply tooMany = query("SELECT * FROM students s JOIN orders o ON s.Stud_id = o.cust");
    assertThat(tooMany.status()).isEqualTo(400);
    assertThat(tooMany.text())
        .contains("the result holds more than 5 rows")
        .contains("shardeddb.router.sql.max-result-rows");

    long before = a.callsTo("/read") + b.callsTo("/read");
    JsonNode first =
        ok("SELECT s.Stud_id FROM students s JOIN orders o ON s.Stud_id = o.cust LIMIT 2");
    assertThat(rows(first)).containsExactly("2", "4");
    long limited = a.callsTo("/read") + b.callsTo("/read") - before;
    // LIMIT 2 in key order stops the reading of both tables after a few pages.
    assertThat(limited).isLessThan(40);
    // A count holds a number, never the rows; it reads every page.
    before = a.callsTo("/read") + b.callsTo("/read");
    assertThat(rows(ok("SELECT COUNT(*) FROM students s JOIN orders o ON s.Stud_id = o.cust")))
        .containsExactly("220");
    assertThat(a.callsTo("/read") + b.callsTo("/read") - before).isGreaterThan(140);
  }

  @Test
  void aJoinThatIsNotOnTheShardKeysIsA400NamingTheLimit() throws Exception {
    start(Sharding.Range, Map.of());
    Http.Reply r = query("SELECT * FROM students s JOIN orders o ON s.Stud_marks = o.qty");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().get("message").asText())
        .startsWith("joins must equate the two tables' shard keys (a.x = b.y)")
        .contains("ON s.Stud_id = o.cust");
    assertThat(a.callsTo("/read") + b.callsTo("/read")).isZero();
  }
}
