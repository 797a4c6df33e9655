package io.shardeddb.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.shardeddb.local.LocalCluster;
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
 * Composite primary keys in local mode (real operator, shard-servers on MariaDB, router;
 * docs/sql.md, "Composite primary keys"), driven by MySQL Connector/J: {@code CREATE TABLE orders
 * (..., PRIMARY KEY (user_id, order_no))} beside a users table; many orders per user written in a
 * batch, read by user and by whole key, a duplicate of the whole key answers 1062 while another
 * order of the same user is taken, updates and deletes by the whole key and by the user, a key
 * column refused in SET, a transaction of one user's orders, a join of users and their orders, and
 * a split that moves every user's orders with the user, each row still there and changeable after.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CompositeKeysIT {
  private static final Duration LONG = Duration.ofMinutes(4);

  private final Path home = Path.of(System.getProperty("shardeddb.home", "..")).toAbsolutePath();
  private LocalCluster cluster;
  private LocalCluster.RouterInfo router;
  private DatabaseStatus db;
  private String name;

  @BeforeAll
  void start(@TempDir Path dataDir) {
    cluster = LocalCluster.start(LocalCluster.Options.defaults(home, dataDir));
    name = cluster.apply(home.resolve("cli/src/test/resources/orders-composite.yaml"));
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
  void aTableWithACompositeKeyIsWrittenReadChangedJoinedAndSplitBySql() throws Exception {
    await().atMost(LONG).until(db::isReady);
    await()
        .atMost(LONG)
        .ignoreExceptions()
        .until(
            () -> {
              try (Connection c = LocalMysql.admin(router);
                  Statement st = c.createStatement()) {
                st.execute(
                    "CREATE TABLE IF NOT EXISTS orders (user_id BIGINT NOT NULL, order_no INT NOT"
                        + " NULL, item VARCHAR(40), qty INT DEFAULT 1,"
                        + " PRIMARY KEY (user_id, order_no))");
              }
              return true;
            });
    await().atMost(LONG).until(db::isReady);

    // 30 users (ids 0, 250, .., 7250), three orders each, in one batch.
    try (Connection c = LocalMysql.data(router, true)) {
      try (PreparedStatement ps =
          c.prepareStatement("INSERT INTO users (id, name) VALUES (?, ?)")) {
        for (int u = 0; u < 30; u++) {
          ps.setLong(1, u * 250L);
          ps.setString(2, "user " + u);
          ps.addBatch();
        }
        assertThat(ps.executeBatch()).hasSize(30);
      }
      try (PreparedStatement ps =
          c.prepareStatement("INSERT INTO orders (user_id, order_no, item) VALUES (?, ?, ?)")) {
        for (int u = 0; u < 30; u++) {
          for (int o = 1; o <= 3; o++) {
            ps.setLong(1, u * 250L);
            ps.setInt(2, o);
            ps.setString(3, "item " + u + "-" + o);
            ps.addBatch();
          }
        }
        assertThat(ps.executeBatch()).hasSize(90);
      }
      assertThat(LocalMysql.column(c, "SELECT COUNT(*) FROM orders")).containsExactly("90");
      assertThat(
              LocalMysql.column(
                  c, "SELECT order_no FROM orders WHERE user_id = 1750 ORDER BY order_no"))
          .containsExactly("1", "2", "3");
      assertThat(
              LocalMysql.column(c, "SELECT item FROM orders WHERE user_id = 1750 AND order_no = 2"))
          .containsExactly("item 7-2");
      try (Statement st = c.createStatement()) {
        // The whole key is the row's identity: (1750, 2) is taken, (1750, 4) is another row.
        assertThatThrownBy(
                () ->
                    st.executeUpdate(
                        "INSERT INTO orders (user_id, order_no, item) VALUES (1750, 2, 'again')"))
            .isInstanceOf(SQLException.class)
            .satisfies(e -> assertThat(((SQLException) e).getErrorCode()).isEqualTo(1062));
        assertThat(
                st.executeUpdate(
                    "INSERT INTO orders (user_id, order_no, item) VALUES (1750, 4, 'more')"))
            .isEqualTo(1);
        assertThat(
                st.executeUpdate("UPDATE orders SET qty = 5 WHERE user_id = 1750 AND order_no = 2"))
            .isEqualTo(1);
        assertThat(st.executeUpdate("UPDATE orders SET qty = 2 WHERE user_id = 2000")).isEqualTo(3);
        assertThat(st.executeUpdate("DELETE FROM orders WHERE user_id = 2250 AND order_no = 1"))
            .isEqualTo(1);
        assertThat(st.executeUpdate("DELETE FROM orders WHERE user_id = 2250 AND order_no = 1"))
            .isZero();
        assertThatThrownBy(
                () -> st.executeUpdate("UPDATE orders SET order_no = 9 WHERE user_id = 1750"))
            .isInstanceOf(SQLException.class)
            .hasMessageContaining("primary key");
      }
      assertThat(
              LocalMysql.column(c, "SELECT qty FROM orders WHERE user_id = 1750 ORDER BY order_no"))
          .containsExactly("1", "5", "1", "1");
      assertThat(LocalMysql.column(c, "SELECT qty FROM orders WHERE user_id = 2000"))
          .containsOnly("2");
      assertThat(
              LocalMysql.column(
                  c, "SELECT order_no FROM orders WHERE user_id = 2250 ORDER BY order_no"))
          .containsExactly("2", "3");

      // One user's orders in one transaction (one shard): all of it or nothing.
      c.setAutoCommit(false);
      try (Statement st = c.createStatement()) {
        st.executeUpdate("INSERT INTO orders (user_id, order_no, item) VALUES (2500, 4, 'txn')");
        st.executeUpdate("UPDATE orders SET qty = 3 WHERE user_id = 2500 AND order_no = 1");
        assertThat(LocalMysql.column(c, "SELECT COUNT(*) FROM orders WHERE user_id = 2500"))
            .containsExactly("4");
        c.rollback();
        assertThat(LocalMysql.column(c, "SELECT COUNT(*) FROM orders WHERE user_id = 2500"))
            .containsExactly("3");
        st.executeUpdate("INSERT INTO orders (user_id, order_no, item) VALUES (2500, 4, 'txn')");
        st.executeUpdate("UPDATE orders SET qty = 3 WHERE user_id = 2500 AND order_no = 1");
        c.commit();
      }
      c.setAutoCommit(true);
      assertThat(
              LocalMysql.column(c, "SELECT qty FROM orders WHERE user_id = 2500 ORDER BY order_no"))
          .containsExactly("3", "1", "1", "1");

      // A user and its orders: same shard key, joined on each shard.
      assertThat(
              LocalMysql.column(
                  c,
                  "SELECT o.item FROM users u JOIN orders o ON u.id = o.user_id"
                      + " WHERE u.id = 1750 ORDER BY o.order_no"))
          .containsExactly("item 7-1", "item 7-2", "item 7-3", "more");
    }

    List<String> before;
    try (Connection c = LocalMysql.data(router, true)) {
      before = rows(c);
    }
    assertThat(before).hasSize(91);
    db.patchShards(
        List.of(DatabaseStatus.shard("sh1", 0, 4096), DatabaseStatus.shard("sh2", 4096, 4096)));
    await()
        .atMost(Duration.ofMinutes(10))
        .until(() -> db.publishedShards().size() == 2 && db.isReady());
    try (Connection c = LocalMysql.data(router, true)) {
      await()
          .atMost(LONG)
          .ignoreExceptions()
          .untilAsserted(() -> assertThat(rows(c)).containsExactlyElementsOf(before));
      // A moved user's orders, changed by the whole key at their new shard.
      try (Statement st = c.createStatement()) {
        assertThat(
                st.executeUpdate("UPDATE orders SET qty = 8 WHERE user_id = 5000 AND order_no = 3"))
            .isEqualTo(1);
        assertThat(st.executeUpdate("DELETE FROM orders WHERE user_id = 5000 AND order_no = 1"))
            .isEqualTo(1);
      }
      assertThat(
              LocalMysql.column(c, "SELECT qty FROM orders WHERE user_id = 5000 ORDER BY order_no"))
          .containsExactly("1", "8");
    }
  }

  /** Every order as {@code user/order/item/qty}, in key order. */
  private static List<String> rows(Connection c) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT user_id, order_no, item, qty FROM orders ORDER BY user_id, order_no")) {
      while (rs.next()) {
        out.add(rs.getLong(1) + "/" + rs.getInt(2) + "/" + rs.getString(3) + "/" + rs.getInt(4));
      }
    }
    return out;
  }
}
