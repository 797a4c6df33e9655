package io.shardeddb.simulation;

import io.shardeddb.protocol.shard.ReplicaState;
import java.util.List;

/** The messages of the simulated shard: the wire protocol of DESIGN §4/§5 reduced to values. */
final class Messages {
  private Messages() {}

  /** A log entry: a client insert of {@code key} with {@code rid}, or a no-op when key < 0. */
  record Entry(long lsn, long epoch, long key, String rid) {
    boolean noop() {
      return key < 0;
    }
  }

  // operator -> replica
  record Fence(long epoch) {}

  record FenceAck(String name, long epoch, long lastEntryEpoch, long lastLsn, ReplicaState state) {}

  record Configure() {}

  record Resync() {}

  /** {@code chosenAt}: the position a Primary role was chosen for (null: none named). */
  record Role(
      long epoch,
      boolean primary,
      String primaryName,
      int replicas,
      io.shardeddb.protocol.shard.LogPosition chosenAt) {}

  record Ping() {}

  record Pong(
      String name,
      long epoch,
      boolean primary,
      boolean secondary,
      String primaryName,
      long lastEntryEpoch,
      long lastLsn,
      ReplicaState state,
      io.shardeddb.protocol.shard.QuorumState quorum) {}

  // client <-> replica
  record Write(String rid, long key) {}

  record WriteReply(String rid, boolean ok, long epoch, String notPrimaryBecause) {}

  record Read(long id) {}

  record ReadReply(long id, boolean ok, long epoch, List<Long> keys) {}
}
