package io.shardeddb.shardserver;

import com.mysql.cj.MysqlConnection;
import com.mysql.cj.Query;
import com.mysql.cj.interceptors.QueryInterceptor;
import com.mysql.cj.jdbc.JdbcConnection;
import com.mysql.cj.log.Log;
import com.mysql.cj.protocol.Resultset;
import com.mysql.cj.protocol.ServerSession;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * A Connector/J query interceptor that records every statement text a connection sends, by
 * database: one entry per round trip to MariaDB (queries, {@code SET autocommit}, {@code COMMIT};
 * Hikari's {@code COM_PING} validation is not a query and is not seen). Installed with {@code
 * shardeddb.storage.jdbc-properties=queryInterceptors=io.shardeddb.shardserver.SqlRoundTrips}.
 */
public final class SqlRoundTrips implements QueryInterceptor {
  private static final Map<String, List<String>> SENT = new ConcurrentHashMap<>();
  private MysqlConnection connection;

  /** Forgets everything recorded so far. */
  static void clear() {
    SENT.clear();
  }

  /** The statements sent on {@code database}'s connections since the last {@link #clear}. */
  static List<String> sent(String database) {
    List<String> list = SENT.get(database);
    if (list == null) {
      return List.of();
    }
    synchronized (list) {
      return List.copyOf(list);
    }
  }

  @Override
  public QueryInterceptor init(MysqlConnection conn, Properties props, Log log) {
    connection = conn;
    return this;
  }

  @Override
  public <T extends Resultset> T preProcess(Supplier<String> sql, Query interceptedQuery) {
    // The connection's own record of its database (useLocalSessionState): no round trip.
    String database = connection instanceof JdbcConnection j ? j.getDatabase() : null;
    List<String> list =
        SENT.computeIfAbsent(database == null ? "?" : database, d -> new ArrayList<>());
    String text = sql == null ? "<unknown>" : String.valueOf(sql.get());
    synchronized (list) {
      list.add(text.length() > 160 ? text.substring(0, 160) + "..." : text);
    }
    return null;
  }

  @Override
  public boolean executeTopLevelOnly() {
    return false;
  }

  @Override
  public void destroy() {}

  @Override
  public <T extends Resultset> T postProcess(
      Supplier<String> sql, Query interceptedQuery, T originalResultSet, ServerSession session) {
    return null;
  }
}
