package io.shardeddb.operator.recopy;

import io.shardeddb.protocol.shard.ChecksumResponse;
import io.shardeddb.protocol.shard.Heartbeat;
import io.shardeddb.protocol.shard.ReplicaState;

/**
 * Decides when a secondary must drop its data and re-copy from the primary: it came back empty
 * while the primary holds entries, or it has diverged (holds entries of a later epoch, or more
 * entries of the same epoch, than the primary). Also judges a finished copy by its checksum.
 */
public final class RecopyPolicy {

  /** Whether {@code replica} (a secondary) must re-copy from {@code primary}. */
  public RecopyDecision decide(Heartbeat replica, Heartbeat primary) {
    if (replica.state() == ReplicaState.Copying
        || replica.state() == ReplicaState.Unconfigured
        || primary.state() == ReplicaState.Copying) {
      return RecopyDecision.NONE;
    }
    if (replica.appliedLsn() == 0 && primary.appliedLsn() > 0) {
      return RecopyDecision.resync(
          "replica is empty while the primary is at lsn " + primary.appliedLsn());
    }
    if (replica.lastEntryEpoch() > primary.lastEntryEpoch()) {
      return RecopyDecision.resync(
          "replica holds entries of epoch "
              + replica.lastEntryEpoch()
              + " the primary never had (primary's last entry epoch "
              + primary.lastEntryEpoch()
              + ")");
    }
    if (replica.lastEntryEpoch() == primary.lastEntryEpoch()
        && replica.appliedLsn() > primary.appliedLsn()) {
      return RecopyDecision.resync(
          "replica is at lsn "
              + replica.appliedLsn()
              + ", ahead of the primary's "
              + primary.appliedLsn()
              + ": it diverged");
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
