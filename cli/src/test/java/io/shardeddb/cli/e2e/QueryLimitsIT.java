package io.shardeddb.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shardeddb.local.LocalCluster;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Security review 2026-11-26 #7 on real processes (local mode, TLS, the router's default limits):
 * one shot of 200 concurrent full scans on {@code POST /query} with the data token is capped — each
 * reply is the scan's rows or, at once, a 429 in the query reply's shape naming {@code
 * shardeddb.router.sql.max-concurrent-scans} — while point reads (a SELECT by the shard key, a
 * {@code /read} of a small range) keep answering within a bound; and the same cap on the MySQL
 * port: of 40 connections scanning at once, those over the cap get {@code ERROR 1226} and their
 * connection stays usable, while a point SELECT on another connection answers.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QueryLimitsIT {
  private static final Duration LONG = Duration.ofMinutes(4);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String DB = "qlim";
  private static final int ROWS = 3000;
  private static final int SCANS = 200;
  private static final int MYSQL_SCANS = 40;
  private static final String SCAN = "SELECT * FROM students WHERE Stud_marks >= 0";
  private static final Duration POINT_BOUND = Duration.ofSeconds(5);

  private final Path home = Path.of(System.getProperty("shardeddb.home", "..")).toAbsolutePath();
  private LocalCluster cluster;
  private LocalCluster.RouterInfo router;
  private HttpClient http;

  @BeforeAll
  void startCluster(@TempDir Path dataDir) throws Exception {
    cluster = LocalCluster.start(LocalCluster.Options.defaults(home, dataDir));
    cluster.apply(home.resolve("cli/src/test/resources/query-limits.yaml"));
    DatabaseStatus db = new DatabaseStatus(cluster.client(), cluster.namespace(), DB);
    router = await().atMost(LONG).until(() -> cluster.routerInfo(DB).orElse(null), i -> i != null);
    HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10));
    if (router.tls() != null) {
      b.sslContext(router.tls());
    }
    http = b.build();
    await().atMost(LONG).until(db::isReady);
    // Rows on both shards, in statements of 250 rows.
    for (int from = 0; from < ROWS; from += 250) {
      StringBuilder sql = new StringBuilder("INSERT INTO students VALUES ");
      for (int i = from; i < from + 250; i++) {
        long key = i % 2 == 0 ? i : 4096 + i;
        sql.append(i == from ? "" : ", ")
            .append("(" + key + ", 'student-" + key + "', " + (key % 100) + ")");
      }
      String insert = sql.toString();
      await()
          .atMost(LONG)
          .untilAsserted(() -> assertThat(send(query(insert)).statusCode()).isEqualTo(200));
    }
  }

  @AfterAll
  void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private HttpRequest query(String sql) throws Exception {
    return post("/query", JSON.writeValueAsString(Map.of("query", sql)));
  }

  private HttpRequest post(String path, String body) {
    return HttpRequest.newBuilder(URI.create(router.routerUrl() + path))
        .timeout(Duration.ofSeconds(90))
        .header("Authorization", "Bearer " + router.token())
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
  }

  private HttpResponse<String> send(HttpRequest r) throws Exception {
    return http.send(r, HttpResponse.BodyHandlers.ofString());
  }

  /** A reply to one of the scans: status, body, and how long it took. */
  record Timed(int status, JsonNode body, Duration took) {}

  @Test
  void twoHundredConcurrentScansOnQueryAreCappedWhilePointReadsAnswer() throws Exception {
    HttpRequest scan = query(SCAN);
    HttpRequest pointSelect = query("SELECT * FROM students WHERE Stud_id = 4097");
    HttpRequest pointRange = post("/read", "{\"Stud_id\":{\"low\":10,\"high\":20}}");
    // The point reads' own client, connected before the burst (the scans' 200 connections and
    // handshakes are not theirs to wait behind).
    HttpClient.Builder pb = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10));
    if (router.tls() != null) {
      pb.sslContext(router.tls());
    }
    HttpClient pointClient = pb.build();
    assertThat(pointClient.send(pointSelect, HttpResponse.BodyHandlers.ofString()).statusCode())
        .isEqualTo(200);

    // Point reads, one after another, for as long as the scans are under way (bounded: 300).
    AtomicBoolean burst = new AtomicBoolean(true);
    ConcurrentLinkedQueue<String> slowOrFailed = new ConcurrentLinkedQueue<>();
    List<Duration> pointTimes = new ArrayList<>();
    Thread points =
        new Thread(
            () -> {
              for (int i = 0; i < 300 && burst.get(); i++) {
                HttpRequest r = i % 2 == 0 ? pointSelect : pointRange;
                long t0 = System.nanoTime();
                try {
                  HttpResponse<String> reply =
                      pointClient.send(r, HttpResponse.BodyHandlers.ofString());
                  Duration took = Duration.ofNanos(System.nanoTime() - t0);
                  synchronized (pointTimes) {
                    pointTimes.add(took);
                  }
                  if (reply.statusCode() != 200 || took.compareTo(POINT_BOUND) > 0) {
                    slowOrFailed.add(r.uri().getPath() + " " + reply.statusCode() + " " + took);
                  }
                } catch (Exception e) {
                  slowOrFailed.add(r.uri().getPath() + " " + e);
                }
              }
            },
            "point-reads");
    points.start();

    // One shot of 200 scans, all sent at once.
    List<CompletableFuture<Timed>> replies = new ArrayList<>();
    for (int i = 0; i < SCANS; i++) {
      long t0 = System.nanoTime();
      replies.add(
          http.sendAsync(scan, HttpResponse.BodyHandlers.ofString())
              .thenApply(
                  r -> {
                    try {
                      return new Timed(
                          r.statusCode(),
                          JSON.readTree(r.body()),
                          Duration.ofNanos(System.nanoTime() - t0));
                    } catch (Exception e) {
                      throw new IllegalStateException(r.statusCode() + " " + r.body(), e);
                    }
                  }));
    }
    CompletableFuture.allOf(replies.toArray(CompletableFuture[]::new)).get(3, TimeUnit.MINUTES);
    burst.set(false);
    points.join(Duration.ofMinutes(1).toMillis());

    int ran = 0;
    int refused = 0;
    List<Long> refusedMs = new ArrayList<>();
    for (CompletableFuture<Timed> f : replies) {
      Timed t = f.get();
      if (t.status() != 200) {
        refusedMs.add(t.took().toMillis());
      }
      if (t.status() == 200) {
        ran++;
        assertThat(t.body().get("data")).hasSize(ROWS);
      } else {
        refused++;
        assertThat(t.status()).as("%s", t.body()).isEqualTo(429);
        assertThat(t.body().get("success").asBoolean()).isFalse();
        assertThat(t.body().get("status").asText()).isEqualTo("failure");
        assertThat(t.body().get("message").asText())
            .contains("too many concurrent scans for the data token")
            .contains("shardeddb.router.sql.max-concurrent-scans");
      }
    }
    assertThat(ran + refused).isEqualTo(SCANS);
    assertThat(refused).as("scans refused by the cap").isPositive();
    assertThat(ran).as("scans that ran").isPositive();
    assertThat(slowOrFailed).as("point reads failed or slower than %s", POINT_BOUND).isEmpty();
    assertThat(pointTimes).isNotEmpty();
    Duration slowest = pointTimes.stream().max(Duration::compareTo).orElseThrow();
    System.out.printf(
        "QueryLimitsIT /query: %d scans ran, %d refused with 429 (median %d ms, slowest %d ms from"
            + " sending); %d point reads during the burst, slowest %d ms%n",
        ran,
        refused,
        refusedMs.stream().sorted().toList().get(refusedMs.size() / 2),
        refusedMs.stream().max(Long::compare).orElseThrow(),
        pointTimes.size(),
        slowest.toMillis());
    // The cap frees as the scans end: a scan runs again afterwards.
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(send(scan).statusCode()).isEqualTo(200));
  }

  @Test
  void theMysqlPortCapsConcurrentScansPerUserWithError1226() throws Exception {
    String url =
        "jdbc:mysql://"
            + router.mysqlHost()
            + ":3306/"
            + router.database()
            + "?connectTimeout=10000&socketTimeout=120000&sslMode="
            + (router.caPem() == null ? "DISABLED" : "REQUIRED");
    List<Connection> connections = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(MYSQL_SCANS);
    try {
      for (int i = 0; i < MYSQL_SCANS + 1; i++) {
        connections.add(DriverManager.getConnection(url, "sdb", router.token()));
      }
      Connection pointConnection = connections.get(MYSQL_SCANS);
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Integer>> outcomes = new ArrayList<>();
      for (int i = 0; i < MYSQL_SCANS; i++) {
        Connection c = connections.get(i);
        outcomes.add(
            pool.submit(
                () -> {
                  go.await();
                  try (Statement s = c.createStatement();
                      ResultSet rs = s.executeQuery(SCAN)) {
                    int n = 0;
                    while (rs.next()) {
                      n++;
                    }
                    assertThat(n).isEqualTo(ROWS);
                    return 0;
                  } catch (SQLException e) {
                    assertThat(e.getMessage())
                        .contains("User 'sdb' has exceeded the 'max_concurrent_scans' resource")
                        .contains("shardeddb.router.sql.max-concurrent-scans");
                    assertThat(e.getSQLState()).isEqualTo("42000");
                    return e.getErrorCode();
                  }
                }));
      }
      go.countDown();
      long t0 = System.nanoTime();
      try (Statement s = pointConnection.createStatement();
          ResultSet rs = s.executeQuery("SELECT Stud_name FROM students WHERE Stud_id = 4097")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).isEqualTo("student-4097");
      }
      Duration point = Duration.ofNanos(System.nanoTime() - t0);
      assertThat(point).isLessThan(POINT_BOUND);
      int ran = 0;
      int refused = 0;
      for (Future<Integer> f : outcomes) {
        int code = f.get(3, TimeUnit.MINUTES);
        if (code == 0) {
          ran++;
        } else {
          assertThat(code).isEqualTo(1226);
          refused++;
        }
      }
      assertThat(refused).as("MySQL scans refused by the cap").isPositive();
      assertThat(ran).as("MySQL scans that ran").isPositive();
      // A refused connection stays open and usable.
      try (Statement s = connections.get(0).createStatement();
          ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM students WHERE Stud_id = 10")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getLong(1)).isEqualTo(1);
      }
      System.out.printf(
          "QueryLimitsIT MySQL: %d scans ran, %d refused with ERROR 1226; point SELECT %d ms%n",
          ran, refused, point.toMillis());
    } finally {
      pool.shutdownNow();
      for (Connection c : connections) {
        c.close();
      }
    }
  }
}
