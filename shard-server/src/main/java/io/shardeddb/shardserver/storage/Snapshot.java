package io.shardeddb.shardserver.storage;

import io.shardeddb.protocol.shard.RowTables;
import io.shardeddb.protocol.topology.PointRange;
import io.shardeddb.protocol.topology.Sharding;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A consistent view of every row, then every request outcome, read one after the other; close it to
 * end its transaction. The rows are the database's first table's in key order, then those of each
 * other table the snapshot's config names (in the order they were created), each carrying its
 * table's name ({@link RowTables}); issue 46, docs/log-format.md, "Tables".
 */
public final class Snapshot implements AutoCloseable {
  private final Connection connection;
  private final Consumer<Connection> evict;
  private boolean rowsDone;
  private boolean idsDone;
  private Statement cursor;
  private ResultSet rows;
  private final List<UserTable> tables;
  private int current;
  private final long lsn;
  private final long epoch;
  private final long commitMillis;
  private final long timestamp;
  private final long rowCount;
  private final long requestIdCount;
  private Statement idCursor;
  private ResultSet ids;
  private final Sharding sharding;
  private final PointRange range;
  private final String configJson;

  /**
   * Opens a consistent snapshot on its own connection of {@code pool} (REPEATABLE READ, read only):
   * the applied LSN, the row count and a cursor over the rows, all as of the same moment; only the
   * rows whose point (under {@code sharding}) lies in {@code range}, and no request outcomes, when
   * {@code range} is set (an export for an import on another shard, docs/resharding.md).
   */
  static Snapshot open(ConnectionPool pool, UserTable table, Sharding sharding, PointRange range) {
    Connection c = null;
    try {
      c = pool.dataSource().getConnection();
      c.setAutoCommit(false);
      c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      try (Statement s = c.createStatement()) {
        s.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY");
      }
      long lsn;
      long epoch;
      String configJson;
      // The config (what the shard owns) is read in the same snapshot as the rows and the LSN:
      // range entries change both in one transaction, so a copy gets the ownership of its LSN.
      try (Statement s = c.createStatement();
          ResultSet rs =
              s.executeQuery(
                  "SELECT applied_lsn, last_entry_epoch, config_json FROM shard_meta WHERE id = 1")) {
        rs.next();
        lsn = rs.getLong(1);
        epoch = rs.getLong(2);
        configJson = rs.getString(3);
      }
      long commitMillis = ReplicationLog.commitMillisAt(c, lsn);
      long timestamp = ReplicationLog.timestampAt(c, lsn);
      List<UserTable> tables = new ArrayList<>();
      tables.add(table);
      StoredTables.othersOf(configJson).forEach(t -> tables.add(new UserTable(t)));
      long rows = 0;
      long requestIds;
      for (UserTable t : tables) {
        if (range == null) {
          rows += t.count(c);
        } else {
          rows +=
              sharding == Sharding.Range
                  ? t.count(c, range.low(), range.highExclusive() - 1, null)
                  : t.keysWithPoints(c, sharding, range).size();
        }
      }
      requestIds = range == null ? RequestOutcomes.count(c) : 0;
      return new Snapshot(
          c,
          tables,
          lsn,
          epoch,
          commitMillis,
          timestamp,
          rows,
          requestIds,
          pool.dataSource()::evictConnection,
          sharding,
          range,
          configJson);
    } catch (SQLException e) {
      closeQuietly(c);
      throw new StorageException("cannot open snapshot: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      // Never keep the connection of a snapshot that did not open (the pool has 16).
      closeQuietly(c);
      throw e;
    }
  }

  private Snapshot(
      Connection connection,
      List<UserTable> tables,
      long lsn,
      long epoch,
      long commitMillis,
      long timestamp,
      long rowCount,
      long requestIdCount,
      Consumer<Connection> evict,
      Sharding sharding,
      PointRange range,
      String configJson)
      throws SQLException {
    this.sharding = sharding;
    this.range = range;
    this.configJson = configJson;
    this.connection = connection;
    this.evict = evict;
    this.tables = List.copyOf(tables);
    this.current = 0;
    this.cursor = tables.get(0).openCursor(connection);
    this.rows = cursor.getResultSet();
    this.lsn = lsn;
    this.epoch = epoch;
    this.commitMillis = commitMillis;
    this.timestamp = timestamp;
    this.rowCount = rowCount;
    this.requestIdCount = requestIdCount;
  }

  public long requestIdCount() {
    return requestIdCount;
  }

  /**
   * Up to {@code max} next request outcomes; call only after {@link #next} returned empty (the row
   * cursor streams, so it must be finished before this one opens). Empty at the end.
   */
  public synchronized List<RequestOutcome> nextOutcomes(int max) {
    try {
      if (ids == null) {
        if (rows != null) {
          rows.close();
          cursor.close();
          rows = null;
        }
        idCursor =
            connection.createStatement(ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY);
        idCursor.setFetchSize(Integer.MIN_VALUE);
        ids =
            idCursor.executeQuery(
                "SELECT request_id, lsn, status, message FROM request_ids ORDER BY request_id");
      }
      List<RequestOutcome> out = new ArrayList<>();
      while (out.size() < max) {
        if (!ids.next()) {
          idsDone = true;
          break;
        }
        out.add(RequestOutcomes.read(ids));
      }
      return out;
    } catch (SQLException e) {
      throw new StorageException("snapshot read failed: " + e.getMessage(), e);
    }
  }

  public long lsn() {
    return lsn;
  }

  /** The persisted config as of the snapshot (null before {@code /config}). */
  public String configJson() {
    return configJson;
  }

  public long epoch() {
    return epoch;
  }

  /** The commit time of the entry at {@link #lsn} (0: not known). */
  public long commitMillis() {
    return commitMillis;
  }

  /** The global timestamp of the entry at {@link #lsn} (0: not known). */
  public long timestamp() {
    return timestamp;
  }

  public long rowCount() {
    return rowCount;
  }

  /**
   * Up to {@code max} next rows; empty at the end. A row of a table other than the first names it
   * ({@link RowTables#FIELD}).
   */
  public synchronized List<Map<String, Object>> next(int max) {
    try {
      List<Map<String, Object>> out = new ArrayList<>();
      while (out.size() < max && !rowsDone) {
        if (!rows.next()) {
          // This table is done: the next one's cursor (a streaming result must be closed before
          // another statement runs on the connection).
          rows.close();
          cursor.close();
          rows = null;
          if (++current >= tables.size()) {
            rowsDone = true;
            break;
          }
          cursor = tables.get(current).openCursor(connection);
          rows = cursor.getResultSet();
          continue;
        }
        UserTable table = tables.get(current);
        Map<String, Object> row = table.readStamped(rows);
        if (range != null && !range.contains(sharding.point(table.schema().keyOf(row)))) {
          continue;
        }
        out.add(current == 0 ? row : RowTables.with(row, table.schema().table()));
      }
      return out;
    } catch (SQLException e) {
      throw new StorageException("snapshot read failed: " + e.getMessage(), e);
    }
  }

  /**
   * A canonical text of a row {@link #next} returned, for checksums: the row's table's canonical
   * text, after the table's name for a table other than the first.
   */
  public String canonical(Map<String, Object> row) {
    String name = RowTables.of(row);
    if (name == null) {
      return tables.get(0).canonical(row);
    }
    for (UserTable t : tables) {
      if (t.schema().table().equals(name)) {
        return name + '\u001f' + t.canonical(RowTables.without(row));
      }
    }
    throw new IllegalStateException("a snapshot row of table " + name + " it does not hold");
  }

  @Override
  public synchronized void close() {
    if (ids == null ? !rowsDone : !idsDone) {
      // Abandoned mid-stream (a reader that went away, a cancelled copy): the driver would have
      // to read every remaining row to free the connection, and a connection handed back with
      // a streaming result still open fails every later statement on it. Drop it instead.
      evict.accept(connection);
      try {
        connection.abort(Runnable::run);
      } catch (SQLException | RuntimeException ignored) {
        // Evicted already: the pool closes it whatever abort did.
      }
      closeQuietly(connection);
      return;
    }
    try {
      if (ids != null) {
        ids.close();
        idCursor.close();
      }
      if (rows != null) {
        rows.close();
        cursor.close();
      }
      connection.rollback();
    } catch (SQLException e) {
      // Not clean: never hand this connection to the next statement.
      evict.accept(connection);
    } finally {
      closeQuietly(connection);
    }
  }

  private static void closeQuietly(Connection c) {
    if (c == null) {
      return;
    }
    try {
      // Autocommit stays off, as the pool hands its connections out (ConnectionPool).
      c.close();
    } catch (SQLException ignored) {
      // Returning a broken connection to the pool fails; the pool evicts it.
    }
  }
}
