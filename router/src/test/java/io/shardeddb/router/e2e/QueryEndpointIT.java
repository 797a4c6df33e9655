package io.shardeddb.router.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.shardeddb.router.Http;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /query} and {@code GET /query/status} through a real router in front of real
 * shard-servers (real MariaDB): the coordinator's reply shapes, statements routed to the shards
 * their keys touch, injection attempts stored as data, unsupported statements as 400s, the
 * endpoint's auth and metrics.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class QueryEndpointIT {
  static final String TOKEN = "sql-token";
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dir;
  ShardServerFleet fleet;
  EmbeddedServer router;
  Http http;
  String session;
  List<String> pool;

  @BeforeAll
  void start() {
    fleet = ShardServerFleet.start(dir);
    pool = fleet.startServers("sql", 6);
    router =
        ApplicationContext.run(
            EmbeddedServer.class,
            Map.of(
                "micronaut.server.host", "127.0.0.1",
                "micronaut.server.port", -1,
                "shardeddb.router.database", "students",
                "shardeddb.router.auth.token", TOKEN,
                "shardeddb.router.auth.admin-token", TOKEN,
                "shardeddb.router.topology.source", "standalone",
                "shardeddb.router.standalone.shard-servers", pool,
                "shardeddb.router.heartbeat.interval", "200ms",
                "shardeddb.router.retry.timeout", "60s"));
    http = new Http("http://127.0.0.1:" + router.getPort(), TOKEN);
    Http.Reply init =
        http.send(
            "POST",
            "/init",
            """
            {"N":3,
             "schema":{"columns":["Stud_id","Stud_name","Stud_marks"],"dtypes":["Number","String","Number"]},
             "shards":[{"Stud_id_low":0,"Shard_id":"sh1","Shard_size":4096},
                       {"Stud_id_low":4096,"Shard_id":"sh2","Shard_size":4096}],
             "servers":{"Server0":["sh1","sh2"],"Server1":["sh1","sh2"],"Server2":["sh1","sh2"]}}
            """);
    assertThat(init.status()).as(init.text()).isEqualTo(200);
  }

  @AfterAll
  void stop() throws Exception {
    if (router != null) {
      router.close();
    }
    if (fleet != null) {
      fleet.close();
    }
  }

  Http.Reply query(String sql) {
    return query(sql, null);
  }

  Http.Reply query(String sql, String consistency) {
    return query(sql, consistency, null);
  }

  Http.Reply query(String sql, String consistency, String session) {
    return query(sql, consistency, session, null);
  }

  Http.Reply query(String sql, String consistency, String session, Long maxStalenessMs) {
    Map<String, Object> body = new java.util.LinkedHashMap<>();
    if (maxStalenessMs != null) {
      body.put("maxStalenessMs", maxStalenessMs);
    }
    body.put("query", sql);
    if (consistency != null) {
      body.put("consistency", consistency);
    }
    if (session != null) {
      body.put("session", session);
    }
    try {
      return http.send("POST", "/query", JSON.writeValueAsString(body));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The sum over every shard-server of a counter from its {@code /prometheus} (0 when absent), e.g.
   * {@code shardeddb_read_rows_total} with {@code filter="pushed"}.
   */
  double shardCounter(String name, String filter) {
    java.util.regex.Pattern line =
        java.util.regex.Pattern.compile(
            "^" + name + "\\{[^}]*filter=\"" + filter + "\"[^}]*} ([0-9.eE+-]+)$",
            java.util.regex.Pattern.MULTILINE);
    double sum = 0;
    for (String url : pool) {
      java.util.regex.Matcher m = line.matcher(new Http(url, null).get("/prometheus").text());
      while (m.find()) {
        sum += Double.parseDouble(m.group(1));
      }
    }
    return sum;
  }

  /** The replica names of shard {@code index} in the router's topology. */
  List<String> replicasOf(int index) {
    List<String> names = new ArrayList<>();
    http.get("/admin/topology")
        .json()
        .get("shards")
        .get(index)
        .get("replicas")
        .forEach(r -> names.add(r.get("name").asText()));
    return names;
  }

  static List<Long> ids(Http.Reply r) {
    List<Long> out = new ArrayList<>();
    r.json().get("data").forEach(row -> out.add(row.get("Stud_id").asLong()));
    return out;
  }

  @Test
  @Order(1)
  void theCoordinatorsInsertAnswersWithTimestampQuorumAndWhereItRan() {
    Http.Reply r =
        query("INSERT INTO students (Stud_id, Stud_name, Stud_marks) VALUES (5, 'Alice', 90)");
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    JsonNode j = r.json();
    assertThat(j.get("success").asBoolean()).isTrue();
    long ts = j.get("timestamp").asLong();
    assertThat(ts).isPositive();
    // Three replicas, Majority: the primary answered once at least two held the entry; a/b is
    // the replicas that held it then out of the shard's three.
    JsonNode sh1 = j.get("positions").get("sh1");
    int acks = sh1.get("acks").asInt();
    assertThat(acks).isBetween(2, 3);
    assertThat(sh1.get("needed").asInt()).isEqualTo(2);
    assertThat(sh1.get("replicas").asInt()).isEqualTo(3);
    assertThat(j.get("quorum").asText()).isEqualTo(acks + "/3");
    assertThat(j.get("message").asText())
        .isEqualTo("Write successful (timestamp: " + ts + ", quorum: " + acks + "/3)");
    assertThat(j.get("rows_affected").asLong()).isEqualTo(1);
    String primary =
        http.get("/admin/topology").json().get("shards").get(0).get("primary").asText();
    assertThat(j.get("executed_on").asText()).isEqualTo("sh1/" + primary);
    // The global timestamp (DESIGN §11, docs/timestamps.md) reads as the oracle's clock; the
    // shard's own position (its LSN) is in positions and in the session token.
    assertThat(io.shardeddb.protocol.time.GlobalTimestamp.millis(ts))
        .isCloseTo(System.currentTimeMillis(), org.assertj.core.data.Offset.offset(60_000L));
    long lsn = j.get("positions").get("sh1").get("lsn").asLong();
    assertThat(lsn).isPositive().isLessThan(ts);
    assertThat(j.get("session").asText()).startsWith("sh1:" + lsn + "@");

    Http.Reply many =
        query(
            "INSERT INTO students VALUES (1, 'Bob', 40), (4095, 'Cid', 70), (4096, 'Dee', 80),"
                + " (8000, 'Eve', 60)");
    assertThat(many.status()).as(many.text()).isEqualTo(200);
    assertThat(many.json().get("rows_affected").asLong()).isEqualTo(4);
    assertThat(many.json().get("positions").has("sh1")).isTrue();
    assertThat(many.json().get("positions").has("sh2")).isTrue();
    session = many.json().get("session").asText();
  }

  @Test
  @Order(2)
  void selectsAreRoutedByTheShardKeyAndShapedByTheRouter() {
    Http.Reply one = query("SELECT * FROM students WHERE Stud_id = 5");
    assertThat(one.status()).as(one.text()).isEqualTo(200);
    assertThat(one.json().get("message").asText()).isEqualTo("Read successful");
    assertThat(one.json().get("rows_affected").asLong()).isEqualTo(1);
    assertThat(one.json().get("shards_queried").toString()).isEqualTo("[\"sh1\"]");
    assertThat(one.json().get("data").get(0).get("Stud_name").asText()).isEqualTo("Alice");
    // The SELECT's columns by name, in order: a row's timestamp field is not one of them.
    assertThat(one.json().get("columns").toString())
        .isEqualTo("[\"Stud_id\",\"Stud_name\",\"Stud_marks\"]");
    assertThat(one.json().get("data").get(0).has("timestamp")).isTrue();

    Http.Reply in = query("SELECT Stud_id FROM students WHERE Stud_id IN (4096, 8000)");
    assertThat(in.json().get("shards_queried").toString()).isEqualTo("[\"sh2\"]");
    assertThat(ids(in)).containsExactly(4096L, 8000L);

    Http.Reply between =
        query(
            "SELECT Stud_id FROM students WHERE Stud_id BETWEEN 4000 AND 5000 AND Stud_marks > 70");
    assertThat(between.json().get("shards_queried").toString()).isEqualTo("[\"sh1\",\"sh2\"]");
    assertThat(ids(between)).containsExactly(4096L);

    Http.Reply ordered =
        query("SELECT Stud_id, Stud_marks FROM students ORDER BY Stud_marks DESC LIMIT 3");
    assertThat(ids(ordered)).containsExactly(5L, 4096L, 4095L);

    Http.Reply count = query("SELECT COUNT(*) FROM students WHERE Stud_id >= 4095");
    assertThat(count.json().get("data").get(0).get("COUNT(*)").asLong()).isEqualTo(3);
    assertThat(count.json().get("columns").toString()).isEqualTo("[\"COUNT(*)\"]");

    Http.Reply any = query("SELECT Stud_id FROM students WHERE Stud_id < 4096", "any");
    assertThat(any.status()).as(any.text()).isEqualTo(200);
    assertThat(ids(any)).containsExactly(1L, 5L, 4095L);
    // The replica that served it, by name: one of sh1's three (a secondary or the primary).
    String servedBy = any.json().get("executed_on").asText();
    assertThat(servedBy).startsWith("sh1/");
    assertThat(replicasOf(0)).contains(servedBy.substring("sh1/".length()));

    // Read-your-writes from any replica that holds the token's (epoch, lsn) entries.
    Http.Reply mine =
        query("SELECT Stud_id FROM students WHERE Stud_id >= 4095", "session", session);
    assertThat(mine.status()).as(mine.text()).isEqualTo(200);
    assertThat(ids(mine)).containsExactly(4095L, 4096L, 8000L);

    Http.Reply none = query("SELECT * FROM students WHERE Stud_id = 20000");
    assertThat(none.status()).as(none.text()).isEqualTo(200);
    assertThat(none.json().get("data").size()).isZero();
    assertThat(none.json().get("rows_affected").asLong()).isZero();
  }

  @Test
  @Order(2)
  void nonKeyPredicatesAreEvaluatedOnTheShards() {
    double pushedRows = shardCounter("shardeddb_read_rows_total", "pushed");
    double plainRows = shardCounter("shardeddb_read_rows_total", "none");
    // Rows now: 1 (40), 5 (90), 4095 (70), 4096 (80), 8000 (60).
    Http.Reply r =
        query("SELECT Stud_id, Stud_name FROM students WHERE Stud_marks > 70 OR Stud_name = 'Eve'");
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    assertThat(ids(r)).containsExactly(5L, 4096L, 8000L);
    assertThat(r.json().get("shards_queried").toString()).isEqualTo("[\"sh1\",\"sh2\"]");
    // Only the three matching rows left the shards (each shard's primary read once, filtered).
    assertThat(shardCounter("shardeddb_read_rows_total", "pushed") - pushedRows).isEqualTo(3);
    assertThat(shardCounter("shardeddb_read_rows_total", "none") - plainRows).isZero();

    // NOT goes down to the shards too; LIKE on a String column is matched there, case-sensitively.
    Http.Reply not = query("SELECT Stud_id FROM students WHERE NOT (Stud_marks >= 60)");
    assertThat(ids(not)).containsExactly(1L);
    Http.Reply like = query("SELECT Stud_id FROM students WHERE Stud_name LIKE '_e%'");
    assertThat(ids(like)).containsExactly(4096L);
    Http.Reply noMatch = query("SELECT Stud_id FROM students WHERE Stud_name = 'alice'");
    assertThat(ids(noMatch)).isEmpty();

    // COUNT(*) whose WHERE the shards can evaluate is counted there: no row travels.
    double counts = shardCounter("shardeddb_read_counts_total", "pushed");
    double rowsBefore = shardCounter("shardeddb_read_rows_total", "pushed");
    Http.Reply count =
        query("SELECT COUNT(*) AS n FROM students WHERE Stud_marks >= 70 AND Stud_id > 1");
    assertThat(count.status()).as(count.text()).isEqualTo(200);
    assertThat(count.json().get("data").get(0).get("n").asLong()).isEqualTo(3);
    assertThat(shardCounter("shardeddb_read_counts_total", "pushed") - counts).isEqualTo(2);
    assertThat(shardCounter("shardeddb_read_rows_total", "pushed") - rowsBefore).isZero();

    // A predicate the shards cannot evaluate as the router does (LIKE on a Number) is checked
    // by the router alone, still correctly.
    Http.Reply numberLike =
        query("SELECT Stud_id FROM students WHERE Stud_marks LIKE '8%' AND Stud_name <> 'x'");
    assertThat(numberLike.status()).as(numberLike.text()).isEqualTo(200);
    assertThat(ids(numberLike)).containsExactly(4096L);
  }

  @Test
  @Order(3)
  void updatesAndDeletesChangeExactlyTheMatchingRows() {
    Http.Reply byKey = query("UPDATE students SET Stud_marks = 91 WHERE Stud_id = 5");
    assertThat(byKey.status()).as(byKey.text()).isEqualTo(200);
    assertThat(byKey.json().get("rows_affected").asLong()).isEqualTo(1);
    assertThat(byKey.json().get("message").asText()).startsWith("Write successful (timestamp: ");

    Http.Reply byOther = query("UPDATE students SET Stud_name = 'low' WHERE Stud_marks < 65");
    assertThat(byOther.json().get("rows_affected").asLong()).isEqualTo(2);
    assertThat(ids(query("SELECT Stud_id FROM students WHERE Stud_name = 'low'")))
        .containsExactly(1L, 8000L);
    assertThat(
            query("SELECT Stud_marks FROM students WHERE Stud_id = 5")
                .json()
                .get("data")
                .get(0)
                .get("Stud_marks")
                .asLong())
        .isEqualTo(91);

    Http.Reply nothing = query("DELETE FROM students WHERE Stud_id = 3000");
    assertThat(nothing.status()).as(nothing.text()).isEqualTo(200);
    assertThat(nothing.json().get("rows_affected").asLong()).isZero();

    Http.Reply deleted = query("DELETE FROM students WHERE Stud_id IN (1, 8000)");
    assertThat(deleted.json().get("rows_affected").asLong()).isEqualTo(2);
    assertThat(ids(query("SELECT Stud_id FROM students"))).containsExactly(5L, 4095L, 4096L);
  }

  @Test
  @Order(4)
  void injectionAttemptsAreStoredAndReadBackVerbatim() {
    String evil = "'; DROP TABLE students; --";
    Http.Reply w = query("INSERT INTO students VALUES (6, '''; DROP TABLE students; --', 1)");
    assertThat(w.status()).as(w.text()).isEqualTo(200);
    Http.Reply quoteOr = query("INSERT INTO students VALUES (7, 'x\\' OR \\'1\\'=\\'1', 2)");
    assertThat(quoteOr.status()).as(quoteOr.text()).isEqualTo(200);

    Http.Reply back = query("SELECT Stud_name FROM students WHERE Stud_id IN (6, 7)");
    assertThat(back.json().get("data").get(0).get("Stud_name").asText()).isEqualTo(evil);
    assertThat(back.json().get("data").get(1).get("Stud_name").asText()).isEqualTo("x' OR '1'='1");
    // The table is still there, with every row.
    assertThat(
            query("SELECT COUNT(*) FROM students")
                .json()
                .get("data")
                .get(0)
                .get("COUNT(*)")
                .asLong())
        .isEqualTo(5);
    // A tautology in a string matches only that exact string.
    assertThat(
            ids(
                query(
                    "SELECT Stud_id FROM students WHERE Stud_name = '''; DROP TABLE students; --'")))
        .containsExactly(6L);
    assertThat(ids(query("SELECT Stud_id FROM students WHERE Stud_name = 'x'' OR ''1''=''1'")))
        .containsExactly(7L);
  }

  @Test
  @Order(5)
  void anythingUnsupportedIsA400NamingItNeverA5xx() {
    Map<String, String> bad =
        Map.of(
            "SELECT * FROM students a JOIN students b ON a.Stud_name = b.Stud_name",
                "joins must equate the two tables' shard keys (a.x = b.y)",
            "SELECT * FROM students WHERE Stud_id IN (SELECT 1)", "subqueries are not supported",
            "DROP TABLE students", "is the database's first table, which cannot be dropped",
            "SELECT 1; SELECT 2", "several statements",
            "SELECT * FROM teachers", "unknown table 'teachers' (this database has [students])",
            "SELECT nope FROM students", "unknown column 'nope'",
            "INSERT INTO students VALUES ('x', 'y', 1)", "must be a Number",
            "SELEC garbage", "could not parse the query",
            "INSERT INTO students VALUES (99999, 'far', 1)", "no shard holds");
    bad.forEach(
        (sql, message) -> {
          Http.Reply r = query(sql);
          assertThat(r.status()).as(sql + " -> " + r.text()).isEqualTo(400);
          assertThat(r.json().get("success").asBoolean()).isFalse();
          assertThat(r.json().get("message").asText()).as(sql).contains(message);
        });
    for (String body : List.of("{", "[]", "{}", "{\"query\": 5}", "{\"query\":\"x\",\"q\":1}")) {
      Http.Reply r = http.send("POST", "/query", body);
      assertThat(r.status()).as(body + " -> " + r.text()).isEqualTo(400);
    }
    Http.Reply badConsistency = query("SELECT * FROM students", "strong");
    assertThat(badConsistency.status()).isEqualTo(400);
    assertThat(badConsistency.json().get("message").asText())
        .contains("consistency must be one of");
  }

  @Test
  @Order(6)
  void theEndpointsNeedTheDataTokenAndStatusShowsPrimariesReplicasAndRanks() {
    Http anonymous = http.withToken(null);
    assertThat(anonymous.send("POST", "/query", "{\"query\":\"SELECT * FROM students\"}").status())
        .isEqualTo(401);
    assertThat(anonymous.get("/query/status").status()).isEqualTo(401);

    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              JsonNode status = http.get("/query/status").json();
              assertThat(status.get("shards")).hasSize(2);
              JsonNode sh1 = status.get("shards").get(0);
              assertThat(sh1.get("shard").asText()).isEqualTo("sh1");
              assertThat(sh1.get("is_original").asBoolean()).isTrue();
              assertThat(sh1.get("original_primary").asText())
                  .isEqualTo(sh1.get("primary").asText());
              assertThat(sh1.get("replicas")).hasSize(3);
              List<Integer> ranks = new ArrayList<>();
              for (JsonNode r : sh1.get("replicas")) {
                assertThat(r.get("reachable").asBoolean()).isTrue();
                assertThat(r.has("lag")).isTrue();
                ranks.add(r.get("rank").asInt());
              }
              assertThat(ranks).containsExactlyInAnyOrder(1, 2, 3);
              // Cabinet's weights as sh1's real primary measures them: its own 1, each
              // secondary's 1/(ack latency ms + lag + 1) from answers it timed, and a
              // best-weighted majority of two of the three led by the primary.
              String primary = sh1.get("primary").asText();
              JsonNode majority = sh1.get("best_weighted_majority");
              assertThat(majority).hasSize(2);
              assertThat(majority.get(0).asText()).isEqualTo(primary);
              for (JsonNode r : sh1.get("replicas")) {
                assertThat(r.has("weight") && r.has("ack_latency_ms")).as(r.toString()).isTrue();
                double weight = r.get("weight").asDouble();
                double latency = r.get("ack_latency_ms").asDouble();
                long lag = r.get("lag_behind_primary").asLong();
                assertThat(weight).isCloseTo(1 / (latency + lag + 1), within(1e-9));
                if (r.get("name").asText().equals(primary)) {
                  assertThat(weight).isEqualTo(1.0);
                } else {
                  assertThat(latency).isPositive();
                }
              }
            });
  }

  @Test
  @Order(8)
  void aBoundedSelectIsServedByACaughtUpSecondaryAndExecutedOnNamesIt() {
    String primary =
        http.get("/admin/topology").json().get("shards").get(0).get("primary").asText();
    String sql = "SELECT Stud_id FROM students WHERE Stud_id < 4096";
    List<Long> expected = ids(query(sql, "primary"));
    java.util.Set<String> servedBy = new java.util.HashSet<>();
    // Each bounded SELECT picks a replica on sh1's ring at random; a caught-up secondary serves
    // it (a replica that refused would leave the read to the primary). Bounded: 60 s.
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              Http.Reply r = bounded(sql, 2000L);
              assertThat(r.status()).as(r.text()).isEqualTo(200);
              assertThat(ids(r)).isEqualTo(expected);
              String on = r.json().get("executed_on").asText();
              assertThat(on).startsWith("sh1/");
              servedBy.add(on.substring("sh1/".length()));
              assertThat(servedBy).anyMatch(name -> !name.equals(primary));
            });
    assertThat(replicasOf(0)).containsAll(servedBy);

    Http.Reply notBounded = query(sql, "primary", null, 1000L);
    assertThat(notBounded.status()).as(notBounded.text()).isEqualTo(400);
    assertThat(notBounded.json().get("message").asText()).contains("maxStalenessMs");
    Http.Reply zero = bounded(sql, 0L);
    assertThat(zero.status()).as(zero.text()).isEqualTo(400);
  }

  Http.Reply bounded(String sql, long maxStalenessMs) {
    return query(sql, "bounded", null, maxStalenessMs);
  }

  @Test
  @Order(7)
  void statementsAreCountedByKind() {
    String prometheus = http.get("/prometheus").text();
    for (String kind : List.of("insert", "select", "update", "delete", "unsupported")) {
      assertThat(prometheus)
          .as(kind)
          .containsPattern(
              "shardeddb_router_sql_statements_seconds_count\\{[^}]*kind=\"" + kind + "\"");
    }
  }
}
