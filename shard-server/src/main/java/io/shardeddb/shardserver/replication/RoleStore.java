package io.shardeddb.shardserver.replication;

import io.shardeddb.protocol.shard.Peer;
import io.shardeddb.protocol.topology.Role;
import io.shardeddb.protocol.topology.WriteQuorum;
import jakarta.inject.Singleton;
import java.util.List;

/**
 * Persists the role, the highest epoch seen and the vote per epoch, before the in-memory state
 * follows (InnoDB's commit makes them durable before any reply).
 */
@Singleton
public class RoleStore {
  private final ReplicaContext ctx;
  private final ReplicaStore store;

  public RoleStore(ReplicaContext ctx, ReplicaStore store) {
    this.ctx = ctx;
    this.store = store;
  }

  /** Persists then applies a role; accepting it casts this replica's vote for the epoch. */
  public void assign(
      long epoch, Role role, Peer primary, List<Peer> peers, WriteQuorum quorum, int replicas) {
    store.saveRole(epoch, role, primary, peers, quorum, replicas, primary.name());
    ctx.assignRole(epoch, role, primary, peers, quorum, replicas);
  }

  /**
   * A peer has seen {@code seenEpoch}: remember it (so this replica refuses older roles after a
   * restart too) and drop the role until the operator assigns a new one.
   */
  public void fence(long seenEpoch) {
    ReplicaContext.View v = ctx.view();
    long epoch = Math.max(v.epoch(), seenEpoch);
    store.saveRole(epoch, Role.None, null, v.peers(), v.quorum(), v.specReplicas(), null);
    ctx.fence(seenEpoch);
  }
}
