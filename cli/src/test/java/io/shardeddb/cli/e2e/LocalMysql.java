package io.shardeddb.cli.e2e;

import io.shardeddb.api.ShardedDatabaseResources;
import io.shardeddb.local.LocalCluster;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * MySQL Connector/J connections to a local-mode router's MySQL port, as an application opens them
 * (TLS when the database has it), and reading a column back: what the SQL ITs share.
 */
final class LocalMysql {
  private LocalMysql() {}

  /**
   * A connection as {@code user}; {@code serverPrepares} sends prepared statements as
   * COM_STMT_PREPARE/EXECUTE (the binary protocol), as ORMs configure Connector/J.
   */
  static Connection connect(
      LocalCluster.RouterInfo router, String user, String password, boolean serverPrepares)
      throws SQLException {
    String url =
        "jdbc:mysql://"
            + router.mysqlHost()
            + ":"
            + ShardedDatabaseResources.ROUTER_MYSQL_PORT
            + "/"
            + router.database()
            + "?connectTimeout=10000&socketTimeout=180000"
            + (serverPrepares ? "&useServerPrepStmts=true" : "")
            + (router.tls() != null ? "&sslMode=REQUIRED" : "&sslMode=DISABLED");
    return DriverManager.getConnection(url, user, password);
  }

  /** A connection as the data user (its token the password). */
  static Connection data(LocalCluster.RouterInfo router, boolean serverPrepares)
      throws SQLException {
    return connect(
        router, ShardedDatabaseResources.ROUTER_MYSQL_DATA_USER, router.token(), serverPrepares);
  }

  /** A connection as the admin user (DDL). */
  static Connection admin(LocalCluster.RouterInfo router) throws SQLException {
    return connect(
        router, ShardedDatabaseResources.ROUTER_MYSQL_ADMIN_USER, router.adminToken(), false);
  }

  /** The first column of every row {@code sql} returns, as text. */
  static List<String> column(Connection c, String sql) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }
}
