package io.shardeddb.simulation;

import io.shardeddb.protocol.shard.ReplicaState;
import io.shardeddb.protocol.topology.WriteQuorum;
import io.shardeddb.shardserver.replication.rules.EpochRules;
import io.shardeddb.shardserver.replication.rules.LeaseRules;
import io.shardeddb.shardserver.replication.rules.LogMatching;

/**
 * The shard-server's real decision code as the simulated replica calls it: {@link EpochRules} for
 * fences, roles and votes, {@link LogMatching} for replication batches, {@link LeaseRules} for
 * primary reads, and the write quorum over the spec's replicas. Each method is one seam a test may
 * override to break that rule on purpose and see the simulator catch it.
 */
class ReplicaRules {
  EpochRules.Fence fence(EpochRules.Epochs persisted, long requested) {
    return EpochRules.fence(persisted, requested);
  }

  EpochRules.RoleVerdict role(
      EpochRules.Epochs persisted, long epoch, String primary, boolean asPrimary, boolean copying) {
    return EpochRules.role(persisted, epoch, primary, asPrimary, copying);
  }

  LogMatching.Decision batch(LogMatching.Local mine, LogMatching.Batch batch) {
    return LogMatching.decide(mine, batch);
  }

  LeaseRules.Lease lease(
      long nowNanos, long promotedAtNanos, long leaseNanos, int required, long[] acks) {
    return LeaseRules.primaryLease(nowNanos, promotedAtNanos, leaseNanos, 0, required, acks);
  }

  /** Acknowledgements a write needs, counted over the spec's {@code replicas}. */
  int required(int replicas, int peersWithAddress) {
    return WriteQuorum.Majority.required(replicas);
  }

  /** The state a replica reports in its fence answer. */
  ReplicaState reported(ReplicaState actual) {
    return actual;
  }
}
