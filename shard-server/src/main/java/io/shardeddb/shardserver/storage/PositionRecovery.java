package io.shardeddb.shardserver.storage;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;

/**
 * Where storage says the log ends (rule 15), read from the meta row and the log's last entry, and
 * the applied position raised to that entry when it lies below.
 */
final class PositionRecovery {
  private final StoreTransactions transactions;

  PositionRecovery(StoreTransactions transactions) {
    this.transactions = transactions;
  }

  /**
   * Reads the position storage holds and, unless a re-copy is pending (its log is being discarded),
   * raises a meta row's applied position that lies below the log's last entry to that entry (rule
   * 15: the position is never below an entry the log holds). Used on startup and by a primary after
   * a storage error in or after COMMIT, whose outcome it cannot know otherwise.
   */
  ShardStore.StoredPosition recover() {
    return transactions.write(
        c -> {
          ShardStore.StoredPosition p;
          try (Statement s = c.createStatement();
              ResultSet rs =
                  s.executeQuery(
                      "SELECT m.applied_lsn, m.last_entry_epoch, m.epoch, m.role, m.copy_pending,"
                          + " COALESCE(l.lsn, 0), COALESCE(l.epoch, 0) FROM shard_meta m"
                          + " LEFT JOIN (SELECT lsn, epoch FROM replication_log"
                          + " ORDER BY lsn DESC LIMIT 1) l ON TRUE WHERE m.id = 1")) {
            if (!rs.next()) {
              throw new IllegalStateException("shard_meta row 1 is missing");
            }
            p =
                new ShardStore.StoredPosition(
                    rs.getLong(1),
                    rs.getLong(2),
                    rs.getLong(3),
                    rs.getString(4),
                    rs.getBoolean(5),
                    rs.getLong(6),
                    rs.getLong(7));
          }
          if (!p.copyPending() && p.maxLsn() > p.appliedLsn()) {
            try (PreparedStatement ps =
                c.prepareStatement(
                    "UPDATE shard_meta SET applied_lsn = ?, last_entry_epoch = ?"
                        + " WHERE id = 1 AND applied_lsn < ?")) {
              ps.setLong(1, p.maxLsn());
              ps.setLong(2, p.maxEpoch());
              ps.setLong(3, p.maxLsn());
              ps.executeUpdate();
            }
          }
          return p;
        });
  }
}
