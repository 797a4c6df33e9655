package io.shardeddb.shardserver.replication.write;

import io.shardeddb.shardserver.replication.ClientChange;
import io.shardeddb.shardserver.storage.ShardConfig;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongUnaryOperator;
import java.util.function.UnaryOperator;

/**
 * One group commit, the same for the shard-server and the simulator: look up what the plan needs,
 * plan (pure, {@link BatchPlanner}), commit the plan, all against one {@link WriteStorage}
 * transaction.
 */
public final class GroupCommit {
  private GroupCommit() {}

  /** A committed (or, when {@code removed} is null, refused by the epoch re-check) plan. */
  public record Result(BatchPlan plan, long[] removed) {
    public boolean committed() {
      return removed != null;
    }
  }

  /**
   * Plans {@code changes} (nulls are wake-ups) after {@code prevLsn} in {@code epoch}, the term's
   * no-op first when {@code needNoop}, and commits the plan. Every entry carries the commit time
   * {@code commitMillis} gives for the floor storage knows: the commit time of the log's last entry
   * on the term's first batch (read in the same transaction), 0 after that (the caller keeps the
   * term's own floor). Every entry's global timestamp is above the one before it: the log's last
   * entry's on the term's first batch (read in the same transaction), {@code lastTimestamp} (the
   * term's own) after that. {@code planned} sees the plan before the commit is attempted, so a
   * caller whose commit fails can still tell which entries it meant to append (rule 15).
   */
  public static Result run(
      WriteStorage storage,
      List<ClientChange> changes,
      long epoch,
      boolean needNoop,
      long prevLsn,
      LongUnaryOperator commitMillis,
      long lastTimestamp,
      ShardConfig config,
      UnaryOperator<Map<String, Object>> toWire,
      Consumer<BatchPlan> planned)
      throws SQLException {
    BatchPlanner.Lookup lookup = BatchPlanner.lookupOf(changes, config);
    WriteStorage.Known known = storage.lookUp(lookup);
    long floor = needNoop ? storage.commitMillisAt(prevLsn) : 0;
    long lastTs = needNoop ? storage.timestampAt(prevLsn) : lastTimestamp;
    BatchPlan plan =
        BatchPlanner.plan(
            new BatchPlanner.Batch(
                changes,
                epoch,
                needNoop,
                prevLsn,
                commitMillis.applyAsLong(floor),
                config,
                known.outcomes(),
                known.present(),
                toWire,
                lastTs));
    planned.accept(plan);
    return new Result(plan, storage.commit(plan, epoch));
  }
}
