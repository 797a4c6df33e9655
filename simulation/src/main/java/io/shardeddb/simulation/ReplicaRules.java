package io.shardeddb.simulation;

import io.shardeddb.protocol.shard.ReplicaState;
import io.shardeddb.shardserver.replication.rules.EpochRules;
import io.shardeddb.shardserver.replication.rules.Rulebook;

/**
 * The shard-server's rules as the simulated replica uses them. The {@link Rulebook} part (quorum
 * size, log matching, lease, the resolution of an unknown commit outcome) is injected into the
 * production {@code WriteCoordinator} and {@code SecondarySync} each simulated replica runs; the
 * rest — {@link EpochRules} for fences, roles and votes and the state a fence answer reports — is
 * called by the simulator's adapter in place of {@code RoleService}. Each method is one seam a test
 * may override to break that rule on purpose and see the simulator catch it.
 */
class ReplicaRules extends Rulebook {
  EpochRules.Fence fence(EpochRules.Epochs persisted, long requested) {
    return EpochRules.fence(persisted, requested);
  }

  EpochRules.RoleVerdict role(
      EpochRules.Epochs persisted, long epoch, String primary, boolean asPrimary, boolean copying) {
    return EpochRules.role(persisted, epoch, primary, asPrimary, copying);
  }

  /** The state a replica reports in its fence answer. */
  ReplicaState reported(ReplicaState actual) {
    return actual;
  }
}
