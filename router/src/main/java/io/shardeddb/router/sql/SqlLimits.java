package io.shardeddb.router.sql;

/**
 * How much one SQL statement may hold in the router: the rows and (approximate JSON) bytes a SELECT
 * keeps before answering, and the rows one UPDATE or DELETE may change. Beyond them the statement
 * is a 400 naming the limit (docs/sql.md, "Limits"); nothing was changed.
 */
public record SqlLimits(int maxResultRows, long maxResultBytes, int maxRowsPerWrite) {
  /** The defaults of {@code shardeddb.router.sql.*}. */
  public static final SqlLimits DEFAULTS = new SqlLimits(10_000, 16L * 1024 * 1024, 10_000);

  public SqlLimits {
    if (maxResultRows < 1 || maxResultBytes < 1 || maxRowsPerWrite < 1) {
      throw new IllegalArgumentException(
          "shardeddb.router.sql.max-result-rows, max-result-bytes and max-rows-per-write must be"
              + " at least 1");
    }
  }
}
