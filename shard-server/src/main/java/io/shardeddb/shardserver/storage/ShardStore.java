package io.shardeddb.shardserver.storage;

import io.micronaut.context.annotation.Value;
import io.micronaut.transaction.TransactionOperations;
import io.shardeddb.protocol.shard.LogEntry;
import io.shardeddb.protocol.topology.PointRange;
import io.shardeddb.protocol.topology.Sharding;
import io.shardeddb.shardserver.replication.write.BatchPlan;
import io.shardeddb.shardserver.replication.write.BatchPlanner;
import io.shardeddb.shardserver.replication.write.LogOps;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Transactions over the replica's database, the one entry the rest of the shard-server uses: the
 * user's rows, the replication log and the metadata row change together, so an entry is in the log
 * exactly when its change is in the table. Each concern is its own class with its own SQL — the
 * transactions ({@link StoreTransactions}), the meta row ({@link ShardMetaStore}), the log ({@link
 * ReplicationLog}), a write's one round trip ({@link FoldedCommit}, {@link CommitLookup}, {@link
 * StorageOpRunner}), position recovery ({@link PositionRecovery}), re-copies and snapshots ({@link
 * CopyStore}); this class composes them, and its nested types are what callers see.
 */
@Singleton
public class ShardStore {
  /** Work on a connection inside a transaction; SQL failures roll the transaction back. */
  @FunctionalInterface
  public interface SqlWork<T> {
    T run(Connection c) throws SQLException;
  }

  /** What a group commit reads before it decides: recorded outcomes by request id, held keys. */
  public record Known(Map<String, RequestOutcome> outcomes, Set<BatchPlanner.RowKey> present) {}

  /**
   * Where storage says the log ends (rule 15): the meta row's applied position and persisted epoch
   * and role, and the log's last entry ({@code maxLsn} 0 when the log is empty).
   */
  public record StoredPosition(
      long appliedLsn,
      long lastEntryEpoch,
      long epoch,
      String role,
      boolean copyPending,
      long maxLsn,
      long maxEpoch) {
    /** The last entry held: the log's last entry, or the applied position (a snapshot's base). */
    public long tailLsn() {
      return Math.max(appliedLsn, maxLsn);
    }

    /** The epoch of {@link #tailLsn()}'s entry. */
    public long tailEpoch() {
      return maxLsn > appliedLsn ? maxEpoch : lastEntryEpoch;
    }
  }

  private final StoreTransactions transactions;
  private final ShardMetaStore meta;
  private final ReplicationLog log;
  private final FoldedCommit commits;
  private final PositionRecovery positions;
  private final CopyStore copies;

  /**
   * @param logPageChars payload characters one {@link #logPage} may hold (one entry may be larger
   *     on its own): {@code shardeddb.replication.log-page-chars}, 8 Mi by default
   */
  public ShardStore(
      ConnectionPool pool,
      TransactionOperations<Connection> tx,
      ShardMetaRepository metaRepository,
      ReplicationLogRepository logRepository,
      LogCodec codec,
      @Value("${shardeddb.replication.log-page-chars:8388608}") long logPageChars) {
    this.transactions = new StoreTransactions(tx);
    this.meta = new ShardMetaStore(transactions, metaRepository);
    this.log = new ReplicationLog(transactions, logRepository, metaRepository, codec, logPageChars);
    this.commits = new FoldedCommit(transactions, log);
    this.positions = new PositionRecovery(transactions);
    this.copies = new CopyStore(transactions, pool, metaRepository, log);
  }

  /** Runs {@code work} in one read-write transaction. */
  public <T> T inTransaction(SqlWork<T> work) {
    return transactions.write(work);
  }

  /** Runs {@code work} in a read-only transaction. */
  public <T> T read(SqlWork<T> work) {
    return transactions.read(work);
  }

  public ShardMeta loadMeta() {
    return meta.load();
  }

