package io.shardeddb.shardserver.replication.write;

import io.shardeddb.protocol.schema.TableSchema;
import io.shardeddb.protocol.topology.PointRange;
import io.shardeddb.protocol.topology.Sharding;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * One change to the user's rows, as a value: what a log entry does to storage ({@link LogOps}),
 * executed in order by the real store (ShardStore, one transaction) or by a simulated one. A row an
 * insert, upsert or update writes gets its global timestamp ({@code timestamps}, one per row; the
 * entry's, or the one an import's row carries from its source: docs/timestamps.md, "Rows"), stored
 * with it in the same transaction. A row operation's {@code table} is the schema of the table it is
 * of, as of the entry (null: the database's first table, the one the store's table follows); issue
 * 46, docs/log-format.md, "Tables".
 */
public sealed interface StorageOp {
  /** The schema of the table a row operation is of; null for the database's first table. */
  default TableSchema tableOrFirst() {
    return switch (this) {
      case Insert i -> i.table();
      case Upsert u -> u.table();
      case Update u -> u.table();
      case Delete d -> d.table();
      default -> null;
    };
  }

  /** Inserts rows (coerced, column order) that do not exist: a duplicate key fails the commit. */
  record Insert(List<Map<String, Object>> rows, List<Long> timestamps, TableSchema table)
      implements StorageOp {
    public Insert {
      rows = List.copyOf(rows);
      timestamps = List.copyOf(timestamps);
    }

    /** Rows of the database's first table. */
    public Insert(List<Map<String, Object>> rows, List<Long> timestamps) {
      this(rows, timestamps, null);
    }

    /** Rows all written at {@code ts}. */
    public Insert(List<Map<String, Object>> rows, long ts) {
      this(rows, Collections.nCopies(rows.size(), ts));
    }

    /** Rows without a timestamp (0). */
    public Insert(List<Map<String, Object>> rows) {
      this(rows, 0);
    }
  }

  /** Inserts rows or replaces the ones whose key exists (a replayed or imported write). */
  record Upsert(List<Map<String, Object>> rows, List<Long> timestamps, TableSchema table)
      implements StorageOp {
    public Upsert {
      rows = List.copyOf(rows);
      timestamps = List.copyOf(timestamps);
    }

    /** Rows of the database's first table. */
    public Upsert(List<Map<String, Object>> rows, List<Long> timestamps) {
      this(rows, timestamps, null);
    }

    /** Rows all written at {@code ts}. */
    public Upsert(List<Map<String, Object>> rows, long ts) {
      this(rows, Collections.nCopies(rows.size(), ts));
    }

    /** Rows without a timestamp (0). */
    public Upsert(List<Map<String, Object>> rows) {
      this(rows, 0);
    }
  }

  /**
   * Sets the given columns of the row with {@code key} (nothing when there is none), and its
   * timestamp to {@code timestamp}.
   */
  record Update(Object key, Map<String, Object> values, long timestamp, TableSchema table)
      implements StorageOp {
    public Update {
      key = io.shardeddb.protocol.schema.ShardKeys.normalize(key);
    }

    /** An update of the database's first table. */
    public Update(Object key, Map<String, Object> values, long timestamp) {
      this(key, values, timestamp, null);
    }

    /** An update without a timestamp (0). */
    public Update(Object key, Map<String, Object> values) {
      this(key, values, 0);
    }
  }

  /** Deletes the row with {@code key} (nothing when there is none). */
  record Delete(Object key, TableSchema table) implements StorageOp {
    public Delete {
      key = io.shardeddb.protocol.schema.ShardKeys.normalize(key);
    }

    /** A delete of the database's first table. */
    public Delete(Object key) {
      this(key, null);
    }
  }

  /**
   * Deletes the rows whose point (under {@code pointsBy}) lies in {@code range}, of the database's
   * first table ({@code table} null) or of {@code table}: a purge deletes them from every table.
   */
  record DeletePoints(Sharding pointsBy, PointRange range, TableSchema table) implements StorageOp {
    /** Of the database's first table. */
    public DeletePoints(Sharding pointsBy, PointRange range) {
      this(pointsBy, range, null);
    }
  }

  /**
   * Changes a table from {@code before} to {@code after} (columns added at the end; the table of
   * {@code after}'s name, the database's first or another): the rows stored so far get {@code
   * backfill}'s value of each added column (its default, decided by the entry: {@code
   * CURRENT_TIMESTAMP} is the entry's commit time; absent: null). Always the first operation of its
   * transaction: MySQL commits what came before a DDL statement.
   */
  record AlterTable(TableSchema before, TableSchema after, Map<String, Object> backfill)
      implements StorageOp {}

  /**
   * Creates another table of the database ({@code schema}, with its indexes; nothing when it exists
   * already: a retry after MySQL committed the DDL). Always the first operation of its transaction,
   * as {@link AlterTable}.
   */
  record CreateTable(TableSchema schema) implements StorageOp {}

  /**
   * Drops another table of the database with its rows (nothing when it is gone already). Always the
   * first operation of its transaction, as {@link AlterTable}.
   */
  record DropTable(TableSchema schema) implements StorageOp {}
}
