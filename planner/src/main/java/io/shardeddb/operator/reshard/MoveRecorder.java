package io.shardeddb.operator.reshard;

import io.shardeddb.api.v1alpha1.MoveStatus;
import io.shardeddb.protocol.shard.LogPosition;
import io.shardeddb.protocol.topology.PointRange;
import java.util.Map;

/**
 * Where the {@link Resharder} records a move before acting on it (the resource's status), so that
 * an operator restart resumes from the recorded phase. Both calls throw when the write fails: the
 * pass stops there and the next one resumes from what is recorded.
 */
public interface MoveRecorder {

  /** Records {@code move} (replacing the recorded move with its id). */
  void record(MoveStatus move);

  /**
   * Publishes {@code layout} as the new published layout together with {@code move}, only if the
   * recorded layout is still {@code basis} (optimistic concurrency); throws otherwise. {@code
   * adopted}, the log position of the destination's acknowledged adopt, becomes the destination's
   * session floor (the later of it and the one recorded).
   */
  void publish(
      Map<String, PointRange> basis,
      Map<String, PointRange> layout,
      MoveStatus move,
      LogPosition adopted);
}
