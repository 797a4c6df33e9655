package io.shardeddb.shardserver.storage;

import io.shardeddb.protocol.schema.Column;
import io.shardeddb.protocol.schema.ColumnType;
import io.shardeddb.protocol.schema.JsonValues;
import io.shardeddb.protocol.schema.TableSchema;

/**
 * How many rows one {@code /read} page may hold: as many as fit a byte budget at the schema's
 * largest possible row, capped by a row limit and the caller's own limit, at least one. Pure.
 */
public final class ReadPaging {
  /** Bytes one page may take on the wire at worst (a row of 200 full Strings is ~800 KB). */
  public static final long DEFAULT_PAGE_BYTES = 4L * 1024 * 1024;

  /** Rows one page holds at most, whatever the schema. */
  public static final int DEFAULT_PAGE_ROWS = 1000;

  private ReadPaging() {}

  /** The worst-case size of one row as JSON text (a String may be 4 UTF-8 bytes a character). */
  public static long maxRowBytes(TableSchema schema) {
    long bytes = 2;
    for (Column c : schema.columns()) {
      bytes += c.name().length() + 4L;
      bytes +=
          switch (c.type()) {
            case String -> ColumnType.MAX_STRING_LENGTH * 4L + 2;
            // A document's text inside a JSON string: quotes escaped, so at most twice its bytes.
            case Json -> JsonValues.MAX_BYTES * 2L + 2;
            // A Number, Decimal(38,10), Boolean or DateTime as text, with room to spare.
            default -> 64;
          };
    }
    return bytes;
  }

  /**
   * Rows for one page: at most {@code maxRows}, at most {@code requested} when given (> 0), and no
   * more than {@code pageBytes} of worst-case rows, but never less than one.
   */
  public static int rowsPerPage(
      TableSchema schema, long pageBytes, int maxRows, Integer requested) {
    long byBytes = pageBytes / maxRowBytes(schema);
    long rows = Math.min(maxRows, byBytes);
    if (requested != null && requested > 0) {
      rows = Math.min(rows, requested);
    }
    return (int) Math.max(1, rows);
  }
}
