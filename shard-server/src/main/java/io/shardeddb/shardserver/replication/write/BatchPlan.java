package io.shardeddb.shardserver.replication.write;

import io.shardeddb.protocol.shard.LogEntry;
import io.shardeddb.protocol.topology.PointRange;
import io.shardeddb.shardserver.storage.RequestOutcome;
import io.shardeddb.shardserver.storage.ShardConfig;
import java.util.List;

/**
 * What one group commit does, decided before anything is written ({@link BatchPlanner}): per change
 * its outcome, the log entries to append, the request outcomes to record (rule 8), the storage
 * operations in order, and the config after the batch. Committing it is one transaction whose last
 * statement re-checks the epoch (rule 6).
 */
public record BatchPlan(
    List<Outcome> outcomes,
    List<LogEntry> entries,
    List<RequestOutcome> records,
    List<StorageOp> ops,
    ShardConfig configAfter,
    boolean configChanged) {

  public BatchPlan {
    outcomes = List.copyOf(outcomes);
    entries = List.copyOf(entries);
    records = List.copyOf(records);
    ops = List.copyOf(ops);
  }

  /** What happens to one change of the batch (a wake-up, without a change, is {@link Wakeup}). */
  public sealed interface Outcome {}

  /** The change is appended at {@code lsn}. */
  public record Applied(long lsn) implements Outcome {}

  /**
   * A range entry appended at {@code lsn}: the ranges owned after it and, for a purge, the index in
   * {@link #ops} of its delete (its row count is known once committed), else -1.
   */
  public record Ranged(long lsn, List<PointRange> owned, int purgeOp) implements Outcome {}

  /** A retry: the outcome recorded for its request id (rule 8), nothing appended. */
  public record Earlier(RequestOutcome outcome) implements Outcome {}

  /** Refused (404, 409, 421, 400...), nothing appended; recorded when it has a request id. */
  public record Refused(RuntimeException error) implements Outcome {}

  /** No change: a wake-up of the batcher (the term's no-op). */
  public record Wakeup() implements Outcome {}
}
