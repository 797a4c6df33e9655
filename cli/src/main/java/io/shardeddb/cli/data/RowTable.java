package io.shardeddb.cli.data;

import io.shardeddb.cli.output.TextTable;
import java.util.List;
import java.util.Map;

/** Renders rows as an aligned text table, columns in the schema's order ({@link TextTable}). */
public final class RowTable {
  private RowTable() {}

  /** The table: a header line, one line per row, values left-aligned; missing values as "-". */
  public static String render(List<String> columns, List<Map<String, Object>> rows) {
    TextTable t = new TextTable(columns.stream().map(String::toUpperCase).toList());
    for (Map<String, Object> row : rows) {
      t.row(columns.stream().map(row::get).toList());
    }
    return t.render();
  }
}
