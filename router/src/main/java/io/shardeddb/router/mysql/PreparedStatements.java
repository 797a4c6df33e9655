package io.shardeddb.router.mysql;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One connection's prepared statements (the binary protocol): each kept as text with its {@code ?}
 * placeholders counted, and bound at each execute into text with escaped literals ({@link
 * Placeholders}), which then runs as COM_QUERY would. No column list is sent at prepare: each
 * execute describes its result, as clients accept. Not thread-safe: a connection serves one command
 * at a time.
 */
final class PreparedStatements {
  /** Statements one connection may hold (MySQL's max_prepared_stmt_count is per server). */
  static final int MAX = 1024;

  /** A prepared statement: its text, placeholders, their last bound types, streamed data seen. */
  private record Prepared(String sql, int params, int[] types, boolean longData) {}

  /** The packets answering a prepare, or the error instead. */
  record Prepare(List<byte[]> payloads, MysqlReply.Error error) {}

  /** The statement text an execute runs, or the error instead. */
  record Bound(String sql, MysqlReply.Error error) {}

  private final Map<Long, Prepared> statements = new HashMap<>();
  private long next = 1;

  /** COM_STMT_PREPARE of {@code sql} (comments already stripped). */
  Prepare prepare(String sql) {
    if (statements.size() >= MAX) {
      return new Prepare(
          List.of(),
          MysqlReply.Error.of(
              1461,
              "42000",
              "Can't create more than max_prepared_stmt_count statements (current value: "
                  + MAX
                  + ")"));
    }
    int params = Placeholders.count(sql);
    long id = next++;
    statements.put(id, new Prepared(sql, params, new int[params], false));
    List<byte[]> out = new ArrayList<>();
    out.add(BinaryProtocol.prepareOk(id, params));
    if (params > 0) {
      for (int i = 0; i < params; i++) {
        out.add(ColumnDefinition.text("", "", "?", 0).encode());
      }
      out.add(new EofPacket().encode());
    }
    return new Prepare(out, null);
  }

  /** COM_STMT_EXECUTE, {@code r} just past the command byte. */
  Bound execute(PacketReader r) {
    long id = r.int4();
    Prepared p = statements.get(id);
    if (p == null) {
      return new Bound(
          null,
          MysqlReply.Error.of(
              1243,
              "HY000",
              "Unknown prepared statement handler (" + id + ") given to mysqld_stmt_execute"));
    }
    try {
      if (p.longData()) {
        throw new IllegalArgumentException("long data (streamed parameters) is not supported");
      }
      return new Bound(
          Placeholders.bind(p.sql(), BinaryProtocol.parameters(r, p.params(), p.types())), null);
    } catch (IllegalArgumentException | MalformedPacketException e) {
      return new Bound(
          null,
          MysqlReply.Error.of(
              1210, "HY000", "Incorrect arguments to mysqld_stmt_execute: " + e.getMessage()));
    }
  }

  /** COM_STMT_SEND_LONG_DATA: not supported, so the statement's next execute is refused. */
  void longData(long id) {
    statements.computeIfPresent(id, (k, p) -> new Prepared(p.sql(), p.params(), p.types(), true));
  }

  /** COM_STMT_CLOSE. */
  void close(long id) {
    statements.remove(id);
  }
}
