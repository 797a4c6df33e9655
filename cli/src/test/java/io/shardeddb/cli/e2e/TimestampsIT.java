package io.shardeddb.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shardeddb.cli.testing.CliRun;
import io.shardeddb.local.LocalCluster;
import io.shardeddb.protocol.time.GlobalTimestamp;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Global timestamps (DESIGN §11, docs/timestamps.md) in local mode, real processes: 40 writes one
 * after the other over four shards get increasing timestamps — the oracle on sh1's primary hands
 * out every write's slot — each near the wall clock; the oracle's pod killed and restarted in place
 * never hands out a smaller one. Every row reads back (over {@code /query} and the MySQL port) with
 * its write's timestamp.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TimestampsIT {
  private static final Duration LONG = Duration.ofMinutes(4);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path home = Path.of(System.getProperty("shardeddb.home", "..")).toAbsolutePath();
  private LocalCluster cluster;
  private HttpClient http;
  private LocalCluster.RouterInfo router;

  @BeforeAll
  void startCluster(@TempDir Path dataDir) {
    cluster = LocalCluster.start(LocalCluster.Options.defaults(home, dataDir));
  }

  @AfterAll
  void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private JsonNode query(String sql) throws Exception {
    HttpRequest r =
        HttpRequest.newBuilder(URI.create(router.routerUrl() + "/query"))
            .timeout(Duration.ofSeconds(60))
            .header("Authorization", "Bearer " + router.token())
            .header("Content-Type", "application/json")
            .POST(
                HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of("query", sql))))
            .build();
    HttpResponse<String> reply = http.send(r, HttpResponse.BodyHandlers.ofString());
    assertThat(reply.statusCode()).as(sql + " → " + reply.body()).isEqualTo(200);
    return JSON.readTree(reply.body());
  }

  private java.sql.Connection mysql() throws java.sql.SQLException {
    return LocalMysql.data(router, false);
  }

  /** The write's global timestamp, from the coordinator's reply. */
  private long insert(long id) throws Exception {
    JsonNode reply =
        query(
            "INSERT INTO students (Stud_id, Stud_name, Stud_marks) VALUES ("
                + id
                + ", 'n"
                + id
                + "', "
                + id % 100
                + ")");
    assertThat(reply.get("message").asText()).contains("timestamp: " + reply.get("timestamp"));
    return reply.get("timestamp").asLong();
  }

  @Test
  void writesOneAfterAnotherGetIncreasingTimestampsOnEveryShardAndARestartedOracleNeverGoesBack()
      throws Exception {
    String name = cluster.apply(home.resolve("cli/src/test/resources/timestamps.yaml"));
    DatabaseStatus db = new DatabaseStatus(cluster.client(), cluster.namespace(), name);
    router =
        await().atMost(LONG).until(() -> cluster.routerInfo(name).orElse(null), i -> i != null);
    HttpClient.Builder client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
    if (router.tls() != null) {
      client.sslContext(router.tls());
    }
    http = client.build();
    await().atMost(LONG).until(db::isReady);

    // 40 writes, each after the one before was acknowledged, round-robin over the four shards.
    List<Long> stamps = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      long before = System.currentTimeMillis();
      long ts = insert((i % 4) * 100L + i);
      stamps.add(ts);
      // A timestamp reads as the oracle's clock: near the wall clock (its window runs ahead).
      assertThat(GlobalTimestamp.millis(ts)).isBetween(before - 5_000, before + 10_000);
    }
    assertThat(stamps).isSorted().doesNotHaveDuplicates();

    // Every row reads back with its write's timestamp (docs/timestamps.md, "Rows"): a per-row
    // `timestamp` in /query's rows, from whichever shard holds it.
    Map<Long, Long> written = new java.util.TreeMap<>();
    for (int i = 0; i < 40; i++) {
      written.put((i % 4) * 100L + i, stamps.get(i));
    }
    JsonNode all = query("SELECT * FROM students WHERE Stud_id BETWEEN 0 AND 399");
    Map<Long, Long> readBack = new java.util.TreeMap<>();
    for (JsonNode row : all.get("data")) {
      readBack.put(row.get("Stud_id").asLong(), row.get("timestamp").asLong());
      // SELECT * shows the schema's columns and the timestamp, never the pseudo-column.
      assertThat(row.has("_timestamp")).isFalse();
    }
    assertThat(readBack).isEqualTo(written);
    // The writes after the twentieth, across the four shards, in the order they were made: a
    // filter and an ORDER BY on the pseudo-column (the router's, over rows read with it).
    List<Long> later = new ArrayList<>();
    for (int i = 20; i < 40; i++) {
      later.add((i % 4) * 100L + i);
    }
    JsonNode laterWrites =
        query(
            "SELECT Stud_id FROM students WHERE _timestamp > "
                + stamps.get(19)
                + " ORDER BY _timestamp");
    List<Long> afterIds = new ArrayList<>();
    laterWrites.get("data").forEach(r -> afterIds.add(r.get("Stud_id").asLong()));
    assertThat(afterIds).isEqualTo(later);
    // One key (the point-read path) and the pseudo-column named explicitly.
    JsonNode one = query("SELECT Stud_id, _timestamp FROM students WHERE Stud_id = 303");
    assertThat(one.get("data").get(0).get("_timestamp").asLong()).isEqualTo(written.get(303L));
    assertThat(one.get("data").get(0).get("timestamp").asLong()).isEqualTo(written.get(303L));
    // An update's row takes the update's timestamp.
    long updated =
        query("UPDATE students SET Stud_marks = 1 WHERE Stud_id = 101").get("timestamp").asLong();
    assertThat(updated).isGreaterThan(stamps.get(stamps.size() - 1));
    assertThat(
            query("SELECT * FROM students WHERE Stud_id = 101")
                .get("data")
                .get(0)
                .get("timestamp")
                .asLong())
        .isEqualTo(updated);
    // Over the MySQL protocol the pseudo-column is a BIGINT a query names; SELECT * leaves it out.
    try (java.sql.Connection c = mysql();
        java.sql.Statement st = c.createStatement()) {
      try (java.sql.ResultSet rs =
          st.executeQuery("SELECT Stud_id, _timestamp FROM students WHERE Stud_id = 206")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getMetaData().getColumnType(2)).isEqualTo(java.sql.Types.BIGINT);
        assertThat(rs.getLong(2)).isEqualTo(written.get(206L));
      }
      try (java.sql.ResultSet rs = st.executeQuery("SELECT * FROM students WHERE Stud_id = 206")) {
        assertThat(rs.getMetaData().getColumnCount()).isEqualTo(3);
      }
    }

    // The oracle's pod (sh1's primary) killed: restarted in place, it never hands out less.
    String oracle = db.primary("sh1");
    long last = stamps.get(stamps.size() - 1);
    CliRun kill =
        CliRun.cli("local", "kill", oracle, "--kubeconfig", cluster.kubeconfig().toString());
    assertThat(kill.code()).as(kill.err()).isZero();
    long[] after = new long[1];
    java.util.concurrent.atomic.AtomicLong key = new java.util.concurrent.atomic.AtomicLong(60);
    // A new key each attempt: one acknowledged but unanswered would make the same key a 409.
    await()
        .atMost(LONG)
        .pollInterval(Duration.ofMillis(500))
        .ignoreExceptions()
        .untilAsserted(() -> after[0] = insert(key.getAndIncrement()));
    assertThat(after[0]).isGreaterThan(last);
    for (int i = 0; i < 8; i++) {
      long ts = insert((i % 4) * 100L + 50 + i);
      assertThat(ts).isGreaterThan(after[0]);
      after[0] = ts;
    }
  }
}
