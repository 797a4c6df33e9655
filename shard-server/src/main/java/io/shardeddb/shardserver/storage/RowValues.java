package io.shardeddb.shardserver.storage;

import io.shardeddb.protocol.schema.Column;
import io.shardeddb.protocol.schema.ColumnType;
import io.shardeddb.protocol.schema.DateTimes;
import io.shardeddb.protocol.schema.TableSchema;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A row's values on the Java side of the user's table: read from a result set, written for the wire
 * (decimals as exact text), and as the canonical text checksums hash. No SQL: that is {@link
 * UserTable}'s.
 */
final class RowValues {
  private final TableSchema schema;

  RowValues(TableSchema schema) {
    this.schema = schema;
  }

  /** Reads the current row of a result set into Java values in column order. */
  Map<String, Object> read(ResultSet rs) throws SQLException {
    Map<String, Object> row = new LinkedHashMap<>();
    for (Column col : schema.columns()) {
      Object v =
          switch (col.type()) {
            case Number -> rs.getLong(col.name());
            case String -> rs.getString(col.name());
            case Decimal -> normalize(rs.getBigDecimal(col.name()));
            case Boolean -> rs.getBoolean(col.name());
            case Json -> rs.getString(col.name());
            case DateTime -> readDateTime(rs.getString(col.name()), col.name());
          };
      row.put(col.name(), rs.wasNull() ? null : v);
    }
    return row;
  }

  /** MySQL's text of a DATETIME(6) ({@code ... 10:00:00.000000}) in the canonical form. */
  private static String readDateTime(String text, String column) {
    return text == null ? null : DateTimes.canonical(column, text);
  }

  /**
   * The row as it travels in the log and snapshots: decimals as strings, so no JSON reader turns
   * them into doubles and loses digits.
   */
  static Map<String, Object> toWire(Map<String, Object> row) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : row.entrySet()) {
      Object v = e.getValue();
      out.put(e.getKey(), v instanceof BigDecimal d ? normalize(d).toPlainString() : v);
    }
    return out;
  }

  /** A canonical text of a row for checksums: typed, column order, unit-separated. */
  String canonical(Map<String, Object> row) {
    StringBuilder sb = new StringBuilder();
    for (Column col : schema.columns()) {
      Object v = row.get(col.name());
      if (v instanceof BigDecimal d) {
        v = normalize(d).toPlainString();
      }
      sb.append(col.type() == ColumnType.String && v != null ? "s:" : "")
          .append(v)
          .append('\u001f');
    }
    return sb.append('\n').toString();
  }

  private static BigDecimal normalize(BigDecimal d) {
    if (d == null) {
      return null;
    }
    BigDecimal s = d.stripTrailingZeros();
    return s.scale() < 0 ? s.setScale(0) : s;
  }
}
