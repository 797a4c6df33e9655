package io.shardeddb.shardserver.storage;

import io.shardeddb.shardserver.replication.write.StorageOp;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs a batch's or a replay's storage operations on the user's table in order, gathering
 * consecutive inserts (or consecutive upserts) into one statement; the last such rows are left for
 * the caller's folded write.
 */
final class StorageOpRunner {
  private StorageOpRunner() {}

  /**
   * Rows at the end of a batch's operations, left for its one folded write to {@code table} (the
   * table they are of; for the first table, as of after the operations: a schema change alters it).
   */
  record Trailing(
      List<Map<String, Object>> rows, List<Long> timestamps, boolean upsert, UserTable table) {}

  /**
   * Runs {@code ops} in order on {@code c}, gathering consecutive inserts (or consecutive upserts)
   * of one table into one statement; the rows of the last such run are not sent but returned, for
   * the caller's folded write. {@code removed[i]} receives the rows op {@code i} deleted. A row
   * operation of another table than the first ({@link StorageOp#tableOrFirst}) runs on that table.
   */
  static Trailing run(Connection c, UserTable start, List<StorageOp> ops, long[] removed)
      throws SQLException {
    List<Map<String, Object>> pending = new ArrayList<>();
    List<Long> stamps = new ArrayList<>();
    boolean pendingUpsert = false;
    UserTable table = start;
    UserTable pendingTable = start;
    for (int i = 0; i < ops.size(); i++) {
      StorageOp op = ops.get(i);
      boolean rows = op instanceof StorageOp.Insert || op instanceof StorageOp.Upsert;
      boolean upsert = op instanceof StorageOp.Upsert;
      UserTable target = op.tableOrFirst() == null ? table : tableOf(op.tableOrFirst());
      if (!pending.isEmpty()
          && (!rows
              || pendingUpsert != upsert
              || !target.physicalName().equals(pendingTable.physicalName()))) {
        flush(c, pendingTable, pending, stamps, pendingUpsert);
      }
      switch (op) {
        case StorageOp.Insert in -> {
          pending.addAll(in.rows());
          stamps.addAll(in.timestamps());
          pendingUpsert = false;
          pendingTable = target;
        }
        case StorageOp.Upsert up -> {
          pending.addAll(up.rows());
          stamps.addAll(up.timestamps());
          pendingUpsert = true;
          pendingTable = target;
        }
        case StorageOp.Update u -> target.update(c, u.key(), u.values(), u.timestamp());
        case StorageOp.Delete d -> removed[i] = target.delete(c, d.key());
        case StorageOp.DeletePoints dp ->
            removed[i] =
                (dp.table() == null ? table : tableOf(dp.table()))
                    .deletePoints(c, dp.pointsBy(), dp.range());
        case StorageOp.AlterTable alter -> {
          requireFirst(i);
          UserTable altered = new UserTable(alter.after());
          altered.alter(c, alter.before(), alter.backfill());
          if (altered.physicalName().equals(start.physicalName())) {
            table = altered;
          }
        }
        case StorageOp.CreateTable create -> {
          requireFirst(i);
          new UserTable(create.schema()).create(c);
        }
        case StorageOp.DropTable drop -> {
          requireFirst(i);
          new UserTable(drop.schema()).drop(c);
        }
      }
    }
    return new Trailing(pending, stamps, pendingUpsert, pending.isEmpty() ? table : pendingTable);
  }

  /** The table of another table's schema (its statements are built from the schema). */
  private static UserTable tableOf(io.shardeddb.protocol.schema.TableSchema schema) {
    return new UserTable(schema);
  }

  /** DDL commits what came before it: a schema change is always its transaction's first op. */
  private static void requireFirst(int i) {
    if (i != 0) {
      throw new IllegalStateException("a schema change must be its transaction's first op");
    }
  }

  private static void flush(
      Connection c,
      UserTable table,
      List<Map<String, Object>> rows,
      List<Long> stamps,
      boolean upsert)
      throws SQLException {
    table.write(c, rows, stamps, upsert);
    rows.clear();
    stamps.clear();
  }
}
