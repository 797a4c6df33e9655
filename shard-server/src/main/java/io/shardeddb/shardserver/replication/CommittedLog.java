package io.shardeddb.shardserver.replication;

import io.shardeddb.protocol.shard.LogEntry;
import io.shardeddb.shardserver.replication.rules.Rulebook;
import jakarta.inject.Singleton;
import java.util.List;

/**
 * The part of a primary's log that a quorum holds (rules 2-3, 13): what a move's export and the
 * archiver read, and nothing beyond it, so neither ever ships an unacknowledged tail that a
 * failover could discard. Where the page is cut is asked of the {@link Rulebook} ({@link
 * Rulebook#archivedUpTo}), so the simulator, archiving with this class, can break the rule.
 */
@Singleton
public class CommittedLog {
  private final WriteCoordinator coordinator;
  private final ReplicaStore store;
  private final Rulebook rules;

  public CommittedLog(WriteCoordinator coordinator, ReplicaStore store, Rulebook rules) {
    this.coordinator = coordinator;
    this.store = store;
    this.rules = rules;
  }

  /** A page of committed entries from {@code fromLsn}, and the commit point it was cut at. */
  public record Page(List<LogEntry> entries, long committedLsn) {}

  /**
   * Committed entries from {@code fromLsn} on, at most {@code limit}: the commit point is read
   * before the page, so every entry of the page up to it is committed. Empty when this replica is
   * not a primary whose term is committed.
   */
  public Page page(long fromLsn, int limit) {
    long committed = coordinator.committedLsn();
    long cut = rules.archivedUpTo(committed, Long.MAX_VALUE);
    if (committed < 0 || cut < fromLsn) {
      return new Page(List.of(), committed);
    }
    return new Page(upTo(store.logPage(fromLsn, limit), cut), committed);
  }

  /** The leading entries of {@code entries} at or below {@code committedLsn}. */
  public static List<LogEntry> upTo(List<LogEntry> entries, long committedLsn) {
    return entries.stream().takeWhile(e -> e.lsn() <= committedLsn).toList();
  }
}
