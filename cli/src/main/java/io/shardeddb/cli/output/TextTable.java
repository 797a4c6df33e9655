package io.shardeddb.cli.output;

import java.util.ArrayList;
import java.util.List;

/**
 * The one table printer of the CLI: a header line and one line per row, each column as wide as its
 * widest cell plus two spaces (never a fixed width, so a 52-character pod name cannot shift the
 * columns after it), the last column unpadded. Cells are single-line: line breaks and tabs are
 * shown escaped; a null cell is "-". Pure.
 */
public final class TextTable {
  private final List<String> headers;
  private final List<List<String>> rows = new ArrayList<>();

  public TextTable(String... headers) {
    this.headers = List.of(headers);
  }

  public TextTable(List<String> headers) {
    this.headers = List.copyOf(headers);
  }

  /** Adds one row; it must have one cell per header. */
  public TextTable row(Object... cells) {
    return row(java.util.Arrays.asList(cells));
  }

  /** Adds one row; it must have one cell per header. */
  public TextTable row(List<?> cells) {
    if (cells.size() != headers.size()) {
      throw new IllegalArgumentException(
          "a row of " + cells.size() + " cells for " + headers.size() + " columns");
    }
    rows.add(cells.stream().map(TextTable::cell).toList());
    return this;
  }

  /** The table as text, one line each, ending with a line break. */
  public String render() {
    int[] width = new int[headers.size()];
    List<List<String>> all = new ArrayList<>();
    all.add(headers);
    all.addAll(rows);
    for (List<String> line : all) {
      for (int i = 0; i < width.length; i++) {
        width[i] = Math.max(width[i], line.get(i).length());
      }
    }
    StringBuilder sb = new StringBuilder();
    for (List<String> line : all) {
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

  /** How a value shows in a cell. */
  public static String cell(Object v) {
    if (v == null) {
      return "-";
    }
    if (v instanceof java.math.BigDecimal d) {
      return d.toPlainString();
    }
    return v.toString().replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t");
  }
}
