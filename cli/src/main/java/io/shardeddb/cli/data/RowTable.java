package io.shardeddb.cli.data;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Renders rows as an aligned text table, columns in the schema's order. */
public final class RowTable {
  private RowTable() {}

  /** The table: a header line, one line per row, values left-aligned; missing values as "-". */
  public static String render(List<String> columns, List<Map<String, Object>> rows) {
    List<List<String>> cells = new ArrayList<>();
    cells.add(columns.stream().map(String::toUpperCase).toList());
    for (Map<String, Object> row : rows) {
      cells.add(columns.stream().map(c -> text(row.get(c))).toList());
    }
    int[] width = new int[columns.size()];
    for (List<String> line : cells) {
      for (int i = 0; i < width.length; i++) {
        width[i] = Math.max(width[i], line.get(i).length());
      }
    }
    StringBuilder sb = new StringBuilder();
    for (List<String> line : cells) {
      for (int i = 0; i < width.length; i++) {
        String v = line.get(i);
        sb.append(v);
        if (i < width.length - 1) {
          sb.append(" ".repeat(width[i] - v.length() + 2));
        }
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  private static String text(Object v) {
    if (v == null) {
      return "-";
    }
    if (v instanceof BigDecimal d) {
      return d.toPlainString();
    }
    // One line per row: a value with a line break would break the table.
    return v.toString().replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t");
  }
}
