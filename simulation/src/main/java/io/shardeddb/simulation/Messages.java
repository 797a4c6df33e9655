package io.shardeddb.simulation;

import io.shardeddb.protocol.shard.ReplicaState;
import java.util.List;
import java.util.Map;

/** The messages of the simulated shard: the wire protocol of DESIGN §4/§5 reduced to values. */
final class Messages {
  private Messages() {}

  // operator -> replica
  record Fence(long epoch) {}

  record FenceAck(
      String name,
      long epoch,
      long lastEntryEpoch,
      long lastLsn,
      ReplicaState state,
      boolean handsOverLease) {}

  /**
   * {@code POST /config}: the bring-up's table, owning {@code owned} (the published layout's range
   * for the shard, as {@code ShardConfigModel} sends it; null: the bring-up's own).
   */
  record Configure(List<io.shardeddb.protocol.topology.PointRange> owned) {}

  record Resync() {}

  /**
   * {@code chosenAt}: the position a Primary role was chosen for (null: none named); {@code peers}
   * the voting replicas ({@code replicas} their count), {@code learners} the ones fed but not
   * counted (rule 12); {@code urls} the address of each of them and of the primary, as the
   * operator's pod listing gave it (stale for a pod that is gone); {@code leaseHandedOver} the
   * role's (rule 9).
   */
  record Role(
      long epoch,
      boolean primary,
      String primaryName,
      int replicas,
      io.shardeddb.protocol.shard.LogPosition chosenAt,
      List<String> peers,
      List<String> learners,
      Map<String, String> urls,
      boolean leaseHandedOver,
      io.shardeddb.protocol.topology.WriteQuorum writeQuorum) {

    /** A role of a Majority spec (the scripted schedules' roles). */
    Role(
        long epoch,
        boolean primary,
        String primaryName,
        int replicas,
        io.shardeddb.protocol.shard.LogPosition chosenAt,
        List<String> peers,
        List<String> learners,
        Map<String, String> urls,
        boolean leaseHandedOver) {
      this(
          epoch,
          primary,
          primaryName,
          replicas,
          chosenAt,
          peers,
          learners,
          urls,
          leaseHandedOver,
          io.shardeddb.protocol.topology.WriteQuorum.Majority);
    }
  }

  /** {@code POST /timestamps}: {@code count} slots from the oracle (DESIGN §11). */
  record TimestampAsk(long id, int count) {}

  /** Its answer: 200 with {@code count} slots from {@code first}, else the error's status. */
  record TimestampReply(long id, int status, long first, int count) {}

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
      io.shardeddb.protocol.shard.QuorumState quorum,
      String primaryUrl,
      long primaryContactAgeMillis,
      boolean primaryLost) {}

  // client <-> replica
  record Write(String rid, long key) {}

  /**
   * The answer to a change: {@code status} 200 with its entry's {@code (lsn, entryEpoch)} (the
   * session token; {@code entryEpoch} 0 when the entry left the log), or the error's status.
   */
  record WriteReply(
      String rid,
      boolean ok,
      long epoch,
      String notPrimaryBecause,
      int status,
      long lsn,
      long entryEpoch) {
    WriteReply(String rid, boolean ok, long epoch, String notPrimaryBecause) {
      this(rid, ok, epoch, notPrimaryBecause, ok ? 200 : 503, -1, 0);
    }
  }

  /** {@code PUT /update} of {@code key}'s value. */
  record Update(String rid, long key, long value) {}

  /** {@code DELETE /del} of {@code key}. */
  record Delete(String rid, long key) {}

  record Read(long id) {}

  record ReadReply(long id, boolean ok, long epoch, List<Long> keys) {}

  /** The router's read consistency levels (docs/router.md). */
  enum Level {
    PRIMARY,
    SESSION,
    ANY
  }

  /** A {@code /read} of one key; a session read carries its token ({@code minLsn} < 0: none). */
  record ReadKey(long id, long key, Level level, long minLsn, long minEpoch) {}

  /** 200 with the key's value (null: absent), or the error's status. */
  record ReadKeyReply(long id, int status, Long value) {}

  /** What a routed change does. */
  enum Op {
    INSERT,
    UPDATE,
    DELETE
  }

  /**
   * A change the production router's write path sends ({@link SimRouter}): an insert of {@code key}
   * with {@code value} ({@code POST /write}), an update of its value ({@code PUT /update}) or its
   * delete ({@code DELETE /del}; {@code value} unused), with the ranges the router's layout says
   * the shard owns ({@code X-Shard-Owned}). Answered with a {@link WriteReply} (421: not owned).
   */
  record OwnedChange(
      String rid,
      long key,
      long value,
      Op op,
      List<io.shardeddb.protocol.topology.PointRange> expected) {}

  /**
   * {@code POST /write/batch} of inserts the production router's coalescer put together, with the
   * ranges its layout gives the shard. Answered with a {@link BatchReply}.
   */
  record OwnedBatch(
      String id,
      List<OwnedChange> items,
      List<io.shardeddb.protocol.topology.PointRange> expected) {}

  /**
   * The answer to an {@link OwnedBatch}: {@code status} 200 with one {@link WriteReply} per item,
   * in the request's order, or the whole request's failure (421: not owned, 503: not configured).
   */
  record BatchReply(String id, int status, String message, List<WriteReply> results) {}

  /**
   * {@code POST /read} of one key from the production router's read path ({@link SimRouter}), with
   * the ranges its layout gives the shard ({@code X-Shard-Owned}; null: not sent): at {@code
   * primary} consistency, at {@code session} or at {@code any} ({@code minLsn}/{@code minEpoch} are
   * the session's entry, -1 and 0 when not sent: {@code ShardServerClient} sends only positive
   * ones).
   */
  record OwnedRead(
      String id,
      long key,
      List<io.shardeddb.protocol.topology.PointRange> expected,
      boolean primary,
      boolean session,
      long minEpoch,
      long minLsn,
      io.shardeddb.protocol.shard.LogPosition floor) {}

  /** 200 with the key's value (null: absent), or the error's status and message. */
  record OwnedReadReply(String id, long key, int status, String message, Long value) {}

  /** {@code GET /heartbeat} from a router's {@code ReplicaHealth}. */
  record HeartbeatAsk(String id) {}

  /** The answer to a {@link HeartbeatAsk}: what {@code ShardController.heartbeat} answers. */
  record HeartbeatReply(String id, io.shardeddb.protocol.shard.Heartbeat heartbeat) {}
}
