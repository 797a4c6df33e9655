package io.shardeddb.router.topology;

import io.shardeddb.protocol.topology.Replica;
import io.shardeddb.protocol.topology.ShardMap;
import io.shardeddb.protocol.topology.ShardTopology;
import io.shardeddb.protocol.topology.Topology;
import io.shardeddb.router.routing.HashRing;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One topology with everything a request needs precomputed once per change (the key → shard map and
 * a hash ring of replicas per shard), so requests share it instead of copying the topology.
 */
public final class RoutingTable {
  private final Topology topology;
  private final ShardMap<ShardTopology> shardMap;
  private final Map<String, HashRing<Replica>> rings;

  public RoutingTable(Topology topology) {
    this.topology = topology;
    this.shardMap = topology.shardMap();
    Map<String, HashRing<Replica>> r = new HashMap<>();
    for (ShardTopology s : topology.shards()) {
      r.put(s.id(), new HashRing<>(s.replicas(), Replica::name));
    }
    this.rings = Map.copyOf(r);
  }

  /** The topology document. */
  public Topology topology() {
    return topology;
  }

  /** The topology's version (grows with every change). */
  public long version() {
    return topology.version();
  }

  /** The key → shard map. */
  public ShardMap<ShardTopology> shardMap() {
    return shardMap;
  }

  /** The shards in key order. */
  public List<ShardTopology> shards() {
    return shardMap.shards();
  }

  /** The consistent-hash ring over the replicas of {@code shardId}. */
  public HashRing<Replica> ring(String shardId) {
    return rings.getOrDefault(shardId, new HashRing<>(List.of(), Replica::name));
  }

  /** Whether {@code /init} has happened (a schema and at least one shard). */
  public boolean initialized() {
    return topology.isInitialized();
  }
}
