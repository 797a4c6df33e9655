package io.shardeddb.shardserver.replication.write;

import io.shardeddb.shardserver.storage.RequestOutcome;
import java.sql.SQLException;
import java.util.Map;
import java.util.Set;

/**
 * What a group commit needs from storage, inside one transaction: the lookup before the plan and
 * the commit of the plan. The shard-server's is JDBC over MariaDB (ShardStore); the simulator's is
 * an in-memory disk. {@link GroupCommit} drives either the same way.
 */
public interface WriteStorage {
  /** What storage knows before the plan: recorded outcomes by request id, keys with a row. */
  record Known(Map<String, RequestOutcome> outcomes, Set<BatchPlanner.RowKey> present) {}

  /** The recorded outcomes of {@code lookup}'s request ids and which of its keys have a row. */
  Known lookUp(BatchPlanner.Lookup lookup) throws SQLException;

  /**
   * The commit time of the log's entry at {@code lsn} (0 when the log does not hold it or it was
   * written before entries carried one): a term's first batch stamps no earlier (DESIGN §9).
   */
  long commitMillisAt(long lsn) throws SQLException;

  /**
   * The global timestamp of the log's entry at {@code lsn} (0 when the log does not hold it or it
   * was written before entries carried one): a term's first batch is above it (DESIGN §11).
   */
  default long timestampAt(long lsn) throws SQLException {
    return 0;
  }

  /**
   * Writes the plan (operations, request outcomes, config, log entries) and, last, moves the
   * applied position only if the persisted epoch and role are still {@code epoch} and Primary (rule
   * 6).
   *
   * @return the rows each operation removed (by index in the plan's ops), or null when the re-check
   *     failed: nothing of the plan may then become durable
   */
  long[] commit(BatchPlan plan, long epoch) throws SQLException;
}
