package io.shardeddb.shardserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.shardeddb.protocol.shard.RoleRequest;
import io.shardeddb.protocol.topology.Role;
import io.shardeddb.protocol.topology.WriteQuorum;
import io.shardeddb.shardserver.storage.DatabaseNames;
import io.shardeddb.shardserver.storage.EmbeddedMariaDb;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A {@code /read} with {@code timeoutMs} (the router's statement deadline, time left): its SQL is
 * bounded by it inside MySQL and stopped when it passes, answered 504 with a message naming the
 * deadline, not left running (security review 2026-11-26 #7: a scan the router abandoned kept the
 * shard's MySQL busy). The slow statement is made by another session holding {@code LOCK TABLES ...
 * WRITE} on the user's table, so the read's SELECT waits inside MariaDB for as long as the lock is
 * held — as a long scan runs for as long as it takes. One replica (the primary of a one-replica
 * shard) over real HTTP and a real MariaDB.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReadDeadlineTest {
  private static final String CONFIG =
      """
      {"schema":{"columns":["id","name","marks"],"dtypes":["Number","String","Number"]},
       "shards":["sh1"], "table":"people", "shardKey":"id", "low":0, "size":1000}
      """;

  private Replica server;
  private String url;

  @BeforeAll
  void start() {
    server = Replica.start("Deadline0", "deadline_" + UUID.randomUUID().toString().substring(0, 8));
    url = server.url();
    assertThat(Http.post(url + "/config", CONFIG).status()).isEqualTo(200);
    RoleRequest role =
        new RoleRequest(
            1, Role.Primary, server.peer(), List.of(server.peer()), WriteQuorum.Majority, 1);
    Http.Reply r = Http.post(url + "/role", Http.json(role));
    assertThat(r.status()).as(r.raw()).isEqualTo(200);
    Http.Reply w =
        Http.post(
            url + "/write",
            """
            {"shard":"sh1","data":[{"id":1,"name":"ada","marks":90},
              {"id":2,"name":"lin","marks":40},{"id":3,"name":"bo","marks":70}]}
            """);
    assertThat(w.status()).as(w.raw()).isEqualTo(200);
  }

  @AfterAll
  void stop() {
    server.close();
  }

  private static String scan(String extra) {
    return "{\"shard\":\"sh1\",\"id\":{\"low\":0,\"high\":999},"
        + "\"filter\":{\"op\":\">=\",\"column\":\"marks\",\"values\":[0]}"
        + extra
        + "}";
  }

  @Test
  void aReadPastItsDeadlineIsStoppedInMySqlAndAnswered504NamingTheDeadline() throws Exception {
    try (Connection lock = lockTable()) {
      for (String extra : List.of(",\"timeoutMs\":700", ",\"timeoutMs\":700,\"count\":true")) {
        long start = System.nanoTime();
        Http.Reply r = Http.post(url + "/read", scan(extra));
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(r.status()).as(r.raw()).isEqualTo(504);
        assertThat(r.json().path("status").asText()).isEqualTo("failure");
        assertThat(r.message())
            .contains("ran past the deadline its caller gave (timeoutMs 700 ms")
            .contains("its SQL was stopped in MySQL")
            .doesNotContain("Exception");
        assertThat(took)
            .as("answered at its deadline")
            .isBetween(Duration.ofMillis(650), Duration.ofSeconds(5));
        // Stopped inside MariaDB, not only abandoned by the server: no SELECT of the read is left.
        await()
            .atMost(Duration.ofSeconds(2))
            .untilAsserted(() -> assertThat(readsOfTheTableRunning()).isEmpty());
      }

      // Without a deadline the same read waits for the lock (what a scan the router abandoned did
      // before): the deadline is what stopped the reads above.
      CompletableFuture<HttpResponse<String>> unbounded = send(scan(""));
      Thread.sleep(1500);
      assertThat(unbounded).isNotDone();
      assertThat(readsOfTheTableRunning()).hasSize(1);
      try (Statement st = lock.createStatement()) {
        st.execute("UNLOCK TABLES");
      }
      HttpResponse<String> done = unbounded.get(10, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
    }
    // A deadline that leaves time: the rows.
    Http.Reply ok = Http.post(url + "/read", scan(",\"timeoutMs\":5000"));
    assertThat(ok.status()).as(ok.raw()).isEqualTo(200);
    assertThat(ok.json().get("data")).hasSize(3);
  }

  @Test
  void aDeadlineThatIsNotAPositiveNumberIsA400NamingTheField() {
    for (String bad : List.of("0", "-5", "\"soon\"")) {
      Http.Reply r = Http.post(url + "/read", scan(",\"timeoutMs\":" + bad));
      assertThat(r.status()).as(bad + " -> " + r.raw()).isEqualTo(400);
      assertThat(r.message()).contains("timeoutMs");
    }
  }

  /** A session of its own holding a write lock on the replica's user table. */
  private Connection lockTable() throws Exception {
    EmbeddedMariaDb db = SharedMariaDb.get();
    Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
    try (Statement st = c.createStatement()) {
      st.execute("LOCK TABLES " + table() + " WRITE");
    }
    return c;
  }

  private String table() {
    return "`" + server.database + "`.`" + DatabaseNames.userTable("people") + "`";
  }

  /** The statements of other sessions now running on the user's table (from the process list). */
  private List<String> readsOfTheTableRunning() throws Exception {
    EmbeddedMariaDb db = SharedMariaDb.get();
    try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT INFO FROM information_schema.PROCESSLIST"
                    + " WHERE ID <> CONNECTION_ID() AND COMMAND = 'Query' AND INFO LIKE ?")) {
      ps.setString(1, "%" + DatabaseNames.userTable("people") + "%");
      List<String> out = new java.util.ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
      return out;
    }
  }

  private CompletableFuture<HttpResponse<String>> send(String body) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(url + "/read"))
            .header("Content-Type", "application/json")
            .header("Authorization", "Bearer " + Http.TOKEN)
            .timeout(Duration.ofSeconds(30))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    return HttpClient.newHttpClient().sendAsync(request, HttpResponse.BodyHandlers.ofString());
  }
}
