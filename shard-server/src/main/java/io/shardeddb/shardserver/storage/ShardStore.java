package io.shardeddb.shardserver.storage;

import io.micronaut.context.annotation.Value;
import io.micronaut.data.connection.exceptions.ConnectionException;
import io.micronaut.data.connection.jdbc.exceptions.CannotGetJdbcConnectionException;
import io.micronaut.data.exceptions.DataAccessException;
import io.micronaut.transaction.TransactionOperations;
import io.shardeddb.protocol.shard.LogEntry;
import io.shardeddb.protocol.topology.PointRange;
import io.shardeddb.protocol.topology.Sharding;
import io.shardeddb.shardserver.replication.write.BatchPlan;
import io.shardeddb.shardserver.replication.write.LogOps;
import io.shardeddb.shardserver.replication.write.StorageOp;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Transactions over the replica's database: the user's rows, the replication log and the metadata
 * row change together, so an entry is in the log exactly when its change is in the table.
 *
 * <p>Why this file is over 450 lines: every method is a transaction whose correctness rests on the
 * same guarantee (rows, log and metadata change together), and they are reviewed together. The
 * consistent reader of all of them at one point is apart ({@link Snapshot}).
 */
@Singleton
public class ShardStore {
  /** Work on a connection inside a transaction; SQL failures roll the transaction back. */
  @FunctionalInterface
  public interface SqlWork<T> {
    T run(Connection c) throws SQLException;
  }

  private final ConnectionPool pool;
  private final TransactionOperations<Connection> tx;
  private final ShardMetaRepository meta;
  private final ReplicationLogRepository log;
  private final LogCodec codec;

  /**
   * Payload characters one {@link #logPage} may hold (one entry may be larger on its own): {@code
   * shardeddb.replication.log-page-chars}, 8 Mi by default.
   */
  private final long logPageChars;

  public ShardStore(
      ConnectionPool pool,
      TransactionOperations<Connection> tx,
      ShardMetaRepository meta,
      ReplicationLogRepository log,
      LogCodec codec,
      @Value("${shardeddb.replication.log-page-chars:8388608}") long logPageChars) {
    this.logPageChars = logPageChars;
    this.pool = pool;
    this.tx = tx;
    this.meta = meta;
    this.log = log;
    this.codec = codec;
  }

  /** Runs {@code work} in one read-write transaction. */
  public <T> T inTransaction(SqlWork<T> work) {
    return guard(
        () ->
            tx.executeWrite(
                status -> {
                  try {
                    return work.run(status.getConnection());
                  } catch (SQLException e) {
                    throw new StorageException("database error: " + e.getMessage(), e);
                  }
                }));
  }

  /** Runs {@code work} in a read-only transaction. */
  public <T> T read(SqlWork<T> work) {
    return guard(
        () ->
            tx.executeRead(
                status -> {
                  try {
                    return work.run(status.getConnection());
                  } catch (SQLException e) {
                    throw new StorageException("database error: " + e.getMessage(), e);
                  }
                }));
  }

  public ShardMeta loadMeta() {
    return guard(
        () ->
            tx.executeRead(
                status ->
                    meta.findById(1)
                        .orElseThrow(
                            () -> new IllegalStateException("shard_meta row 1 is missing"))));
  }

  /**
   * Reports an unreachable or failing database as a {@link StorageException} (a 503 to clients),
   * leaving the service's own exceptions as they are.
   */
  private static <T> T guard(Supplier<T> call) {
    try {
      return call.get();
    } catch (CannotGetJdbcConnectionException | ConnectionException | DataAccessException e) {
      throw new StorageException("database unavailable: " + e.getMessage(), e);
    }
  }

  /** Persists the config and creates the user's table in one go. */
  public void configure(String configJson, UserTable table) {
    inTransaction(
        c -> {
          table.create(c);
          meta.saveConfig(configJson);
          return null;
        });
  }

  /** Creates the user's table if it is missing (after a restart). */
  public void ensureTable(UserTable table) {
    inTransaction(
        c -> {
          table.create(c);
          return null;
        });
  }

  /**
   * Persists a role; {@code vote} (the primary's name) is recorded as this replica's vote for the
   * epoch in the same transaction, or left as it is when null (a fence casts no vote).
   */
  public void saveRole(
      long epoch,
      String role,
      String primaryName,
      String primaryUrl,
      String peersJson,
      String writeQuorum,
      int specReplicas,
      String vote) {
    inTransaction(
        c -> {
          meta.saveRole(epoch, role, primaryName, primaryUrl, peersJson, writeQuorum, specReplicas);
          if (vote != null) {
            meta.saveVote(epoch, vote);
          }
          return null;
        });
  }

