package io.shardeddb.shardserver.replication;

import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import io.shardeddb.protocol.shard.Peer;
import io.shardeddb.protocol.topology.Role;
import io.shardeddb.protocol.topology.WriteQuorum;
import io.shardeddb.shardserver.storage.ShardStore;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Persists the role, the highest epoch seen and the vote per epoch, before the in-memory state
 * follows (InnoDB's commit makes them durable before any reply).
 */
@Singleton
public class RoleStore {
  private final ReplicaContext ctx;
  private final ShardStore store;
  private final JsonMapper json;

  public RoleStore(ReplicaContext ctx, ShardStore store, JsonMapper json) {
    this.ctx = ctx;
    this.store = store;
    this.json = json;
  }

  /** Persists then applies a role; accepting it casts this replica's vote for the epoch. */
  public void assign(
      long epoch, Role role, Peer primary, List<Peer> peers, WriteQuorum quorum, int replicas) {
    store.saveRole(
        epoch,
        role.name(),
        primary.name(),
        primary.url(),
        writePeers(peers),
        quorum.name(),
        replicas,
        primary.name());
    ctx.assignRole(epoch, role, primary, peers, quorum, replicas);
  }

  /**
   * A peer has seen {@code seenEpoch}: remember it (so this replica refuses older roles after a
   * restart too) and drop the role until the operator assigns a new one.
   */
  public void fence(long seenEpoch) {
    ReplicaContext.View v = ctx.view();
    long epoch = Math.max(v.epoch(), seenEpoch);
    store.saveRole(
        epoch,
        Role.None.name(),
        null,
        null,
        writePeers(v.peers()),
        v.quorum().name(),
        v.specReplicas(),
        null);
    ctx.fence(seenEpoch);
  }

  public String writePeers(List<Peer> peers) {
    try {
      return peers == null ? null : json.writeValueAsString(peers);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public List<Peer> readPeers(String peersJson) {
    if (peersJson == null) {
      return List.of();
    }
    try {
      return json.readValue(peersJson, Argument.listOf(Peer.class));
    } catch (IOException e) {
      throw new UncheckedIOException("stored peers are unreadable", e);
    }
  }
}
