package io.shardeddb.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shardeddb.api.ShardedDatabaseResources;
import io.shardeddb.local.LocalCluster;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code CREATE TABLE} in local mode (real operator, shard-servers on MariaDB, router; docs/sql.md,
 * "Creating the table"): a database applied without a table gets the SQL coordinator seed's {@code
 * users} table from a {@code CREATE TABLE} sent over the MySQL port by the admin user (what a
 * migration tool does); the seed's example statements then run verbatim on {@code /query} — an
 * INSERT that leaves the generated id and the {@code created_at} default out, with double-quoted
 * strings — and a second table is refused naming the limit.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CreateTableIT {
  private static final Duration LONG = Duration.ofMinutes(4);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path home = Path.of(System.getProperty("shardeddb.home", "..")).toAbsolutePath();
  private LocalCluster cluster;
  private LocalCluster.RouterInfo router;
  private HttpClient http;
  private DatabaseStatus db;

  @BeforeAll
  void start(@TempDir Path dataDir) {
    cluster = LocalCluster.start(LocalCluster.Options.defaults(home, dataDir));
    String name = cluster.apply(home.resolve("cli/src/test/resources/users-empty.yaml"));
    db = new DatabaseStatus(cluster.client(), cluster.namespace(), name);
    router =
        await().atMost(LONG).until(() -> cluster.routerInfo(name).orElse(null), i -> i != null);
    HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
    if (router.tls() != null) {
      b.sslContext(router.tls());
    }
    http = b.build();
  }

  @AfterAll
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  record Reply(int status, JsonNode json) {}

  Reply query(String sql, String token) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(router.routerUrl() + "/query"))
            .timeout(Duration.ofSeconds(180))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json")
            .POST(
                HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of("query", sql))))
            .build();
    HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
    return new Reply(r.statusCode(), JSON.readTree(r.body()));
  }

  Connection mysqlAdmin() throws java.sql.SQLException {
    String url =
        "jdbc:mysql://"
            + router.mysqlHost()
            + ":"
            + ShardedDatabaseResources.ROUTER_MYSQL_PORT
            + "/"
            + router.database()
            + "?connectTimeout=10000&socketTimeout=180000"
            + (router.tls() != null ? "&sslMode=REQUIRED" : "&sslMode=DISABLED");
    return DriverManager.getConnection(
        url, ShardedDatabaseResources.ROUTER_MYSQL_ADMIN_USER, router.adminToken());
  }

  @Test
  void theSeedsUsersTableIsCreatedBySqlAndItsExamplesRunVerbatim() throws Exception {
    // No table yet: a read says how to get one.
    await()
        .atMost(LONG)
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              Reply none = query("SELECT * FROM users", router.token());
              assertThat(none.status()).isEqualTo(409);
              assertThat(none.json().get("message").asText()).contains("CREATE TABLE");
            });
    Reply denied = query("CREATE TABLE users (id INT AUTO_INCREMENT PRIMARY KEY)", router.token());
    assertThat(denied.status()).isEqualTo(403);
    assertThat(denied.json().get("message").asText()).contains("needs the admin credential");

    try (Connection c = mysqlAdmin();
        Statement st = c.createStatement()) {
      st.execute(
          "CREATE TABLE users (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(100) NOT NULL,"
              + " email VARCHAR(100), created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,"
              + " INDEX by_email (email))");
    }
    assertThat(String.valueOf(db.status().get("applied"))).contains("users").contains("by_email");
    await().atMost(LONG).until(db::isReady);

    // The seed's examples, verbatim.
    Reply alice =
        query(
            "INSERT INTO users (name, email) VALUES (\"Alice\", \"alice@example.com\")",
            router.token());
    assertThat(alice.status()).as(String.valueOf(alice.json())).isEqualTo(200);
    assertThat(alice.json().get("message").asText()).startsWith("Write successful");
    Reply bob =
        query(
            "INSERT INTO users (name, email) VALUES (\"Bob\", \"bob@example.com\")",
            router.token());
    assertThat(bob.status()).as(String.valueOf(bob.json())).isEqualTo(200);
    Reply all = query("SELECT * FROM users", router.token());
    assertThat(all.status()).as(String.valueOf(all.json())).isEqualTo(200);
    assertThat(all.json().get("message").asText()).isEqualTo("Read successful");
    assertThat(all.json().get("data")).hasSize(2);
    JsonNode first = query("SELECT * FROM users WHERE name = 'Alice'", router.token()).json();
    JsonNode row = first.get("data").get(0);
    assertThat(row.get("email").asText()).isEqualTo("alice@example.com");
    assertThat(row.get("created_at").isNull()).isFalse();
    long id = row.get("id").asLong();
    Reply updated =
        query("UPDATE users SET email = \"alice@new.example\" WHERE id = " + id, router.token());
    assertThat(updated.status()).as(String.valueOf(updated.json())).isEqualTo(200);
    assertThat(
            query("SELECT email FROM users WHERE id = " + id, router.token())
                .json()
                .get("data")
                .get(0)
                .get("email")
                .asText())
        .isEqualTo("alice@new.example");

    // The same table again with IF NOT EXISTS changes nothing; another table (MoreTablesIT) needs
    // the admin credential too.
    Reply again =
        query("CREATE TABLE IF NOT EXISTS users (id INT PRIMARY KEY)", router.adminToken());
    assertThat(again.status()).as(String.valueOf(again.json())).isEqualTo(200);
    Reply second = query("CREATE TABLE orders (id INT PRIMARY KEY)", router.token());
    assertThat(second.status()).isEqualTo(403);
    assertThat(second.json().get("message").asText()).contains("admin credential");
  }
}
