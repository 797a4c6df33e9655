package io.shardeddb.shardserver;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.shardeddb.protocol.shard.RoleRequest;
import io.shardeddb.protocol.shard.ShardEndpoints;
import io.shardeddb.protocol.topology.Role;
import io.shardeddb.protocol.topology.WriteQuorum;
import io.shardeddb.shardserver.storage.EmbeddedMariaDb;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code POST /write/batch} and {@code POST /read/batch} (issue 14): each item answered exactly as
 * the single {@code /write} or {@code /read} would answer it, whole-request failures as for the
 * single endpoints, point reads of a batch in one SELECT. One replica, the primary of a one-replica
 * shard whose lease period is an hour (so {@code primary} reads are refused with "no lease"), over
 * real HTTP and a real MariaDB.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BatchEndpointsTest {
  private static final String TABLE = "batchpts";
  private static final String CONFIG =
      """
      {"schema":{"columns":["id","name","marks"],"dtypes":["Number","String","Number"]},
       "shards":["sh1"], "table":"%s", "shardKey":"id", "low":0, "size":1000}
      """
          .formatted(TABLE);

  private Replica server;
  private String url;

  @BeforeAll
  void start() {
    server =
        Replica.start(
            "Batch0",
            "batch_" + UUID.randomUUID().toString().substring(0, 8),
            Map.of("shardeddb.replication.lease-period", "1h"));
    url = server.url();
    assertThat(Http.post(url + "/config", CONFIG).status()).isEqualTo(200);
    RoleRequest role =
        new RoleRequest(
            1, Role.Primary, server.peer(), List.of(server.peer()), WriteQuorum.Majority, 1);
    Http.Reply r = Http.post(url + "/role", Http.json(role));
    assertThat(r.status()).as(r.raw()).isEqualTo(200);
    // Rows 100..140 for the read tests (the write test uses keys below 100).
    String rows =
        IntStream.rangeClosed(100, 140)
            .mapToObj(k -> row(k, "n" + k, k % 7))
            .collect(Collectors.joining(","));
    Http.Reply w = Http.post(url + "/write", "{\"shard\":\"sh1\",\"data\":[" + rows + "]}");
    assertThat(w.status()).as(w.raw()).isEqualTo(200);
  }

  @AfterAll
  void stop() {
    server.close();
  }

  private static String row(long id, String name, long marks) {
    return "{\"id\":" + id + ",\"name\":\"" + name + "\",\"marks\":" + marks + "}";
  }

  private static String write(String rows, String requestId) {
    return "{\"shard\":\"sh1\",\"data\":["
        + rows
        + "]"
        + (requestId == null ? "" : ",\"requestId\":\"" + requestId + "\"")
        + "}";
  }

  private Http.Reply writeBatch(List<String> items) {
    return Http.post(
        url + ShardEndpoints.WRITE_BATCH, "{\"writes\":[" + String.join(",", items) + "]}");
  }

  private Http.Reply readBatch(List<String> items) {
    return Http.post(
        url + ShardEndpoints.READ_BATCH, "{\"reads\":[" + String.join(",", items) + "]}");
  }

  private List<Long> keys(long low, long high) {
    Http.Reply r =
        Http.post(
            url + "/read",
            "{\"shard\":\"sh1\",\"id\":{\"low\":" + low + ",\"high\":" + high + "}}");
    assertThat(r.status()).as(r.raw()).isEqualTo(200);
    List<Long> out = new ArrayList<>();
    r.json().get("data").forEach(row -> out.add(row.get("id").asLong()));
    return out;
  }

  @Test
  @DisplayName(
      "a write batch answers each item as /write would: good rows applied, bad items refused alone,"
          + " retried request ids get their original outcome")
  void writeBatchAnswersEachItemAlone() {
    Http.Reply first = Http.post(url + "/write", write(row(1, "a", 1), "pre-ok"));
    assertThat(first.status()).as(first.raw()).isEqualTo(200);
    long firstLsn = first.json().get("lsn").asLong();
    Http.Reply refused = Http.post(url + "/write", write(row(1, "again", 1), "pre-dup"));
    assertThat(refused.status()).as(refused.raw()).isEqualTo(409);

    Http.Reply r =
        writeBatch(
            List.of(
                "{\"shard\":\"sh1\",\"curr_idx\":5,\"data\":["
                    + row(10, "b", 2)
                    + ","
                    + row(11, "c", 3)
                    + "],\"requestId\":\"b-0\"}",
                write(row(12, "d", 4) + "," + row(12, "e", 5), null),
                write(row(5000, "far", 1), null),
                write(row(1, "a", 1), "pre-ok"),
                write(row(1, "again", 1), "pre-dup"),
                "{\"shard\":\"sh9\",\"data\":[" + row(14, "f", 1) + "]}",
                write(row(13, "g", 6), null),
                write(row(1, "exists", 1), "b-7"),
                "null",
                write("{\"id\":15,\"name\":\"h\",\"marks\":\"many\"}", null)));
    assertThat(r.status()).as(r.raw()).isEqualTo(200);
    JsonNode results = r.json().get("results");
    assertThat(results).hasSize(10);
    List<Integer> statuses = new ArrayList<>();
    results.forEach(x -> statuses.add(x.get("status").asInt()));
    assertThat(statuses).containsExactly(200, 400, 421, 200, 409, 400, 200, 409, 400, 400);

    JsonNode good = results.get(0).get("response");
    assertThat(good.get("message").asText()).isEqualTo("Data entries added");
    assertThat(good.get("current_idx").asInt()).isEqualTo(7);
    assertThat(good.get("epoch").asLong()).isEqualTo(1);
    assertThat(good.get("acks").asInt()).isEqualTo(1);
    assertThat(good.get("replicas").asInt()).isEqualTo(1);
    assertThat(good.get("lsn").asLong()).isGreaterThan(firstLsn);
    assertThat(results.get(6).get("response").get("lsn").asLong())
        .isNotEqualTo(good.get("lsn").asLong())
        .isGreaterThan(firstLsn);
    assertThat(results.get(1).get("message").asText()).contains("id:12 more than once");
    assertThat(results.get(2).get("message").asText()).contains("id 5000").contains("sh1");
    assertThat(results.get(3).get("response").get("lsn").asLong()).isEqualTo(firstLsn);
    assertThat(results.get(4).get("message").asText()).isEqualTo(refused.message());
    assertThat(results.get(5).get("message").asText()).contains("not sh9");
    assertThat(results.get(7).get("message").asText())
        .isEqualTo(Http.post(url + "/write", write(row(1, "exists", 1), null)).message());
    assertThat(results.get(8).get("message").asText()).contains("writes[8]");
    assertThat(results.get(9).get("message").asText()).contains("marks");
    // A failed item carries no response, a good one no message.
    assertThat(results.get(2).has("response")).isFalse();
    assertThat(results.get(0).has("message")).isFalse();

    assertThat(keys(0, 99)).containsExactly(1L, 10L, 11L, 13L);

    // The batch's request id retried alone: the original outcome, nothing applied again.
    Http.Reply retried =
        Http.post(url + "/write", write(row(10, "b", 2) + "," + row(11, "c", 3), "b-0"));
    assertThat(retried.status()).as(retried.raw()).isEqualTo(200);
    assertThat(retried.json().get("lsn").asLong()).isEqualTo(good.get("lsn").asLong());
    Http.Reply again = Http.post(url + "/write", write(row(1, "exists", 1), "b-7"));
    assertThat(again.status()).isEqualTo(409);
    assertThat(again.message()).isEqualTo(results.get(7).get("message").asText());
    assertThat(keys(0, 99)).containsExactly(1L, 10L, 11L, 13L);
  }

  @Test
  @DisplayName(
      "whole-request failures answer as /write and /read do: 421 owned header, 400 envelope,"
          + " the cap, 401")
  void wholeRequestFailures() {
    String item = write(row(50, "x", 1), null);
    Http.Reply stale =
        Http.post(
            url + ShardEndpoints.WRITE_BATCH,
            "{\"writes\":[" + item + "]}",
            ShardEndpoints.OWNED_HEADER,
            "0+500");
    assertThat(stale.status()).as(stale.raw()).isEqualTo(421);
    assertThat(stale.json().get("status").asText()).isEqualTo("failure");
    assertThat(stale.message()).contains("owns [0, 1000)").contains("not [0, 500)");
    Http.Reply staleRead =
        Http.post(
            url + ShardEndpoints.READ_BATCH,
            "{\"reads\":[{\"shard\":\"sh1\",\"id\":{\"low\":50,\"high\":50}}]}",
            ShardEndpoints.OWNED_HEADER,
            "0+500");
    assertThat(staleRead.status()).as(staleRead.raw()).isEqualTo(421);
    assertThat(keys(50, 50)).isEmpty();

    Http.Reply current =
        Http.post(
            url + ShardEndpoints.WRITE_BATCH,
            "{\"writes\":[" + item + "]}",
            ShardEndpoints.OWNED_HEADER,
            "0+1000");
    assertThat(current.status()).as(current.raw()).isEqualTo(200);
    assertThat(current.json().get("results").get(0).get("status").asInt()).isEqualTo(200);
    assertThat(keys(50, 50)).containsExactly(50L);

    Http.Reply empty = Http.post(url + ShardEndpoints.WRITE_BATCH, "{\"writes\":[]}");
    assertThat(empty.status()).isEqualTo(400);
    assertThat(empty.message()).contains("'writes'");
    Http.Reply missing = Http.post(url + ShardEndpoints.READ_BATCH, "{}");
    assertThat(missing.status()).isEqualTo(400);
    assertThat(missing.message()).contains("'reads'");
    Http.Reply notJson = Http.post(url + ShardEndpoints.READ_BATCH, "{\"reads\":");
    assertThat(notJson.status()).isEqualTo(400);

    List<String> tooMany = new ArrayList<>();
    for (int i = 0; i < 1001; i++) {
      tooMany.add("{\"shard\":\"sh1\",\"id\":{\"low\":" + i + ",\"high\":" + i + "}}");
    }
    Http.Reply overCap = readBatch(tooMany);
    assertThat(overCap.status()).isEqualTo(400);
    assertThat(overCap.message()).contains("1001").contains("at most 1000");
    Http.Reply atCap = readBatch(tooMany.subList(0, 1000));
    assertThat(atCap.status()).as(atCap.raw()).isEqualTo(200);
    assertThat(atCap.json().get("results")).hasSize(1000);

    Http.Reply anonymous =
        Http.sendWithAuthorization(
            "POST", url + ShardEndpoints.WRITE_BATCH, "{\"writes\":[" + item + "]}", null);
    assertThat(anonymous.status()).isEqualTo(401);
  }

  @Test
  @DisplayName(
      "a read batch of points, ranges, filters, counts and sessions equals the single /read"
          + " answers, item for item")
  void readBatchEqualsSingleReads() {
    long lsn = heartbeatLsn();
    List<String> items =
        List.of(
            point(100),
            point(117),
            point(140),
            point(141),
            point(5000),
            "{\"shard\":\"sh1\",\"id\":{\"low\":100,\"high\":140},\"limit\":5}",
            "{\"shard\":\"sh1\",\"id\":{\"low\":100,\"high\":140},"
                + "\"filter\":{\"op\":\"=\",\"column\":\"marks\",\"values\":[3]}}",
            "{\"shard\":\"sh1\",\"id\":{\"low\":110,\"high\":110},"
                + "\"filter\":{\"op\":\"=\",\"column\":\"marks\",\"values\":[6]}}",
            "{\"shard\":\"sh1\",\"id\":{\"low\":100,\"high\":140},\"count\":true}",
            "{\"shard\":\"sh1\",\"id\":{\"low\":120,\"high\":120},\"minEpoch\":1,\"minLsn\":"
                + lsn
                + "}",
            "{\"shard\":\"sh1\",\"id\":{\"low\":100,\"high\":140},"
                + "\"filter\":{\"op\":\"=\",\"column\":\"nope\",\"values\":[3]}}",
            "{\"shard\":\"sh2\",\"id\":{\"low\":100,\"high\":100}}",
            "{\"shard\":\"sh1\",\"id\":{\"low\":120,\"high\":120},\"minEpoch\":9,\"minLsn\":"
                + lsn
                + "}");
    Http.Reply batch = readBatch(items);
    assertThat(batch.status()).as(batch.raw()).isEqualTo(200);
    JsonNode results = batch.json().get("results");
    assertThat(results).hasSize(items.size());
    for (int i = 0; i < items.size(); i++) {
      Http.Reply single = Http.post(url + "/read", items.get(i));
      JsonNode result = results.get(i);
      assertThat(result.get("status").asInt()).as(items.get(i)).isEqualTo(single.status());
      if (single.status() == 200) {
        assertThat(result.get("response")).as(items.get(i)).isEqualTo(single.json());
      } else {
        assertThat(result.get("message").asText()).as(items.get(i)).isEqualTo(single.message());
      }
    }
    // What those answers were, so the equality above is not between two empty replies.
    assertThat(results.get(0).get("response").get("data").get(0).get("name").asText())
        .isEqualTo("n100");
    assertThat(results.get(3).get("response").get("data")).isEmpty();
    assertThat(results.get(5).get("response").get("data")).hasSize(5);
    assertThat(results.get(5).get("response").get("next").asLong()).isEqualTo(105);
    assertThat(results.get(6).get("response").get("data")).isNotEmpty();
    assertThat(results.get(7).get("response").get("data")).isEmpty();
    assertThat(results.get(8).get("response").get("count").asLong()).isEqualTo(41);
    assertThat(results.get(9).get("response").get("data")).hasSize(1);
    assertThat(results.get(10).get("status").asInt()).isEqualTo(400);
    assertThat(results.get(11).get("status").asInt()).isEqualTo(400);
    assertThat(results.get(12).get("status").asInt()).isEqualTo(409);
  }

  @Test
  @DisplayName("without the lease every primary item fails with 503, the other items are answered")
  void primaryItemsNeedTheLease() {
    Http.Reply r =
        readBatch(
            List.of(
                "{\"shard\":\"sh1\",\"id\":{\"low\":101,\"high\":101},\"consistency\":\"primary\"}",
                point(101),
                "{\"shard\":\"sh1\",\"id\":{\"low\":100,\"high\":140},\"consistency\":\"primary\"}",
                "{\"shard\":\"sh1\",\"id\":{\"low\":100,\"high\":140},\"consistency\":\"any\"}",
                "{\"shard\":\"sh1\",\"id\":{\"low\":102,\"high\":102},\"consistency\":\"primary\","
                    + "\"count\":true}"));
    assertThat(r.status()).as(r.raw()).isEqualTo(200);
    JsonNode results = r.json().get("results");
    List<Integer> statuses = new ArrayList<>();
    results.forEach(x -> statuses.add(x.get("status").asInt()));
    assertThat(statuses).containsExactly(503, 200, 503, 200, 503);
    assertThat(results.get(0).get("message").asText()).startsWith("no lease");
    assertThat(results.get(1).get("response").get("data")).hasSize(1);
    assertThat(results.get(3).get("response").get("data")).hasSize(41);
  }

  @Test
  @DisplayName(
      "on a replica that is not the primary a write batch is a 409 before anything is queued;"
          + " in a read batch only the primary items fail")
  void notPrimary() {
    try (Replica other =
        Replica.start("Batch1", "batch_" + UUID.randomUUID().toString().substring(0, 8))) {
      assertThat(Http.post(other.url() + "/config", CONFIG).status()).isEqualTo(200);
      Http.Reply w =
          Http.post(
              other.url() + ShardEndpoints.WRITE_BATCH,
              "{\"writes\":[" + write(row(60, "x", 1), null) + "]}");
      assertThat(w.status()).as(w.raw()).isEqualTo(409);
      assertThat(w.message()).startsWith("not primary");
      assertThat(w.json().get("status").asText()).isEqualTo("failure");

      Http.Reply r =
          Http.post(
              other.url() + ShardEndpoints.READ_BATCH,
              "{\"reads\":["
                  + "{\"shard\":\"sh1\",\"id\":{\"low\":60,\"high\":60},"
                  + "\"consistency\":\"primary\"},"
                  + point(60)
                  + ",{\"shard\":\"sh1\",\"id\":{\"low\":0,\"high\":999}}]}");
      assertThat(r.status()).as(r.raw()).isEqualTo(200);
      JsonNode results = r.json().get("results");
      assertThat(results.get(0).get("status").asInt()).isEqualTo(409);
      assertThat(results.get(0).get("message").asText()).startsWith("not primary");
      assertThat(results.get(1).get("status").asInt()).isEqualTo(200);
      assertThat(results.get(1).get("response").get("data")).isEmpty();
      assertThat(results.get(2).get("status").asInt()).isEqualTo(200);
    }
  }

  @Test
  @DisplayName(
      "after a new term a batch answers each item with its own entry's epoch: a retry of the"
          + " old term keeps the old epoch")
  void epochsAcrossTerms() {
    try (Replica other =
        Replica.start("Batch2", "batch_" + UUID.randomUUID().toString().substring(0, 8))) {
      String u = other.url();
      assertThat(Http.post(u + "/config", CONFIG).status()).isEqualTo(200);
      assertThat(Http.post(u + "/role", Http.json(primaryRole(other, 1))).status()).isEqualTo(200);
      Http.Reply old = Http.post(u + "/write", write(row(1, "old", 1), "e1"));
      assertThat(old.status()).as(old.raw()).isEqualTo(200);
      assertThat(old.json().get("epoch").asLong()).isEqualTo(1);
      assertThat(Http.post(u + "/fence", "{\"epoch\":2}").status()).isEqualTo(200);
      Http.Reply role = Http.post(u + "/role", Http.json(primaryRole(other, 2)));
      assertThat(role.status()).as(role.raw()).isEqualTo(200);

      Http.Reply r =
          Http.post(
              u + ShardEndpoints.WRITE_BATCH,
              "{\"writes\":["
                  + String.join(
                      ",",
                      write(row(2, "new", 1), "e2a"),
                      write(row(1, "old", 1), "e1"),
                      write(row(3, "new", 1), "e2b"))
                  + "]}");
      assertThat(r.status()).as(r.raw()).isEqualTo(200);
      JsonNode results = r.json().get("results");
      List<Long> epochs = new ArrayList<>();
      results.forEach(x -> epochs.add(x.get("response").get("epoch").asLong()));
      assertThat(epochs).containsExactly(2L, 1L, 2L);
      assertThat(results.get(1).get("response").get("lsn").asLong())
          .isEqualTo(old.json().get("lsn").asLong());
    }
  }

  private static RoleRequest primaryRole(Replica r, long epoch) {
    return new RoleRequest(
        epoch, Role.Primary, r.peer(), List.of(r.peer()), WriteQuorum.Majority, 1);
  }

  @Test
  @DisplayName("a batch of 200 point reads costs one SELECT; 200 single /reads cost 200")
  void pointReadsShareOneQuery() throws SQLException {
    List<String> points = new ArrayList<>();
    for (int k = 0; k < 200; k++) {
      points.add(point(100 + k % 60));
    }
    EmbeddedMariaDb db = SharedMariaDb.get();
    try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password())) {
      long batchSelects =
          selectsDuring(
              c,
              () -> {
                Http.Reply r = readBatch(points);
                assertThat(r.status()).as(r.raw()).isEqualTo(200);
                JsonNode results = r.json().get("results");
                assertThat(results).hasSize(200);
                // Keys 100..140 exist, 141..159 do not.
                for (int k = 0; k < 200; k++) {
                  assertThat(results.get(k).get("response").get("data"))
                      .hasSize(100 + k % 60 <= 140 ? 1 : 0);
                }
              });
      long singleSelects =
          selectsDuring(
              c,
              () ->
                  points.forEach(
                      p -> assertThat(Http.post(url + "/read", p).status()).isEqualTo(200)));
      assertThat(batchSelects).isEqualTo(1);
      assertThat(singleSelects).isEqualTo(200);
    }
  }

  @Test
  @DisplayName(
      "the items of a write batch share group commits; single /writes one after the other take"
          + " one each")
  void writeBatchSharesGroupCommits() throws SQLException {
    List<String> items = new ArrayList<>();
    for (int k = 200; k < 300; k++) {
      items.add(write(row(k, "w" + k, 1), "gc-" + k));
    }
    EmbeddedMariaDb db = SharedMariaDb.get();
    try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password())) {
      double before = metric("shardeddb_write_batch_size_count");
      long batchStatements =
          statementsDuring(
              c,
              "%",
              () -> {
                Http.Reply r = writeBatch(items);
                assertThat(r.status()).as(r.raw()).isEqualTo(200);
                r.json()
                    .get("results")
                    .forEach(x -> assertThat(x.get("status").asInt()).isEqualTo(200));
              });
      double batchCommits = metric("shardeddb_write_batch_size_count") - before;

      before = metric("shardeddb_write_batch_size_count");
      long singleStatements =
          statementsDuring(
              c,
              "%",
              () -> {
                for (int k = 300; k < 400; k++) {
                  Http.Reply w = Http.post(url + "/write", write(row(k, "w" + k, 1), "gc-" + k));
                  assertThat(w.status()).as(w.raw()).isEqualTo(200);
                }
              });
      double singleCommits = metric("shardeddb_write_batch_size_count") - before;
      System.out.printf(
          "100 writes: one /write/batch %.0f group commits, %d SQL statements;"
              + " 100 sequential /write %.0f group commits, %d SQL statements%n",
          batchCommits, batchStatements, singleCommits, singleStatements);
      assertThat(singleCommits).isEqualTo(100);
      assertThat(batchCommits).isGreaterThanOrEqualTo(1).isLessThan(100);
      assertThat(batchStatements).isLessThan(singleStatements);
    }
    assertThat(keys(200, 399)).hasSize(200);
    assertThat(metric("shardeddb_batch_items_sum{op=\"write\"")).isGreaterThanOrEqualTo(100);
  }

  /** The value of the first Prometheus sample whose line starts with {@code prefix}. */
  private double metric(String prefix) {
    String text = Http.get(url + "/prometheus").raw();
    return text.lines()
        .filter(l -> l.startsWith(prefix))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no metric " + prefix + " in\n" + text));
  }

  /** SELECTs on the user table that MariaDB's general log saw while {@code work} ran. */
  private static long selectsDuring(Connection c, Runnable work) throws SQLException {
    return statementsDuring(c, "SELECT%user_" + TABLE + "%", work);
  }

  /**
   * Statements (text protocol queries, as Connector/J sends them here) matching the LIKE {@code
   * pattern} that MariaDB's general log saw while {@code work} ran.
   */
  private static long statementsDuring(Connection c, String pattern, Runnable work)
      throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("SET GLOBAL log_output = 'TABLE'");
      s.execute("TRUNCATE TABLE mysql.general_log");
      s.execute("SET GLOBAL general_log = 1");
      try {
        work.run();
      } finally {
        s.execute("SET GLOBAL general_log = 0");
      }
    }
    // The log also holds this connection's own SET statement; only other threads' count.
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT COUNT(*) FROM mysql.general_log WHERE command_type IN ('Query', 'Execute')"
                + " AND argument LIKE ? AND thread_id <> CONNECTION_ID()")) {
      ps.setString(1, pattern);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private long heartbeatLsn() {
    Http.Reply hb = Http.get(url + "/heartbeat");
    return hb.json().get("appliedLsn").asLong();
  }

  private static String point(long key) {
    return "{\"shard\":\"sh1\",\"id\":{\"low\":" + key + ",\"high\":" + key + "}}";
  }
}
