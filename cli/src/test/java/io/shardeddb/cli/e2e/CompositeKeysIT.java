package io.shardeddb.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.shardeddb.api.ShardedDatabaseResources;
import io.shardeddb.local.LocalCluster;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
  private static final ObjectMapper JSON = new ObjectMapper();

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

  Connection mysql(String user, String password) throws SQLException {
    String url =
        "jdbc:mysql://"
            + router.mysqlHost()
            + ":"
            + ShardedDatabaseResources.ROUTER_MYSQL_PORT
            + "/"
            + router.database()
            + "?connectTimeout=10000&socketTimeout=180000&useServerPrepStmts=true"
            + "&rewriteBatchedStatements=false"
            + (router.tls() != null ? "&sslMode=REQUIRED" : "&sslMode=DISABLED");
    return DriverManager.getConnection(url, user, password);
  }

  @Test
  void aTableWithACompositeKeyIsWrittenReadChangedJoinedAndSplitBySql() throws Exception {
    await().atMost(LONG).until(db::isReady);
    await()
        .atMost(LONG)
        .ignoreExceptions()
        .until(
            () -> {
              try (Connection c =
                      mysql(ShardedDatabaseResources.ROUTER_MYSQL_ADMIN_USER, router.adminToken());
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
    try (Connection c = mysql(ShardedDatabaseResources.ROUTER_MYSQL_DATA_USER, router.token())) {
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
      assertThat(column(c, "SELECT COUNT(*) FROM orders")).containsExactly("90");
      assertThat(column(c, "SELECT order_no FROM orders WHERE user_id = 1750 ORDER BY order_no"))
          .containsExactly("1", "2", "3");
      assertThat(column(c, "SELECT item FROM orders WHERE user_id = 1750 AND order_no = 2"))
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
      assertThat(column(c, "SELECT qty FROM orders WHERE user_id = 1750 ORDER BY order_no"))
          .containsExactly("1", "5", "1", "1");
      assertThat(column(c, "SELECT qty FROM orders WHERE user_id = 2000")).containsOnly("2");
      assertThat(column(c, "SELECT order_no FROM orders WHERE user_id = 2250 ORDER BY order_no"))
          .containsExactly("2", "3");

      // One user's orders in one transaction (one shard): all of it or nothing.
      c.setAutoCommit(false);
      try (Statement st = c.createStatement()) {
        st.executeUpdate("INSERT INTO orders (user_id, order_no, item) VALUES (2500, 4, 'txn')");
        st.executeUpdate("UPDATE orders SET qty = 3 WHERE user_id = 2500 AND order_no = 1");
        assertThat(column(c, "SELECT COUNT(*) FROM orders WHERE user_id = 2500"))
            .containsExactly("4");
        c.rollback();
        assertThat(column(c, "SELECT COUNT(*) FROM orders WHERE user_id = 2500"))
            .containsExactly("3");
        st.executeUpdate("INSERT INTO orders (user_id, order_no, item) VALUES (2500, 4, 'txn')");
        st.executeUpdate("UPDATE orders SET qty = 3 WHERE user_id = 2500 AND order_no = 1");
        c.commit();
      }
      c.setAutoCommit(true);
      assertThat(column(c, "SELECT qty FROM orders WHERE user_id = 2500 ORDER BY order_no"))
          .containsExactly("3", "1", "1", "1");

      // A user and its orders: same shard key, joined on each shard.
      assertThat(
              column(
                  c,
                  "SELECT o.item FROM users u JOIN orders o ON u.id = o.user_id"
                      + " WHERE u.id = 1750 ORDER BY o.order_no"))
          .containsExactly("item 7-1", "item 7-2", "item 7-3", "more");
    }

    List<String> before;
    try (Connection c = mysql(ShardedDatabaseResources.ROUTER_MYSQL_DATA_USER, router.token())) {
      before = rows(c);
    }
    assertThat(before).hasSize(91);
    patchShards(List.of(shard("sh1", 0, 4096), shard("sh2", 4096, 4096)));
    await().atMost(Duration.ofMinutes(10)).until(() -> published().size() == 2 && db.isReady());
    try (Connection c = mysql(ShardedDatabaseResources.ROUTER_MYSQL_DATA_USER, router.token())) {
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
      assertThat(column(c, "SELECT qty FROM orders WHERE user_id = 5000 ORDER BY order_no"))
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

  private static List<String> column(Connection c, String sql) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private List<String> published() {
    Map<String, Object> applied = (Map<String, Object>) db.status().get("applied");
    if (applied == null || !(applied.get("shards") instanceof List<?> shards)) {
      return List.of();
    }
    List<String> ids = new ArrayList<>();
    for (Object s : shards) {
      ids.add(String.valueOf(((Map<String, Object>) s).get("id")));
    }
    return ids;
  }

  private static Map<String, Object> shard(String id, long low, long size) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("id", id);
    s.put("low", low);
    s.put("size", size);
    return s;
  }

  private void patchShards(List<Map<String, Object>> shards) throws Exception {
    String patch =
        JSON.writeValueAsString(
            List.of(Map.of("op", "replace", "path", "/spec/shards", "value", shards)));
    cluster
        .client()
        .genericKubernetesResources("shardeddb.io/v1alpha1", "ShardedDatabase")
        .inNamespace(cluster.namespace())
        .withName(name)
        .patch(PatchContext.of(PatchType.JSON), patch);
  }
}
