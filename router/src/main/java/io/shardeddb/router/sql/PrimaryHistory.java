package io.shardeddb.router.sql;

import io.micronaut.context.annotation.Context;
import io.shardeddb.protocol.topology.ShardTopology;
import io.shardeddb.protocol.topology.Topology;
import io.shardeddb.router.topology.RoutingTable;
import io.shardeddb.router.topology.TopologyHolder;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Remembers, per shard, the first primary this router process saw in its topology, so the status
 * can say whether the current primary is that original one. It follows every topology change from
 * the router's start (created eagerly); a restarted router starts remembering afresh, which the
 * status says alongside the shard's epoch.
 */
@Context
public class PrimaryHistory {
  private final TopologyHolder topology;
  private Map<String, String> first = Map.of();

  public PrimaryHistory(TopologyHolder topology) {
    this.topology = topology;
    RoutingTable now = topology.current();
    observe(now.topology());
    follow(now.version());
  }

  /** The first primary seen for each shard now in the topology. */
  public synchronized Map<String, String> firstPrimaries() {
    observe(topology.current().topology());
    return first;
  }

  private void follow(long version) {
    topology
        .newerThan(version)
        .thenAccept(
            t -> {
              observe(t.topology());
              follow(t.version());
            });
  }

  private synchronized void observe(Topology t) {
    first = record(first, t);
  }

  /**
   * {@code known} plus the primary of every shard of {@code t} not yet known, minus shards {@code
   * t} no longer has. Pure.
   */
  static Map<String, String> record(Map<String, String> known, Topology t) {
    Map<String, String> out = new LinkedHashMap<>(known);
    Set<String> present = new HashSet<>();
    for (ShardTopology s : t.shards()) {
      present.add(s.id());
      if (s.primary() != null && !out.containsKey(s.id())) {
        out.put(s.id(), s.primary());
      }
    }
    out.keySet().retainAll(present);
    return Map.copyOf(out);
  }
}