  /** What a group commit reads before it decides: recorded outcomes by request id, held keys. */
  public record Known(Map<String, RequestOutcome> outcomes, Set<Long> present) {}

  /**
   * Inside the group-commit transaction, in one round trip (one {@code UNION ALL}): the recorded
   * outcomes of {@code requestIds} (rule 8) and which of {@code keys} already have a row.
   */
  public Known lookUp(
      Connection c, UserTable table, Collection<String> requestIds, Collection<Long> keys)
      throws SQLException {
    Map<String, RequestOutcome> outcomes = new HashMap<>();
    Set<Long> present = new HashSet<>();
    List<String> parts = new ArrayList<>();
    List<Object> params = new ArrayList<>();
    if (!requestIds.isEmpty()) {
      parts.add(RequestOutcomes.unionPart(requestIds.size()));
      params.addAll(requestIds);
    }
    List<Long> all = new ArrayList<>(keys);
    for (int from = 0; from < all.size(); from += UserTable.keysPerPart()) {
      List<Long> part = all.subList(from, Math.min(all.size(), from + UserTable.keysPerPart()));
      parts.add(table.existingKeysUnionPart(part.size()));
      params.addAll(part);
    }
    if (parts.isEmpty()) {
      return new Known(outcomes, present);
    }
    try (PreparedStatement ps = c.prepareStatement(String.join(" UNION ALL ", parts))) {
      for (int i = 0; i < params.size(); i++) {
        ps.setObject(i + 1, params.get(i));
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          if (rs.getInt(1) == 0) {
            outcomes.put(
                rs.getString(2),
                new RequestOutcome(rs.getString(2), rs.getLong(3), rs.getInt(4), rs.getString(5)));
          } else {
            present.add(rs.getLong(3));
          }
        }
      }
    }
    return new Known(outcomes, present);
  }

  /**
   * Ends the primary's group-commit transaction's work in one round trip: inserts {@code inserts},
   * records {@code outcomes} (rule 8, in the write's transaction), persists {@code configJson} when
   * a range entry changed it (null: unchanged), appends {@code entries}, and, last, moves the
   * applied position only if the persisted epoch and role are still {@code epoch} and Primary (rule
   * 6: a conditional update of the meta row in this same transaction). {@code lsn}/{@code
   * entryEpoch} are the current position when there are no entries.
   *
   * @return false when that update matched no row (fenced or demoted meanwhile): the caller must
   *     roll back, and the commit never happens
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
    return commitFolded(
        c,
        table,
        new Trailing(inserts, false),
        outcomes,
        configJson,
        entries,
        epoch,
        lsn,
        entryEpoch);
  }

  private boolean commitFolded(
      Connection c,
      UserTable table,
      Trailing rows,
      List<RequestOutcome> outcomes,
      String configJson,
      List<LogEntry> entries,
      long epoch,
      long lsn,
      long entryEpoch)
      throws SQLException {
    FoldedStatements folded = new FoldedStatements(c);
    table.addWrites(folded, rows.rows(), rows.upsert());
    RequestOutcomes.addSave(folded, outcomes);
    if (configJson != null) {
      folded.add(SAVE_CONFIG, List.of(configJson));
    }
    addLog(folded, entries);
    if (!entries.isEmpty()) {
      LogEntry last = entries.get(entries.size() - 1);
      lsn = last.lsn();
      entryEpoch = last.epoch();
    }
    if (entries.isEmpty()) {
      // Nothing appended: the position stays as storage has it (rule 15: never rewritten from
      // memory, which may lag an entry whose commit reply was lost); only the re-check remains.
      folded.add(
          "UPDATE shard_meta SET epoch = epoch WHERE id = 1 AND epoch = ? AND role = 'Primary'",
          List.of(epoch));
    } else {
      folded.add(
          "UPDATE shard_meta SET applied_lsn = ?, last_entry_epoch = ?"
              + " WHERE id = 1 AND epoch = ? AND role = 'Primary'",
          List.of(lsn, entryEpoch, epoch));
    }
    List<Long> counts = folded.execute();
    return counts.get(counts.size() - 1) == 1;
  }

  /**
   * Commits a primary's {@link BatchPlan} inside the group-commit transaction: its storage
   * operations in order (consecutive inserts gathered; the last ones go out with the rest), then,
   * in one round trip, the request outcomes, the config ({@code configJson}, null when unchanged),
   * the log entries and, last, the conditional meta update (rule 6), as {@link #commitAsPrimary}. A
   * batch of inserts costs the same round trips as before the plan existed: the lookup, one folded
   * write, COMMIT.
   *
   * @return the rows each operation removed (by index in the plan's ops; a purge's count), or null
   *     when the epoch re-check matched no row: the caller must roll back
   */
  public long[] commitPlan(
      Connection c, UserTable table, BatchPlan plan, String configJson, long epoch, long prevLsn)
      throws SQLException {
    long[] removed = new long[plan.ops().size()];
    Trailing last = execute(c, table, plan.ops(), removed);
    boolean committed =
        commitFolded(c, table, last, plan.records(), configJson, plan.entries(), epoch, prevLsn, 0);
    return committed ? removed : null;
  }

  /** Rows at the end of a batch's operations, left for its one folded write. */
  private record Trailing(List<Map<String, Object>> rows, boolean upsert) {}

  /**
   * Runs {@code ops} in order on {@code c}, gathering consecutive inserts (or consecutive upserts)
   * into one statement; the rows of the last such run are not sent but returned, for the caller's
   * folded write. {@code removed[i]} receives the rows op {@code i} deleted.
   */
  private static Trailing execute(
      Connection c, UserTable table, List<StorageOp> ops, long[] removed) throws SQLException {
    List<Map<String, Object>> pending = new ArrayList<>();
    boolean pendingUpsert = false;
    for (int i = 0; i < ops.size(); i++) {
      StorageOp op = ops.get(i);
      boolean rows = op instanceof StorageOp.Insert || op instanceof StorageOp.Upsert;
      boolean upsert = op instanceof StorageOp.Upsert;
      if (!pending.isEmpty() && (!rows || pendingUpsert != upsert)) {
        flush(c, table, pending, pendingUpsert);
      }
      switch (op) {
        case StorageOp.Insert in -> {
          pending.addAll(in.rows());
          pendingUpsert = false;
        }
        case StorageOp.Upsert up -> {
          pending.addAll(up.rows());
          pendingUpsert = true;
        }
        case StorageOp.Update u -> table.update(c, u.key(), u.values());
        case StorageOp.Delete d -> removed[i] = table.delete(c, d.key());
        case StorageOp.DeletePoints dp ->
            removed[i] = table.deletePoints(c, dp.pointsBy(), dp.range());
      }
    }
    return new Trailing(pending, pendingUpsert);
  }

  private static void flush(
      Connection c, UserTable table, List<Map<String, Object>> rows, boolean upsert)
      throws SQLException {
    if (upsert) {
      table.upsert(c, rows);
    } else {
      table.insert(c, rows);
    }
    rows.clear();
  }

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

  /**
   * Reads the position storage holds and, unless a re-copy is pending (its log is being discarded),
   * raises a meta row's applied position that lies below the log's last entry to that entry (rule
   * 15: the position is never below an entry the log holds). Used on startup and by a primary after
   * a storage error in or after COMMIT, whose outcome it cannot know otherwise.
   */
  public StoredPosition recoverPosition() {
    return inTransaction(
        c -> {
          StoredPosition p;
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
                new StoredPosition(
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

  private static final String SAVE_CONFIG = "UPDATE shard_meta SET config_json = ? WHERE id = 1";

  /** Adds the multi-row insert of {@code entries} into the log (nothing when empty). */
  private void addLog(FoldedStatements folded, List<LogEntry> entries) throws SQLException {
    if (entries.isEmpty()) {
      return;
    }
    StringBuilder sql =
        new StringBuilder(
            "INSERT INTO replication_log (lsn, epoch, op, row_key, request_id, payload) VALUES ");
    List<Object> values = new ArrayList<>();
    for (LogEntry e : entries) {
      LogRecord r = codec.toRecord(e);
      sql.append(values.isEmpty() ? "" : ", ").append("(?, ?, ?, ?, ?, ?)");
      values.add(r.lsn());
      values.add(r.epoch());
      values.add(r.op());
      values.add(r.rowKey());
      values.add(r.requestId());
      values.add(r.payload());
    }
    folded.add(sql.toString(), values);
  }

  /**
   * Applies replicated entries (consecutive, starting right after the applied LSN) to the table and
   * the log in one transaction. Replaying is idempotent: inserts replace, updates and deletes of
   * missing rows do nothing. Range entries change what the shard owns (persisted with the config in
   * the same transaction) or purge rows; returns the config as of the last entry.
   */
  public ShardConfig applyReplicated(
      UserTable table,
      List<LogEntry> entries,
      ShardConfig config,
      Function<ShardConfig, String> encode) {
    return inTransaction(
        c -> {
          // What each entry does is LogOps' one definition; consecutive writes (upserts) go out
          // as one statement, the last ones with the rest.
          LogOps.Replay replay = LogOps.replayAll(entries, config);
          ShardConfig now = replay.config();
          Trailing tail = execute(c, table, replay.ops(), new long[replay.ops().size()]);
          // The last rows, the outcomes, the config, the log and the position: one round trip.
          FoldedStatements folded = new FoldedStatements(c);
          table.addWrites(folded, tail.rows(), tail.upsert());
          RequestOutcomes.addSave(folded, replay.outcomes());
          if (now != config) {
            folded.add(SAVE_CONFIG, List.of(encode.apply(now)));
          }
          addLog(folded, entries);
          if (!entries.isEmpty()) {
            LogEntry last = entries.get(entries.size() - 1);
            folded.add(
                "UPDATE shard_meta SET applied_lsn = ?, last_entry_epoch = ? WHERE id = 1",
                List.of(last.lsn(), last.epoch()));
          }
          folded.execute();
          return now;
        });
  }

  /** Persists the config (what the shard owns included) on its own. */
  public void saveConfig(String configJson) {
    inTransaction(
        c -> {
          meta.saveConfig(configJson);
          return null;
        });
  }

  /** Entries one {@link #logPage} fetches from MySQL at a time. */
  private static final int LOG_FETCH = 64;

  /**
   * Entries from {@code fromLsn} on, at most {@code limit}, and no more than about {@link
   * #logPageChars} of payload: a page of big writes (each entry may carry many rows) would
   * otherwise hold thousands of them in memory at once. Never empty while an entry at {@code
   * fromLsn} exists; a short page only means "ask again from after its last entry". Read in one
   * transaction, so a page never mixes two histories (a truncation in between).
   */
  public List<LogEntry> logPage(long fromLsn, int limit) {
    return guard(
        () ->
            tx.executeRead(
                status -> {
                  List<LogEntry> out = new ArrayList<>();
                  long next = fromLsn;
                  long chars = 0;
                  while (out.size() < limit && chars < logPageChars) {
                    List<LogRecord> records =
                        log.page(next, Math.min(LOG_FETCH, limit - out.size()));
                    for (LogRecord r : records) {
                      if (!out.isEmpty() && chars >= logPageChars) {
                        break;
                      }
                      out.add(codec.toEntry(r));
                      chars += r.payload() == null ? 0 : r.payload().length();
                    }
                    if (records.size() < LOG_FETCH) {
                      break;
                    }
                    next = records.get(records.size() - 1).lsn() + 1;
                  }
                  return out;
                }));
  }

  /** The epoch of the entry at {@code lsn} in the log, if held. */
  public Optional<Long> epochAt(long lsn) {
    return guard(() -> tx.executeRead(status -> log.findById(lsn).map(LogRecord::epoch)));
  }

  /**
   * Starts a re-copy (rule 7): first persists Copying with the applied position reset, so that a
   * crash or failure from here on restarts as Copying at LSN 0 rather than at a position whose rows
   * are gone; only then empties the table, the log and the request ids.
   */
  public void beginCopy(UserTable table) {
    inTransaction(
        c -> {
          meta.saveCopyBegun();
          return null;
        });
    inTransaction(
        c -> {
          table.truncate(c);
          log.deleteAll();
          RequestOutcomes.deleteAll(c);
          return null;
        });
  }

  /** Loads request outcomes shipped in a snapshot. */
  public void loadOutcomes(List<RequestOutcome> outcomes) {
    inTransaction(
        c -> {
          RequestOutcomes.save(c, outcomes);
          return null;
        });
  }

  /**
   * Drops log entries up to {@code lsn} (which must be held) and makes it the log's base; returns
   * the base entry's epoch.
   */
  public long trimLog(long lsn) {
    return inTransaction(
        c -> {
          long epoch =
              log.findById(lsn)
                  .map(LogRecord::epoch)
                  .orElseThrow(() -> new IllegalStateException("lsn " + lsn + " is not held"));
          log.deleteUpTo(lsn);
          RequestOutcomes.deleteUpTo(c, lsn);
          meta.saveLogStart(lsn, epoch);
          return epoch;
        });
  }

  /** Loads one chunk of snapshot rows. */
  public void loadChunk(UserTable table, List<Map<String, Object>> rows) {
    inTransaction(
        c -> {
          table.insert(c, rows);
          return null;
        });
  }

  /** Ends a re-copy: the rows are those of {@code lsn}, and the log continues after it. */
  public void finishCopy(long lsn, long epoch) {
    inTransaction(
        c -> {
          meta.saveSnapshotBase(lsn, epoch);
          return null;
        });
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
    return Snapshot.open(pool, table, sharding, range);
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
