package io.shardeddb.router.mysql;

import java.util.ArrayList;
import java.util.List;

/** What a command answers: an OK, a result set, or an error. Encoded by the connection. */
sealed interface MysqlReply {

  /** OK with the rows a statement changed. */
  record Ok(long affectedRows, long lastInsertId, String info) implements MysqlReply {
    Ok(long affectedRows, String info) {
      this(affectedRows, 0, info);
    }
  }

  /** A text result set. */
  record ResultSet(List<ColumnDefinition> columns, List<TextRow> rows) implements MysqlReply {
    public ResultSet {
      columns = List.copyOf(columns);
      rows = List.copyOf(rows);
    }

    /** Its packets' payloads in order: count, definitions, EOF, rows, EOF. */
    List<byte[]> payloads() {
      return payloads(Capabilities.STATUS_AUTOCOMMIT);
    }

    /** As {@link #payloads()}, the EOFs carrying the session's {@code status} flags. */
    List<byte[]> payloads(int status) {
      List<byte[]> out = new ArrayList<>(columns.size() + rows.size() + 3);
      out.add(new PacketWriter().lenenc(columns.size()).toBytes());
      for (ColumnDefinition c : columns) {
        out.add(c.encode());
      }
      out.add(new EofPacket(status).encode());
      for (TextRow r : rows) {
        out.add(r.encode());
      }
      out.add(new EofPacket(status).encode());
      return out;
    }

    /** The same result set with binary rows (the answer to COM_STMT_EXECUTE). */
    List<byte[]> binaryPayloads(int status) {
      List<byte[]> out = new ArrayList<>(columns.size() + rows.size() + 3);
      out.add(new PacketWriter().lenenc(columns.size()).toBytes());
      for (ColumnDefinition c : columns) {
        out.add(c.encode());
      }
      out.add(new EofPacket(status).encode());
      out.addAll(BinaryProtocol.rows(this));
      out.add(new EofPacket(status).encode());
      return out;
    }
  }

  /** An error. */
  record Error(ErrPacket packet) implements MysqlReply {
    static Error of(int code, String state, String message) {
      return new Error(new ErrPacket(code, state, message));
    }
  }
}
