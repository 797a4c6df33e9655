package io.shardeddb.shardserver.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Statements of one transaction sent to MariaDB together, as one multi-statement text ({@code
 * allowMultiQueries}, ConnectionPool) with bound parameters: one round trip instead of one per
 * statement, and the update count of each statement comes back, in order. MariaDB stops at the
 * first statement that fails and the driver throws, so a failure still fails the whole transaction.
 * Past about {@link #MAX_CHARS} of text and values, the statements gathered so far go out first (a
 * packet stays far below {@code max_allowed_packet}).
 */
final class FoldedStatements {
  /** Characters of SQL and values one round trip carries at most (unless one statement is more). */
  static final long MAX_CHARS = 4L << 20;

  private final Connection connection;
  private final StringBuilder sql = new StringBuilder();
  private final List<Object> params = new ArrayList<>();
  private final List<Long> counts = new ArrayList<>();
  private int pending;
  private long chars;

  FoldedStatements(Connection connection) {
    this.connection = connection;
  }

  /** Adds one statement (no trailing semicolon) with its parameters in order. */
  FoldedStatements add(String statement, List<?> values) throws SQLException {
    long size = statement.length() + 1;
    for (Object v : values) {
      size += v == null ? 4 : v.toString().length() + 2;
    }
    if (pending > 0 && chars + size > MAX_CHARS) {
      send();
    }
    sql.append(pending == 0 ? "" : ";\n").append(statement);
    params.addAll(values);
    pending++;
    chars += size;
    return this;
  }

  /** Sends what is left; the update count of every statement added, in order. */
  List<Long> execute() throws SQLException {
    send();
    return List.copyOf(counts);
  }

  private void send() throws SQLException {
    if (pending == 0) {
      return;
    }
    try (PreparedStatement ps = connection.prepareStatement(sql.toString())) {
      for (int i = 0; i < params.size(); i++) {
        ps.setObject(i + 1, params.get(i));
      }
      boolean result = ps.execute();
      int seen = 0;
      while (true) {
        if (result) {
          // No statement folded here returns rows; a result set still counts as one statement.
          ps.getResultSet().close();
          counts.add(-1L);
        } else {
          long n = ps.getLargeUpdateCount();
          if (n == -1) {
            break;
          }
          counts.add(n);
        }
        seen++;
        result = ps.getMoreResults();
      }
      if (seen != pending) {
        throw new SQLException(
            "sent " + pending + " statements in one round trip, got " + seen + " results");
      }
    }
    sql.setLength(0);
    params.clear();
    pending = 0;
    chars = 0;
  }
}
