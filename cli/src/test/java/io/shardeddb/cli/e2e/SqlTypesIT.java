package io.shardeddb.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
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
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SQL coordinator seed's users table in local mode (real operator, shard-servers on MariaDB,
 * router): nullable columns, defaults (a literal and CURRENT_TIMESTAMP), JSON documents and
 * DateTimes, written with the seed's double-quoted INSERT over {@code /query} and with
 * Connector/J's server-side prepared statements over the MySQL port, read back by both with the
 * right types.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class SqlTypesIT {
  private static final Duration LONG = Duration.ofMinutes(4);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path home = Path.of(System.getProperty("shardeddb.home", "..")).toAbsolutePath();
  private LocalCluster cluster;
  private LocalCluster.RouterInfo router;
  private HttpClient http;

  @BeforeAll
  void start(@TempDir Path dataDir) {
    cluster = LocalCluster.start(LocalCluster.Options.defaults(home, dataDir));
    String name = cluster.apply(home.resolve("cli/src/test/resources/users.yaml"));
    DatabaseStatus db = new DatabaseStatus(cluster.client(), cluster.namespace(), name);
    router =
        await().atMost(LONG).until(() -> cluster.routerInfo(name).orElse(null), i -> i != null);
    HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
    if (router.tls() != null) {
      b.sslContext(router.tls());
    }
    http = b.build();
    await().atMost(LONG).until(db::isReady);
  }

  @AfterAll
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  record Reply(int status, JsonNode json) {}

  Reply query(String sql) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(router.routerUrl() + "/query"))
            .timeout(Duration.ofSeconds(60))
            .header("Authorization", "Bearer " + router.token())
            .header("Content-Type", "application/json")
            .POST(
                HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of("query", sql))))
            .build();
    HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
    return new Reply(r.statusCode(), JSON.readTree(r.body()));
  }

  Connection mysql() throws SQLException {
    return LocalMysql.data(router, true);
  }

  @Test
  @org.junit.jupiter.api.Order(1)
  void theSeedsInsertFillsNullsAndDefaultsAndBothFrontEndsReadTypedValues() throws Exception {
    LocalDateTime before = LocalDateTime.now(ZoneOffset.UTC).minusSeconds(5);
    // The SQL coordinator seed's README example, verbatim: the id is generated, the rest defaults.
    Reply insert =
        query("INSERT INTO users (name, email) VALUES (\"Alice\", \"alice@example.com\")");
    assertThat(insert.status()).as(String.valueOf(insert.json())).isEqualTo(200);
    assertThat(insert.json().get("rows_affected").asLong()).isEqualTo(1);
    assertThat(insert.json().get("last_insert_id").asLong()).isEqualTo(1);

    Reply select = query("SELECT * FROM users WHERE name = \"Alice\"");
    assertThat(select.status()).as(String.valueOf(select.json())).isEqualTo(200);
    JsonNode alice = select.json().get("data").get(0);
    assertThat(alice.get("email").asText()).isEqualTo("alice@example.com");
    assertThat(alice.get("active").asBoolean()).isTrue();
    assertThat(alice.get("profile").isNull()).isTrue();
    LocalDateTime created = LocalDateTime.parse(alice.get("created_at").asText().replace(' ', 'T'));
    assertThat(created).isAfter(before).isBefore(LocalDateTime.now(ZoneOffset.UTC).plusSeconds(5));

    Reply bad = query("INSERT INTO users (id, profile) VALUES (2, '{\"plan\": ')");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.json().get("message").asText())
        .contains("field 'profile' must be a JSON document");
    assertThat(
            query("SELECT COUNT(*) FROM users").json().get("data").get(0).get("COUNT(*)").asLong())
        .isEqualTo(1);

    try (Connection c = mysql()) {
      try (PreparedStatement ps =
          c.prepareStatement(
              "INSERT INTO users (id, name, active, profile, created_at) VALUES (?, ?, ?, ?, ?)")) {
        ps.setLong(1, 1500);
        ps.setNull(2, Types.VARCHAR);
        ps.setBoolean(3, false);
        ps.setString(4, "{\"plan\": \"pro\", \"seats\": [1, 2]}");
        ps.setTimestamp(
            5, Timestamp.valueOf(LocalDateTime.of(2026, 11, 26, 10, 15, 30, 250_000_000)));
        assertThat(ps.executeUpdate()).isEqualTo(1);
      }
      try (PreparedStatement ps = c.prepareStatement("SELECT * FROM users WHERE id = ?")) {
        ps.setLong(1, 1500);
        try (ResultSet rs = ps.executeQuery()) {
          assertThat(rs.next()).isTrue();
          assertThat(rs.getString("name")).isNull();
          assertThat(rs.getString("email")).isNull();
          assertThat(rs.getBoolean("active")).isFalse();
          assertThat(JSON.readTree(rs.getString("profile")))
              .isEqualTo(JSON.readTree("{\"plan\":\"pro\",\"seats\":[1,2]}"));
          assertThat(rs.getTimestamp("created_at").toLocalDateTime())
              .isEqualTo(LocalDateTime.of(2026, 11, 26, 10, 15, 30, 250_000_000));
          ResultSetMetaData md = rs.getMetaData();
          assertThat(md.getColumnTypeName(md.getColumnCount())).isEqualTo("DATETIME");
          assertThat(md.getColumnTypeName(5)).isEqualTo("JSON");
        }
      }
      assertThatThrownBy(
              () ->
                  c.createStatement()
                      .executeUpdate("INSERT INTO users (id, active) VALUES (3, NULL)"))
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("field 'active' must not be null");
    }
    // A generated id another writer already took (3, given by hand) is skipped, not overwritten:
    // the INSERT is refused whole, the router looks for the largest key again and retries.
    assertThat(query("INSERT INTO users (id, name) VALUES (3, 'Hand')").status()).isEqualTo(200);
    Reply two = query("INSERT INTO users (name) VALUES ('Bob'), ('Carol')");
    assertThat(two.status()).as(String.valueOf(two.json())).isEqualTo(200);
    assertThat(two.json().get("last_insert_id").asLong()).isEqualTo(1501);
    assertThat(
            query("SELECT name FROM users WHERE id = 3")
                .json()
                .get("data")
                .get(0)
                .get("name")
                .asText())
        .isEqualTo("Hand");
    try (Connection c = mysql();
        PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO users (name, email) VALUES (?, ?)",
                java.sql.Statement.RETURN_GENERATED_KEYS)) {
      ps.setString(1, "Dave");
      ps.setString(2, "dave@example.com");
      assertThat(ps.executeUpdate()).isEqualTo(1);
      try (ResultSet keys = ps.getGeneratedKeys()) {
        assertThat(keys.next()).isTrue();
        assertThat(keys.getLong(1)).isEqualTo(1503);
      }
      try (ResultSet last = c.createStatement().executeQuery("SELECT LAST_INSERT_ID()")) {
        assertThat(last.next()).isTrue();
        assertThat(last.getLong(1)).isEqualTo(1503);
      }
    }
    // The assignment's /write has no generated ids: the key is required there.
    HttpRequest write =
        HttpRequest.newBuilder(URI.create(router.routerUrl() + "/write"))
            .timeout(Duration.ofSeconds(60))
            .header("Authorization", "Bearer " + router.token())
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"data\":[{\"name\":\"Eve\"}]}"))
            .build();
    HttpResponse<String> w = http.send(write, HttpResponse.BodyHandlers.ofString());
    assertThat(w.statusCode()).isEqualTo(400);
    assertThat(w.body()).contains("missing field 'id'");
    try (Connection c = mysql();
        ResultSet rs =
            c.createStatement()
                .executeQuery("SELECT id FROM users WHERE id NOT IN (1, 3, 1500) ORDER BY id")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getLong(1)).isEqualTo(1501);
      assertThat(rs.next()).isTrue();
      assertThat(rs.getLong(1)).isEqualTo(1502);
      assertThat(rs.next()).isTrue();
      assertThat(rs.getLong(1)).isEqualTo(1503);
      assertThat(rs.next()).isFalse();
    }
    // The text protocol carries the DateTime the router chose for the seed's row.
    try (Connection c = mysql();
        ResultSet rs =
            c.createStatement().executeQuery("SELECT created_at FROM users WHERE id = 1")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getTimestamp(1).toLocalDateTime()).isEqualTo(created);
    }
  }

  /** The names of {@code ids} as another session ({@code /query}) reads them, by id. */
  private Map<Long, String> namesSeenElsewhere(String ids) throws Exception {
    Reply r = query("SELECT id, name FROM users WHERE id IN (" + ids + ")");
    assertThat(r.status()).as(String.valueOf(r.json())).isEqualTo(200);
    Map<Long, String> out = new java.util.TreeMap<>();
    r.json().get("data").forEach(n -> out.put(n.get("id").asLong(), n.get("name").asText()));
    return out;
  }

  @Test
  @org.junit.jupiter.api.Order(2)
  void aTransactionOnOneShardCommitsAsOneOverRealShardServers() throws Exception {
    String ids = "300, 301, 302, 303, 304, 1902";
    try (Connection c = mysql();
        java.sql.Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      s.executeUpdate("INSERT INTO users (id, name) VALUES (300, 'a'), (301, 'b')");
      s.executeUpdate("UPDATE users SET name = 'a2' WHERE id = 300");
      assertThat(s.executeUpdate("DELETE FROM users WHERE id = 301")).isEqualTo(1);
      try (ResultSet rs =
          s.executeQuery("SELECT id, name FROM users WHERE id >= 300 AND id < 400")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getLong(1) + ":" + rs.getString(2)).isEqualTo("300:a2");
        assertThat(rs.next()).isFalse();
      }
      // Another session sees nothing of it before the COMMIT.
      assertThat(namesSeenElsewhere(ids)).isEmpty();
      c.commit();
      assertThat(namesSeenElsewhere(ids)).containsExactly(Map.entry(300L, "a2"));

      // A second shard inside one transaction is refused; what the transaction held stays.
      s.executeUpdate("INSERT INTO users (id, name) VALUES (302, 'c')");
      assertThatThrownBy(() -> s.executeUpdate("INSERT INTO users (id, name) VALUES (1902, 'x')"))
          .isInstanceOfSatisfying(
              SQLException.class,
              e -> {
                assertThat(e.getErrorCode()).isEqualTo(1235);
                assertThat(e.getMessage()).contains("a transaction changes one shard");
              });
      c.commit();
      assertThat(namesSeenElsewhere(ids))
          .containsExactly(Map.entry(300L, "a2"), Map.entry(302L, "c"));

      // ROLLBACK writes nothing.
      s.executeUpdate("INSERT INTO users (id, name) VALUES (303, 'd')");
      c.rollback();
      assertThat(namesSeenElsewhere(ids)).doesNotContainKey(303L);

      // A row deleted by another session since this one read it: the COMMIT fails whole, 1213.
      s.executeUpdate("UPDATE users SET name = 'a3' WHERE id = 300");
      s.executeUpdate("INSERT INTO users (id, name) VALUES (304, 'e')");
      assertThat(query("DELETE FROM users WHERE id = 300").status()).isEqualTo(200);
      assertThatThrownBy(c::commit)
          .isInstanceOfSatisfying(
              SQLException.class,
              e -> {
                assertThat(e.getErrorCode()).isEqualTo(1213);
                assertThat(e.getSQLState()).isEqualTo("40001");
              });
      assertThat(namesSeenElsewhere(ids)).containsExactly(Map.entry(302L, "c"));
    }
  }
}
