package io.shardeddb.router.mysql;

import io.netty.handler.ssl.SslContext;
import io.shardeddb.router.auth.RouterToken;
import io.shardeddb.router.auth.RouterTokens;
import io.shardeddb.router.config.RouterSettings;
import io.shardeddb.router.routing.RouterMetrics;
import io.shardeddb.router.sql.SqlStatements;
import io.shardeddb.router.topology.RoutingTable;
import io.shardeddb.router.topology.TopologyHolder;

/**
 * What every MySQL connection shares: the SQL path, the topology (the database's name and table),
 * the users and their tokens, metrics, and the TLS context ({@code null}: plain only).
 */
record MysqlFrontEnd(
    SqlStatements statements,
    TopologyHolder topology,
    RouterTokens tokens,
    RouterSettings settings,
    RouterMetrics metrics,
    SslContext tls) {

  /** The token whose value is {@code user}'s password, or null for an unknown user. */
  RouterToken tokenOf(String user) {
    if (settings.mysql().dataUser().equals(user)) {
      return tokens.data();
    } else if (settings.mysql().adminUser().equals(user)) {
      return tokens.admin();
    }
    return null;
  }

  /** Whether {@code user} may connect without a password (the data user with auth off). */
  boolean open(String user) {
    return !settings.auth().enabled() && settings.mysql().dataUser().equals(user);
  }

  /** The database's name: the one {@code USE} and {@code COM_INIT_DB} accept. */
  String database() {
    RoutingTable table = topology.current();
    return table.initialized() ? table.topology().database() : settings.database();
  }

  /** Whether plain connections are refused (the router's HTTP port is HTTPS). */
  boolean requireTls() {
    return tls != null;
  }
}
