package io.shardeddb.shardserver.storage;

import io.shardeddb.protocol.shard.LogEntry;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The {@code replication_log} table: entries appended in a folded write, read back in pages, and
 * trimmed to a base recorded in {@code shard_meta}.
 */
final class ReplicationLog {
  /** Entries one {@link #page} fetches from MySQL at a time. */
  private static final int LOG_FETCH = 64;

  private final StoreTransactions transactions;
  private final ReplicationLogRepository log;
  private final ShardMetaRepository meta;
  private final LogCodec codec;

  /** Payload characters one {@link #page} may hold (one entry may be larger on its own). */
  private final long pageChars;

  ReplicationLog(
      StoreTransactions transactions,
      ReplicationLogRepository log,
      ShardMetaRepository meta,
      LogCodec codec,
      long pageChars) {
    this.transactions = transactions;
    this.log = log;
    this.meta = meta;
    this.codec = codec;
    this.pageChars = pageChars;
  }

  /** Adds the multi-row insert of {@code entries} into the log (nothing when empty). */
  void addAppend(FoldedStatements folded, List<LogEntry> entries) throws SQLException {
    if (entries.isEmpty()) {
      return;
    }
    StringBuilder sql =
        new StringBuilder(
            "INSERT INTO replication_log"
                + " (lsn, epoch, op, row_key, request_id, payload, commit_millis, global_ts,"
                + " table_name, row_key_text, row_key_tuple) VALUES ");
    List<Object> values = new ArrayList<>();
    for (LogEntry e : entries) {
      LogRecord r = codec.toRecord(e);
      sql.append(values.isEmpty() ? "" : ", ").append("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
      values.add(r.lsn());
      values.add(r.epoch());
      values.add(r.op());
      values.add(r.rowKey());
      values.add(r.requestId());
      values.add(r.payload());
      values.add(r.commitMillis());
      values.add(r.globalTs());
      values.add(r.tableName());
      values.add(r.rowKeyText());
      values.add(r.rowKeyTuple());
    }
    folded.add(sql.toString(), values);
  }

  /**
   * Entries from {@code fromLsn} on, at most {@code limit}, and no more than about {@link
   * #pageChars} of payload: a page of big writes (each entry may carry many rows) would otherwise
   * hold thousands of them in memory at once. Never empty while an entry at {@code fromLsn} exists;
   * a short page only means "ask again from after its last entry". Read in one transaction, so a
   * page never mixes two histories (a truncation in between).
   */
  List<LogEntry> page(long fromLsn, int limit) {
    return transactions.readRepositories(
        () -> {
          List<LogEntry> out = new ArrayList<>();
          long next = fromLsn;
          long chars = 0;
          while (out.size() < limit && chars < pageChars) {
            List<LogRecord> records = log.page(next, Math.min(LOG_FETCH, limit - out.size()));
            for (LogRecord r : records) {
              if (!out.isEmpty() && chars >= pageChars) {
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
        });
  }

  /**
   * The commit time of the entry at {@code lsn} on {@code c}: the log's, or the base's when {@code
   * lsn} is the log's base; 0 when neither (or written before entries carried one).
   */
  static long commitMillisAt(java.sql.Connection c, long lsn) throws SQLException {
    try (var ps =
        c.prepareStatement(
            "SELECT commit_millis FROM replication_log WHERE lsn = ? UNION ALL SELECT"
                + " log_start_commit_millis FROM shard_meta WHERE id = 1 AND log_start_lsn = ?")) {
      ps.setLong(1, lsn);
      ps.setLong(2, lsn);
      try (var rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(1) : 0;
      }
    }
  }

  /**
   * The global timestamp of the entry at {@code lsn} on {@code c}: the log's, or the base's when
   * {@code lsn} is the log's base; 0 when neither (or written before entries carried one).
   */
  static long timestampAt(java.sql.Connection c, long lsn) throws SQLException {
    try (var ps =
        c.prepareStatement(
            "SELECT global_ts FROM replication_log WHERE lsn = ? UNION ALL SELECT"
                + " log_start_global_ts FROM shard_meta WHERE id = 1 AND log_start_lsn = ?")) {
      ps.setLong(1, lsn);
      ps.setLong(2, lsn);
      try (var rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(1) : 0;
      }
    }
  }

  /** The global timestamp of the entry at {@code lsn} in the log, if held. */
  Optional<Long> timestampOf(long lsn) {
    return transactions.readRepositories(() -> log.findById(lsn).map(LogRecord::globalTs));
  }

  /** The epoch of the entry at {@code lsn} in the log, if held. */
  Optional<Long> epochAt(long lsn) {
    return transactions.readRepositories(() -> log.findById(lsn).map(LogRecord::epoch));
  }

  /**
   * Drops log entries up to {@code lsn} (which must be held), and the request outcomes recorded up
   * to it, and makes it the log's base; returns the base entry's epoch.
   */
  long trim(long lsn) {
    return transactions.write(
        c -> {
          LogRecord base =
              log.findById(lsn)
                  .orElseThrow(() -> new IllegalStateException("lsn " + lsn + " is not held"));
          log.deleteUpTo(lsn);
          RequestOutcomes.deleteUpTo(c, lsn);
          meta.saveLogStart(lsn, base.epoch(), base.commitMillis(), base.globalTs());
          return base.epoch();
        });
  }

  /** Empties the log, inside the caller's transaction (a re-copy discards it). */
  void clear() {
    log.deleteAll();
  }
}
