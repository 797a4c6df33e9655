package io.shardeddb.shardserver.storage;

import io.shardeddb.protocol.InvalidRequestException;
import io.shardeddb.protocol.schema.Column;
import io.shardeddb.protocol.schema.ColumnType;
import io.shardeddb.protocol.schema.TableSchema;
import io.shardeddb.protocol.shard.ReadFilter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A {@link ReadFilter} as a parameterized SQL condition on the user's table: column names come from
 * the schema (quoted), operators from the filter's closed set, and every value is coerced to its
 * column's type and bound as a parameter, so nothing the client wrote becomes SQL text. Text is
 * compared by its UTF-8 bytes (binary: case-sensitive, trailing spaces significant, code point
 * order) and LIKE matches character by character with a binary collation, whatever the column's
 * collation. Pure: builds text and parameters, runs nothing.
 */
public record FilterClause(String sql, List<Object> params) {

  /** The LIKE escape the clause uses (the wire uses {@code \}; see {@link #likePattern}). */
  static final char ESCAPE = '!';

  public FilterClause {
    params = List.copyOf(params);
  }

  /** The condition for {@code filter} on {@code schema}'s table; a 400 names a bad column/value. */
  public static FilterClause of(TableSchema schema, ReadFilter filter) {
    List<Object> params = new ArrayList<>();
    StringBuilder sql = new StringBuilder();
    append(schema, filter, "filter", sql, params);
    return new FilterClause(sql.toString(), params);
  }

  private static void append(
      TableSchema schema, ReadFilter f, String path, StringBuilder sql, List<Object> params) {
    if (ReadFilter.CONNECTIVES.contains(f.op())) {
      String joiner = f.op().equals("and") ? " AND " : " OR ";
      sql.append('(');
      for (int i = 0; i < f.of().size(); i++) {
        if (i > 0) {
          sql.append(joiner);
        }
        append(schema, f.of().get(i), path + ".of[" + i + "]", sql, params);
      }
      sql.append(')');
      return;
    }
    Column col = schema.column(f.column());
    if (col == null) {
      throw new InvalidRequestException(
          "field '"
              + path
              + ".column': unknown column '"
              + f.column()
              + "' (table "
              + schema.table()
              + " has "
              + schema.columnNames()
              + ")");
    }
    String op = f.op();
    if (ReadFilter.NULL_TESTS.contains(op)) {
      sql.append('(')
          .append(quote(col.name()))
          .append(' ')
          .append(op.toUpperCase(Locale.ROOT))
          .append(')');
      return;
    }
    if (ReadFilter.PATTERNS.contains(op)) {
      if (col.type() != ColumnType.String || !(f.values().get(0) instanceof CharSequence p)) {
        throw new InvalidRequestException(
            "field '" + path + "': " + op + " needs a String column and a string pattern");
      }
      // Character-wise and case-sensitive, whatever the column's own charset and collation.
      sql.append("(CONVERT(")
          .append(quote(col.name()))
          .append(" USING utf8mb4) COLLATE utf8mb4_bin ")
          .append(op.toUpperCase(Locale.ROOT))
          .append(" CONVERT(? USING utf8mb4) ESCAPE '")
          .append(ESCAPE)
          .append("')");
      params.add(likePattern(p.toString()));
      return;
    }
    String operand = operand(col);
    List<Object> values = new ArrayList<>();
    for (int i = 0; i < f.values().size(); i++) {
      values.add(bind(col, f.values().get(i), path + ".values[" + i + "]"));
    }
    sql.append('(').append(operand).append(' ');
    if (ReadFilter.COMPARISONS.contains(op)) {
      sql.append(op).append(" ?");
    } else if (ReadFilter.RANGES.contains(op)) {
      sql.append(op.toUpperCase(Locale.ROOT)).append(" ? AND ?");
    } else {
      sql.append(op.toUpperCase(Locale.ROOT)).append(" (");
      for (int i = 0; i < values.size(); i++) {
        sql.append(i == 0 ? "?" : ", ?");
      }
      sql.append(')');
    }
    sql.append(')');
    params.addAll(values);
  }

  /** The column as compared: text as its UTF-8 bytes, so comparisons are binary. */
  private static String operand(Column col) {
    return col.type() == ColumnType.String
        ? "CAST(CONVERT(" + quote(col.name()) + " USING utf8mb4) AS BINARY)"
        : quote(col.name());
  }

  /** A value coerced to the column's type; text is bound as its UTF-8 bytes. */
  private static Object bind(Column col, Object raw, String path) {
    Object v;
    try {
      v = col.type().coerce(col.name(), raw);
    } catch (InvalidRequestException e) {
      throw new InvalidRequestException("field '" + path + "': " + e.getMessage());
    }
    return v instanceof String s ? s.getBytes(StandardCharsets.UTF_8) : v;
  }

  /**
   * A wire pattern ({@code %}, {@code _}, {@code \x} for a literal x, a final lone {@code \}
   * literal) in terms of {@link #ESCAPE}, which does not depend on the server's backslash mode.
   */
  static String likePattern(String wire) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < wire.length(); i++) {
      char c = wire.charAt(i);
      if (c == '\\' && i + 1 < wire.length()) {
        c = wire.charAt(++i);
        if (c == '%' || c == '_' || c == ESCAPE) {
          out.append(ESCAPE);
        }
        out.append(c);
      } else if (c == ESCAPE) {
        out.append(ESCAPE).append(ESCAPE);
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static String quote(String identifier) {
    return "`" + identifier + "`";
  }
}
