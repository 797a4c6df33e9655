package io.shardeddb.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shardeddb.cli.testing.CliRun;
import io.shardeddb.local.LocalCluster;
import io.shardeddb.protocol.schema.ShardKeys;
import io.shardeddb.protocol.topology.Sharding;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * String shard keys in local mode (real operator, shard-servers on MariaDB, router; docs/sql.md,
 * "String shard keys"), driven by MySQL Connector/J as an application would: a table whose primary
 * key is a {@code VARCHAR} is created by SQL on a Hash-sharded database, written, read in key
 * order, filtered, updated and deleted by its key, a duplicate key answers MySQL's 1062, and a
 * split moves its rows online with every row still there and right afterwards; then {@code
 * kubectl-sdb update}, {@code find} and {@code delete} act on a row by a hostile String key.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StringKeysIT {
  private static final Duration LONG = Duration.ofMinutes(4);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path home = Path.of(System.getProperty("shardeddb.home", "..")).toAbsolutePath();
  private LocalCluster cluster;
  private LocalCluster.RouterInfo router;
  private DatabaseStatus db;
  private String name;

  @BeforeAll
  void start(@TempDir Path dataDir) {
    cluster = LocalCluster.start(LocalCluster.Options.defaults(home, dataDir));
    name = cluster.apply(home.resolve("cli/src/test/resources/accounts-empty.yaml"));
    db = new DatabaseStatus(cluster.client(), cluster.namespace(), name);
    router =
        await().atMost(LONG).until(() -> cluster.routerInfo(name).orElse(null), i -> i != null);
  }

  @AfterAll
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void aTableKeyedByAStringIsWrittenReadChangedAndSplitBySql() throws Exception {
    await()
        .atMost(LONG)
        .ignoreExceptions()
        .until(
            () -> {
              try (Connection c = LocalMysql.admin(router)) {
                try (Statement st = c.createStatement()) {
                  st.execute(
                      // IF NOT EXISTS: a try whose answer timed out may have made it already.
                      "CREATE TABLE IF NOT EXISTS accounts (username VARCHAR(64) PRIMARY KEY,"
                          + " profile JSON,"
                          + " visits INT DEFAULT 0, INDEX by_visits (visits))");
                }
              }
              return true;
            });
    await().atMost(LONG).until(db::isReady);

    List<String> names = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      names.add(i % 7 == 0 ? "usér-" + i + "-😀" : "user-" + i);
    }
    try (Connection c = LocalMysql.data(router, true)) {
      try (PreparedStatement ps =
          c.prepareStatement("INSERT INTO accounts (username, profile) VALUES (?, ?)")) {
        for (String n : names) {
          ps.setString(1, n);
          ps.setString(2, "{\"city\": \"" + (n.hashCode() % 2 == 0 ? "Oslo" : "Lima") + "\"}");
          assertThat(ps.executeUpdate()).as(n).isEqualTo(1);
        }
      }
      // Every row, in the order MySQL's binary collation gives (code points).
      List<String> sorted = new ArrayList<>(names);
      sorted.sort(ShardKeys.ORDER);
      assertThat(LocalMysql.column(c, "SELECT username FROM accounts ORDER BY username"))
          .containsExactlyElementsOf(sorted);
      assertThat(LocalMysql.column(c, "SELECT COUNT(*) FROM accounts")).containsExactly("60");

      // One row by its key, its defaults and its document.
      try (PreparedStatement ps =
          c.prepareStatement("SELECT visits, profile FROM accounts WHERE username = ?")) {
        ps.setString(1, "usér-14-😀");
        try (ResultSet rs = ps.executeQuery()) {
          assertThat(rs.next()).isTrue();
          assertThat(rs.getLong("visits")).isZero();
          assertThat(JSON.readTree(rs.getString("profile")).get("city").asText())
              .isIn("Oslo", "Lima");
          assertThat(rs.next()).isFalse();
        }
      }
      long oslo = names.stream().filter(n -> n.hashCode() % 2 == 0).count();
      assertThat(
              LocalMysql.column(
                  c, "SELECT COUNT(*) FROM accounts WHERE profile->>'$.city' = 'Oslo'"))
          .containsExactly(String.valueOf(oslo));

      try (Statement st = c.createStatement()) {
        assertThat(st.executeUpdate("UPDATE accounts SET visits = 7 WHERE username = 'user-3'"))
            .isEqualTo(1);
        assertThat(st.executeUpdate("DELETE FROM accounts WHERE username = 'user-4'")).isEqualTo(1);
        assertThat(st.executeUpdate("DELETE FROM accounts WHERE username = 'nobody'")).isZero();
        // A key differs from another by case: both are kept (keys compare exactly).
        assertThat(st.executeUpdate("INSERT INTO accounts (username) VALUES ('USER-5')"))
            .isEqualTo(1);
        assertThatThrownBy(
                () -> st.executeUpdate("INSERT INTO accounts (username) VALUES ('user-5')"))
            .isInstanceOf(SQLException.class)
            .satisfies(e -> assertThat(((SQLException) e).getErrorCode()).isEqualTo(1062));
      }
      assertThat(LocalMysql.column(c, "SELECT visits FROM accounts WHERE username = 'user-3'"))
          .containsExactly("7");
      assertThat(LocalMysql.column(c, "SELECT username FROM accounts WHERE username = 'user-4'"))
          .isEmpty();
    }
    names.remove("user-4");
    names.add("USER-5");

    // A transaction (autocommit off, as ORMs run) on one shard's String keys: its reads see its
    // own changes, a rollback leaves nothing, a commit applies all of them at once.
    String mate = sameShardAs("user-3", names);
    try (Connection c = LocalMysql.data(router, true)) {
      c.setAutoCommit(false);
      try (Statement st = c.createStatement()) {
        st.executeUpdate("UPDATE accounts SET visits = 8 WHERE username = 'user-3'");
        st.executeUpdate("DELETE FROM accounts WHERE username = '" + mate + "'");
        assertThat(LocalMysql.column(c, "SELECT visits FROM accounts WHERE username = 'user-3'"))
            .containsExactly("8");
        c.rollback();
        st.executeUpdate("UPDATE accounts SET visits = 9 WHERE username = 'user-3'");
        st.executeUpdate("DELETE FROM accounts WHERE username = '" + mate + "'");
        c.commit();
      }
      c.setAutoCommit(true);
      assertThat(LocalMysql.column(c, "SELECT visits FROM accounts WHERE username = 'user-3'"))
          .containsExactly("9");
      assertThat(
              LocalMysql.column(c, "SELECT username FROM accounts WHERE username = '" + mate + "'"))
          .isEmpty();
    }
    names.remove(mate);

    // Split sh1 (the lower half of the hash space) online: its rows move by their keys' hashes.
    long quarter = Sharding.HASH_SPACE / 4;
    db.patchShards(
        List.of(
            DatabaseStatus.shard("sh1", 0, quarter),
            DatabaseStatus.shard("sh3", quarter, quarter),
            DatabaseStatus.shard("sh2", 2 * quarter, 2 * quarter)));
    await()
        .atMost(Duration.ofMinutes(10))
        .until(() -> db.publishedShards().size() == 3 && db.isReady());
    assertThat(db.publishedShards()).containsExactlyInAnyOrder("sh1", "sh2", "sh3");
    try (Connection c = LocalMysql.data(router, true)) {
      List<String> sorted = new ArrayList<>(names);
      sorted.sort(ShardKeys.ORDER);
      await()
          .atMost(LONG)
          .ignoreExceptions()
          .untilAsserted(
              () ->
                  assertThat(
                          LocalMysql.column(c, "SELECT username FROM accounts ORDER BY username"))
                      .containsExactlyElementsOf(sorted));
      assertThat(LocalMysql.column(c, "SELECT visits FROM accounts WHERE username = 'user-3'"))
          .containsExactly("9");
      // Keys of the moved quarter are written and changed at their new shard.
      String moved =
          names.stream()
              .filter(n -> Sharding.hash(n) >= quarter && Sharding.hash(n) < 2 * quarter)
              .findFirst()
              .orElseThrow();
      try (Statement st = c.createStatement()) {
        assertThat(
                st.executeUpdate(
                    "UPDATE accounts SET visits = 9 WHERE username = '"
                        + moved.replace("'", "''")
                        + "'"))
            .isEqualTo(1);
      }
      assertThat(
              LocalMysql.column(
                  c,
                  "SELECT visits FROM accounts WHERE username = '"
                      + moved.replace("'", "''")
                      + "'"))
          .containsExactly("9");
    }

    // The CLI's data verbs by a String key, taken exactly as written (docs/local-mode.md).
    String kubeconfig = cluster.kubeconfig().toString();
    String odd = "o'brien\\ \"; DROP TABLE accounts; -- usér-😀";
    try (Connection c = LocalMysql.data(router, true);
        PreparedStatement ps = c.prepareStatement("INSERT INTO accounts (username) VALUES (?)")) {
      ps.setString(1, odd);
      assertThat(ps.executeUpdate()).isEqualTo(1);
    }
    CliRun updated = CliRun.cli("update", name, odd, "{\"visits\": 5}", "--kubeconfig", kubeconfig);
    assertThat(updated.code()).as(updated.err()).isZero();
    assertThat(updated.out()).startsWith("Data entry for username: " + odd + " updated");
    CliRun found = CliRun.cli("find", name, odd, "-o", "json", "--kubeconfig", kubeconfig);
    assertThat(found.code()).as(found.err()).isZero();
    JsonNode rows = JSON.readTree(found.out()).get("data");
    assertThat(rows).hasSize(1);
    assertThat(rows.get(0).get("username").asText()).isEqualTo(odd);
    assertThat(rows.get(0).get("visits").asLong()).isEqualTo(5);
    CliRun range =
        CliRun.cli("find", name, "user-1", "user-2", "-o", "json", "--kubeconfig", kubeconfig);
    assertThat(range.code()).as(range.err()).isZero();
    List<String> inRange = new ArrayList<>();
    JSON.readTree(range.out()).get("data").forEach(r -> inRange.add(r.get("username").asText()));
    try (Connection c = LocalMysql.data(router, true)) {
      assertThat(inRange)
          .hasSizeGreaterThan(1)
          .containsExactlyElementsOf(
              LocalMysql.column(
                  c, "SELECT username FROM accounts WHERE username BETWEEN 'user-1' AND 'user-2'"));
    }
    CliRun deleted = CliRun.cli("delete", name, odd, "--kubeconfig", kubeconfig);
    assertThat(deleted.code()).as(deleted.err()).isZero();
    assertThat(deleted.out())
        .startsWith("Data entry with username:" + odd + " removed from all replicas");
    try (Connection c = LocalMysql.data(router, true);
        PreparedStatement ps =
            c.prepareStatement("SELECT username FROM accounts WHERE username = ?")) {
      ps.setString(1, odd);
      try (ResultSet rs = ps.executeQuery()) {
        assertThat(rs.next()).isFalse();
      }
    }
  }

  /** Another of {@code names} whose hash lies in the same half of the hash space as {@code key}. */
  private static String sameShardAs(String key, List<String> names) {
    long half = Sharding.HASH_SPACE / 2;
    boolean low = Sharding.hash(key) < half;
    return names.stream()
        .filter(n -> !n.equals(key) && (Sharding.hash(n) < half) == low)
        .findFirst()
        .orElseThrow();
  }
}
