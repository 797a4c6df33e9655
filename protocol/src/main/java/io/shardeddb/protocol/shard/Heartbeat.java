package io.shardeddb.protocol.shard;

import io.micronaut.serde.annotation.Serdeable;
import io.shardeddb.protocol.topology.PointRange;
import io.shardeddb.protocol.topology.Role;
import java.util.List;

/**
 * {@code GET /heartbeat}: who this replica is and how far it is. {@code lastEntryEpoch} is the
 * epoch of the last log entry it holds, so that (lastEntryEpoch, appliedLsn) orders replicas by how
 * up to date they are when a new primary is chosen. {@code lagLsn} is the primary's LSN minus this
 * replica's, as last learned. {@code copy} is set while {@code state} is Copying. {@code
 * primaryUrl} is the address at which this replica was told its primary is (the one it pulls the
 * log from); null from shard-servers that predate the field. {@code owned} is the point ranges this
 * replica's shard owns as of its applied log; {@code importing} the progress of an import on a
 * primary (docs/resharding.md); both null from older shard-servers. {@code quorum} is a primary's
 * write quorum as it stands ({@link QuorumState}); null from secondaries and older shard-servers.
 */
@Serdeable
public record Heartbeat(
    String name,
    String shard,
    Role role,
    long epoch,
    long appliedLsn,
    long lastEntryEpoch,
    String primary,
    long lagLsn,
    ReplicaState state,
    CopyProgress copy,
    String primaryUrl,
    List<PointRange> owned,
    ImportProgress importing,
    QuorumState quorum) {

  /** A heartbeat without the quorum state (secondaries; shard-servers before it). */
  public Heartbeat(
      String name,
      String shard,
      Role role,
      long epoch,
      long appliedLsn,
      long lastEntryEpoch,
      String primary,
      long lagLsn,
      ReplicaState state,
      CopyProgress copy,
      String primaryUrl,
      List<PointRange> owned,
      ImportProgress importing) {
    this(
        name,
        shard,
        role,
        epoch,
        appliedLsn,
        lastEntryEpoch,
        primary,
        lagLsn,
        state,
        copy,
        primaryUrl,
        owned,
        importing,
        null);
  }

  /** The same heartbeat with a primary's {@code quorum} state. */
  public Heartbeat withQuorum(QuorumState quorum) {
    return new Heartbeat(
        name,
        shard,
        role,
        epoch,
        appliedLsn,
        lastEntryEpoch,
        primary,
        lagLsn,
        state,
        copy,
        primaryUrl,
        owned,
        importing,
        quorum);
  }

  /**
   * The same heartbeat saying another position ({@code appliedLsn}, {@code lastEntryEpoch}) and
   * state; {@code copy} stays only while the state is Copying.
   */
  public Heartbeat withPosition(long appliedLsn, long lastEntryEpoch, ReplicaState state) {
    return new Heartbeat(
        name,
        shard,
        role,
        epoch,
        appliedLsn,
        lastEntryEpoch,
        primary,
        lagLsn,
        state,
        state == ReplicaState.Copying ? copy : null,
        primaryUrl,
        owned,
        importing,
        quorum);
  }

  /** A heartbeat without the resharding fields (as shard-servers before them send it). */
  public Heartbeat(
      String name,
      String shard,
      Role role,
      long epoch,
      long appliedLsn,
      long lastEntryEpoch,
      String primary,
      long lagLsn,
      ReplicaState state,
      CopyProgress copy,
      String primaryUrl) {
    this(
        name,
        shard,
        role,
        epoch,
        appliedLsn,
        lastEntryEpoch,
        primary,
        lagLsn,
        state,
        copy,
        primaryUrl,
        null,
        null);
  }

  /** A heartbeat that does not say where its primary is (as older shard-servers send it). */
  public Heartbeat(
      String name,
      String shard,
      Role role,
      long epoch,
      long appliedLsn,
      long lastEntryEpoch,
      String primary,
      long lagLsn,
      ReplicaState state,
      CopyProgress copy) {
    this(name, shard, role, epoch, appliedLsn, lastEntryEpoch, primary, lagLsn, state, copy, null);
  }

  /** Whether the replica holds a role and is caught up (its readiness). */
  public boolean ready() {
    return state == ReplicaState.Ready;
  }
}
