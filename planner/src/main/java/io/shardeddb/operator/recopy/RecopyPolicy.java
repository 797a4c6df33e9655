package io.shardeddb.operator.recopy;

import io.shardeddb.protocol.shard.ChecksumResponse;
import io.shardeddb.protocol.shard.Heartbeat;
import io.shardeddb.protocol.shard.ReplicaState;

/**
 * Decides when a secondary must drop its data and re-copy from the primary: only when it came back
 * empty while the primary holds entries. Divergence is not judged here: heartbeats are taken at
 * different moments, so comparing them calls healthy secondaries diverged under load; the
 * shard-servers detect divergence themselves by log matching (DESIGN §5 rule 4). Also judges a
 * finished copy by its checksum.
 */
public final class RecopyPolicy {

  /**
   * Whether {@code replica} (a secondary) must re-copy from {@code primary}; {@code cameBackEmpty}
   * when the operator just had to configure it again (its volume was lost).
   */
  public RecopyDecision decide(Heartbeat replica, Heartbeat primary, boolean cameBackEmpty) {
    if (replica.state() == ReplicaState.Copying || primary.state() == ReplicaState.Copying) {
      return RecopyDecision.NONE;
    }
    boolean empty =
        cameBackEmpty
            || replica.state() == ReplicaState.Unconfigured
            || (replica.appliedLsn() == 0 && replica.lastEntryEpoch() == 0);
    if (empty && primary.appliedLsn() > 0) {
      return RecopyDecision.resync(
          "replica came back empty while the primary is at lsn " + primary.appliedLsn());
    }
    return RecopyDecision.NONE;
  }

  /** The outcome of comparing a copied replica with its primary. */
  public enum Verification {
    /** Same LSN, same digest: the replica rejoins. */
    MATCHES,
    /** Same LSN, different data: copy again. */
    DIFFERS,
    /** Not at the same LSN yet: compare again later. */
    NOT_COMPARABLE
  }

  /** Compares the replica's checksum with the primary's. */
  public Verification verify(ChecksumResponse replica, ChecksumResponse primary) {
    if (replica.appliedLsn() != primary.appliedLsn()) {
      return Verification.NOT_COMPARABLE;
    }
    return replica.rows() == primary.rows() && replica.digest().equals(primary.digest())
        ? Verification.MATCHES
        : Verification.DIFFERS;
  }
}
