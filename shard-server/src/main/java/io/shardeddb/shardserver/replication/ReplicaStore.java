package io.shardeddb.shardserver.replication;

import io.shardeddb.protocol.shard.LogEntry;
import io.shardeddb.protocol.shard.Peer;
import io.shardeddb.protocol.topology.Role;
import io.shardeddb.protocol.topology.WriteQuorum;
import io.shardeddb.shardserver.replication.write.BatchPlan;
import io.shardeddb.shardserver.replication.write.GroupCommit;
import io.shardeddb.shardserver.storage.RequestOutcome;
import io.shardeddb.shardserver.storage.ShardConfig;
import io.shardeddb.shardserver.storage.ShardStore;
import io.shardeddb.shardserver.storage.UserTable;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.LongUnaryOperator;

/**
 * The storage the replica needs: on the primary one group commit as one transaction and where the
 * log ends (rule 15); on a secondary the replay of replicated entries and the re-copy (rule 7); on
 * both the role and vote (rule 1). {@link JdbcReplicaStore} is the production one (MariaDB, through
 * {@link ShardStore}); the simulator's is an in-memory disk with seeded faults. A storage error is
 * a {@link RuntimeException}; after one in or after COMMIT the outcome is unknown until {@link
 * #recoverPosition} says.
 */
public interface ReplicaStore {
  /**
   * Runs {@link GroupCommit} for {@code changes} (nulls are wake-ups) after {@code prevLsn} in
   * {@code epoch}, its entries stamped by {@code commitMillis} (see GroupCommit), in ONE
   * transaction: lookup, plan, commit of the plan with the epoch re-check (rule 6). A failed
   * re-check rolls everything back and returns the uncommitted result. {@code planned} sees the
   * plan before the commit is attempted.
   */
  GroupCommit.Result groupCommit(
      UserTable table,
      List<ClientChange> changes,
      long epoch,
      boolean needNoop,
      long prevLsn,
      LongUnaryOperator commitMillis,
      long lastTimestamp,
      ShardConfig config,
      Consumer<BatchPlan> planned);

  /** Where storage says the log ends (rule 15), raising a position left below the log's end. */
  ShardStore.StoredPosition recoverPosition();

  /** Log entries from {@code fromLsn} on, at most {@code limit} (fewer: ask again). */
  List<LogEntry> logPage(long fromLsn, int limit);

  /**
   * Persists a role ({@code primary} null with {@link Role#None}: fenced); {@code vote} (the
   * primary's name) is recorded as this replica's vote for {@code epoch} in the same transaction,
   * or left as it is when null.
   */
  void saveRole(
      long epoch,
      Role role,
      Peer primary,
      List<Peer> peers,
      WriteQuorum quorum,
      int specReplicas,
      String vote);

  /** The epoch of the entry at {@code lsn} in the log, if held. */
  Optional<Long> epochAt(long lsn);

  /**
   * A secondary's replay of consecutive entries (starting right after the applied position) in one
   * transaction: rows, request outcomes, config, log and position together; returns the config as
   * of the last entry (range entries change what the shard owns).
   */
  ShardConfig applyReplicated(UserTable table, List<LogEntry> entries, ShardConfig config);

  /** Starts a re-copy: persists Copying with the position reset, then deletes everything. */
  void beginCopy(UserTable table);

  /** Loads one chunk of snapshot rows. */
  void loadChunk(UserTable table, List<Map<String, Object>> rows);

  /** Loads request outcomes shipped in a snapshot. */
  void loadOutcomes(List<RequestOutcome> outcomes);

  /** Ends a re-copy: the rows are those of {@code lsn}, and the log continues after it. */
  void finishCopy(long lsn, long epoch, long commitMillis);

  /** As above, the base also carrying its global timestamp (stores that keep none ignore it). */
  default void finishCopy(long lsn, long epoch, long commitMillis, long timestamp) {
    finishCopy(lsn, epoch, commitMillis);
  }

  /**
   * Which of {@code requestIds} have a recorded outcome here (one lookup): an import never logs a
   * request id twice (rule 13).
   */
  Set<String> recordedAmong(Collection<String> requestIds);
}