  /** Persists the config and creates the user's table in one go. */
  public void configure(String configJson, UserTable table) {
    meta.configure(configJson, table);
  }

  /** Creates the user's table if it is missing (after a restart). */
  public void ensureTable(UserTable table) {
    meta.ensureTable(table);
  }

  /**
   * Makes the stored tables other than the first {@code after}'s (issue 46): each of its other
   * tables created if missing (with its columns and indexes), each other table of {@code before}
   * that {@code after} lacks dropped — a first config, a restart, or a snapshot's config that a
   * re-copy adopts (the tables a replay up to its LSN would have left).
   */
  public void syncTables(ShardConfig before, ShardConfig after) {
    List<UserTable> create = after.otherTables().stream().map(UserTable::new).toList();
    List<UserTable> drop =
        before == null
            ? List.of()
            : before.otherTables().stream()
                .filter(t -> after.tableOrNull(t.table()) == null)
                .map(UserTable::new)
                .toList();
    if (create.isEmpty() && drop.isEmpty()) {
      return;
    }
    transactions.write(
        c -> {
          for (UserTable t : drop) {
            t.drop(c);
          }
          for (UserTable t : create) {
            t.create(c);
          }
          return null;
        });
  }

  /** Persists a role and, unless null, this replica's vote: {@link ShardMetaStore#saveRole}. */
  public void saveRole(
      long epoch,
      String role,
      String primaryName,
      String primaryUrl,
      String peersJson,
      String writeQuorum,
      int specReplicas,
      String vote) {
    meta.saveRole(epoch, role, primaryName, primaryUrl, peersJson, writeQuorum, specReplicas, vote);
  }

  /** Persists the config (what the shard owns included) on its own. */
  public void saveConfig(String configJson) {
    meta.saveConfig(configJson);
  }

  /** A group commit's one lookup (rule 8, held keys): {@link CommitLookup#lookUp}. */
  public Known lookUp(Connection c, UserTable table, BatchPlanner.Lookup lookup)
      throws SQLException {
    return CommitLookup.lookUp(c, table, lookup);
  }

  /**
   * The commit time of the entry at {@code lsn} on {@code c} (the log's, or its base's), 0 when not
   * known.
   */
  public long commitMillisAt(Connection c, long lsn) throws SQLException {
    return ReplicationLog.commitMillisAt(c, lsn);
  }

  /**
   * The global timestamp of the entry at {@code lsn} on {@code c} (the log's, or its base's), 0
   * when not known.
   */
  public long timestampAt(Connection c, long lsn) throws SQLException {
    return ReplicationLog.timestampAt(c, lsn);
  }

  /**
   * A primary's folded write ending with the epoch re-check (rule 6): {@link
   * FoldedCommit#commitAsPrimary}; false when the re-check matched no row (roll back).
   */
  public boolean commitAsPrimary(
      Connection c,
      UserTable table,
      List<Map<String, Object>> inserts,
      List<RequestOutcome> outcomes,
      String configJson,
      List<LogEntry> entries,
      long epoch,
      long lsn,
      long entryEpoch)
      throws SQLException {
    return commits.commitAsPrimary(
        c, table, inserts, outcomes, configJson, entries, epoch, lsn, entryEpoch);
  }

  /**
   * Commits a primary's {@link BatchPlan}: {@link FoldedCommit#commitPlan}; the rows each operation
   * removed, or null when the epoch re-check matched no row (roll back).
   */
  public long[] commitPlan(
      Connection c, UserTable table, BatchPlan plan, String configJson, long epoch, long prevLsn)
      throws SQLException {
    return commits.commitPlan(c, table, plan, configJson, epoch, prevLsn);
  }

  /** Where storage says the log ends, raised to the log's last entry (rule 15). */
  public StoredPosition recoverPosition() {
    return positions.recover();
  }

