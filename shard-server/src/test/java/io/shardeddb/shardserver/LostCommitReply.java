package io.shardeddb.shardserver;

import com.mysql.cj.MysqlConnection;
import com.mysql.cj.Query;
import com.mysql.cj.exceptions.CJCommunicationsException;
import com.mysql.cj.interceptors.QueryInterceptor;
import com.mysql.cj.jdbc.JdbcConnection;
import com.mysql.cj.log.Log;
import com.mysql.cj.protocol.Resultset;
import com.mysql.cj.protocol.ServerSession;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * A Connector/J query interceptor that loses the reply of one COMMIT: once {@link #arm}ed for a
 * database, the next transaction there that appended to the replication log commits on MariaDB, and
 * then its {@code commit()} throws "Communications link failure" (SQLState 08S01), as when the
 * connection drops after the server committed. Installed with {@code
 * shardeddb.storage.jdbc-properties=queryInterceptors=io.shardeddb.shardserver.LostCommitReply}.
 */
public final class LostCommitReply implements QueryInterceptor {
  private static final AtomicReference<String> ARMED = new AtomicReference<>();
  private static final AtomicReference<String> FAIL_APPEND = new AtomicReference<>();
  private MysqlConnection connection;
  private boolean appended;

  /** The next group commit on {@code database} commits and then reports a lost connection. */
  static void arm(String database) {
    ARMED.set(database);
  }

  /**
   * The next append to the replication log on {@code database} fails before it runs ("Connection
   * reset", SQLState 08S01): its transaction writes nothing.
   */
  static void failNextAppend(String database) {
    FAIL_APPEND.set(database);
  }

  /** Whether the armed append failure has happened. */
  static boolean appendFailed() {
    return FAIL_APPEND.get() == null;
  }

  /** Whether the armed commit has happened (and its reply was lost). */
  static boolean fired() {
    return ARMED.get() == null;
  }

  @Override
  public QueryInterceptor init(MysqlConnection conn, Properties props, Log log) {
    connection = conn;
    return this;
  }

  @Override
  public <T extends Resultset> T preProcess(Supplier<String> sql, Query interceptedQuery) {
    String text = sql == null ? "" : String.valueOf(sql.get());
    if (text.contains("INSERT INTO replication_log")) {
      String database = connection instanceof JdbcConnection j ? j.getDatabase() : null;
      String armed = FAIL_APPEND.get();
      if (database != null && database.equals(armed) && FAIL_APPEND.compareAndSet(armed, null)) {
        throw new CJCommunicationsException("Connection reset");
      }
      appended = true;
    }
    return null;
  }

  @Override
  public <T extends Resultset> T postProcess(
      Supplier<String> sql, Query interceptedQuery, T originalResultSet, ServerSession session) {
    String text = sql == null ? "" : String.valueOf(sql.get()).trim().toLowerCase(Locale.ROOT);
    if (!text.equals("commit") && !text.equals("rollback")) {
      return null;
    }
    boolean wasAppend = appended;
    appended = false;
    String database = connection instanceof JdbcConnection j ? j.getDatabase() : null;
    if (text.equals("commit") && wasAppend && database != null && disarm(database)) {
      // The server has committed; the client never hears so.
      throw new CJCommunicationsException("Communications link failure");
    }
    return null;
  }

  /** Disarms if armed for {@code database} (by value: compareAndSet compares references). */
  private static boolean disarm(String database) {
    String armed = ARMED.get();
    return database.equals(armed) && ARMED.compareAndSet(armed, null);
  }

  @Override
  public boolean executeTopLevelOnly() {
    return false;
  }

  @Override
  public void destroy() {}
}
