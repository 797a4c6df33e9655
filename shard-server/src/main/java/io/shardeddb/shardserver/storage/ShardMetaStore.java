package io.shardeddb.shardserver.storage;

import java.sql.SQLException;
import java.util.List;

/**
 * The {@code shard_meta} row (created by migration V1) outside re-copies and trims: the config and
 * the table it describes, the role and the vote, and the statements a folded commit ends with to
 * move the applied position (rules 6 and 15).
 */
final class ShardMetaStore {
  private static final String SAVE_CONFIG = "UPDATE shard_meta SET config_json = ? WHERE id = 1";

  private final StoreTransactions transactions;
  private final ShardMetaRepository meta;

  ShardMetaStore(StoreTransactions transactions, ShardMetaRepository meta) {
    this.transactions = transactions;
    this.meta = meta;
  }

  /** The meta row; migration V1 creates it, so its absence is a broken database. */
  ShardMeta load() {
    return transactions.readRepositories(
        () ->
            meta.findById(1)
                .orElseThrow(() -> new IllegalStateException("shard_meta row 1 is missing")));
  }

  /** Persists the config and creates the user's table in one go. */
  void configure(String configJson, UserTable table) {
    transactions.write(
        c -> {
          table.create(c);
          meta.saveConfig(configJson);
          return null;
        });
  }

  /** Creates the user's table if it is missing (after a restart). */
  void ensureTable(UserTable table) {
    transactions.write(
        c -> {
          table.create(c);
          return null;
        });
  }

  /**
   * Persists a role; {@code vote} (the primary's name) is recorded as this replica's vote for the
   * epoch in the same transaction, or left as it is when null (a fence casts no vote).
   */
  void saveRole(
      long epoch,
      String role,
      String primaryName,
      String primaryUrl,
      String peersJson,
      String writeQuorum,
      int specReplicas,
      String vote) {
    transactions.write(
        c -> {
          meta.saveRole(epoch, role, primaryName, primaryUrl, peersJson, writeQuorum, specReplicas);
          if (vote != null) {
            meta.saveVote(epoch, vote);
          }
          return null;
        });
  }

  /** Persists the config (what the shard owns included) on its own. */
  void saveConfig(String configJson) {
    transactions.write(
        c -> {
          meta.saveConfig(configJson);
          return null;
        });
  }

  /** Adds the update of the persisted config to a folded write. */
  static void addSaveConfig(FoldedStatements folded, String configJson) throws SQLException {
    folded.add(SAVE_CONFIG, List.of(configJson));
  }

  /**
   * Adds the primary's epoch re-check (rule 6) that moves nothing: a batch that appended no entry
   * leaves the position as storage has it (rule 15: never rewritten from memory, which may lag an
   * entry whose commit reply was lost). Its update count is 1 only while the persisted epoch and
   * role are still {@code epoch} and Primary.
   */
  static void addPrimaryRecheck(FoldedStatements folded, long epoch) throws SQLException {
    folded.add(
        "UPDATE shard_meta SET epoch = epoch WHERE id = 1 AND epoch = ? AND role = 'Primary'",
        List.of(epoch));
  }

  /**
   * Adds the primary's conditional move of the applied position to {@code lsn} (rule 6): its update
   * count is 1 only while the persisted epoch and role are still {@code epoch} and Primary.
   */
  static void addPrimaryPosition(FoldedStatements folded, long lsn, long entryEpoch, long epoch)
      throws SQLException {
    folded.add(
        "UPDATE shard_meta SET applied_lsn = ?, last_entry_epoch = ?"
            + " WHERE id = 1 AND epoch = ? AND role = 'Primary'",
        List.of(lsn, entryEpoch, epoch));
  }

  /** Adds a secondary's move of the applied position to the last entry it applied. */
  static void addAppliedPosition(FoldedStatements folded, long lsn, long entryEpoch)
      throws SQLException {
    folded.add(
        "UPDATE shard_meta SET applied_lsn = ?, last_entry_epoch = ? WHERE id = 1",
        List.of(lsn, entryEpoch));
  }
}