  /**
   * Applies replicated entries: {@link FoldedCommit#applyReplicated}, in one transaction up to each
   * Schema entry and one for each such entry ({@link LogOps#inOneTransaction}: MySQL commits what
   * came before a DDL), the table following the schema; the config as of the last entry. A caller
   * that must know what landed when one fails passes entries {@code inOneTransaction} allows.
   */
  public ShardConfig applyReplicated(
      UserTable table,
      List<LogEntry> entries,
      ShardConfig config,
      Function<ShardConfig, String> encode) {
    ShardConfig now = config;
    UserTable current = table;
    List<LogEntry> rest = entries;
    while (!rest.isEmpty()) {
      int n = LogOps.inOneTransaction(rest);
      now = commits.applyReplicated(current, rest.subList(0, n), now, encode);
      if (!current.schema().equals(now.schema())) {
        current = new UserTable(now.schema());
      }
      rest = rest.subList(n, rest.size());
    }
    return now;
  }

  /** Entries from {@code fromLsn} on, a page at most: {@link ReplicationLog#page}. */
  public List<LogEntry> logPage(long fromLsn, int limit) {
    return log.page(fromLsn, limit);
  }

  /** The epoch of the entry at {@code lsn} in the log, if held. */
  public Optional<Long> epochAt(long lsn) {
    return log.epochAt(lsn);
  }

  /** The global timestamp of the entry at {@code lsn} in the log, if held. */
  public Optional<Long> timestampAt(long lsn) {
    return log.timestampOf(lsn);
  }

  /** Starts a re-copy, Copying persisted first (rule 7): {@link CopyStore#begin}. */
  public void beginCopy(UserTable table) {
    copies.begin(table);
  }

  /** Loads request outcomes shipped in a snapshot. */
  public void loadOutcomes(List<RequestOutcome> outcomes) {
    copies.loadOutcomes(outcomes);
  }

  /**
   * Drops log entries up to {@code lsn} (which must be held) and makes it the log's base; returns
   * the base entry's epoch.
   */
  public long trimLog(long lsn) {
    return log.trim(lsn);
  }

  /** Loads one chunk of snapshot rows. */
  public void loadChunk(UserTable table, List<Map<String, Object>> rows) {
    copies.loadChunk(table, rows);
  }

  /**
   * Ends a re-copy: the rows are those of {@code lsn} (committed at {@code commitMillis}, global
   * timestamp {@code timestamp}), and the log continues after it.
   */
  public void finishCopy(long lsn, long epoch, long commitMillis, long timestamp) {
    copies.finish(lsn, epoch, commitMillis, timestamp);
  }

  /**
   * Opens a consistent snapshot (its own connection and REPEATABLE READ transaction): the applied
   * LSN, the row count and a cursor over all rows, all as of the same moment.
   */
  public Snapshot openSnapshot(UserTable table) {
    return openSnapshot(table, null, null);
  }

  /**
   * As {@link #openSnapshot(UserTable)}, but only the rows whose point (under {@code sharding})
   * lies in {@code range} (all rows when {@code range} is null), and no request outcomes: the
   * export an import on another shard reads (docs/resharding.md).
   */
  public Snapshot openSnapshot(UserTable table, Sharding sharding, PointRange range) {
    return copies.openSnapshot(table, sharding, range);
  }

  /**
   * The recorded outcome of one request id, if any: a retry is recognised before any ownership
   * check, so a change this shard applied before its range moved away is answered, not re-routed
   * and applied again elsewhere (DESIGN §5 rule 13).
   */
  public Optional<RequestOutcome> outcomeOf(String requestId) {
    return read(
        c -> Optional.ofNullable(RequestOutcomes.find(c, List.of(requestId)).get(requestId)));
  }

  /** Which of {@code requestIds} have a recorded outcome here (one lookup). */
  public Set<String> recordedAmong(Collection<String> requestIds) {
    if (requestIds.isEmpty()) {
      return Set.of();
    }
    return read(c -> new HashSet<>(RequestOutcomes.find(c, requestIds).keySet()));
  }
}
