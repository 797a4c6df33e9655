package io.shardeddb.router.admin;

import io.shardeddb.protocol.lb.DatabaseConfig;
import io.shardeddb.protocol.lb.ShardDoc;
import io.shardeddb.protocol.schema.TableSchema;
import io.shardeddb.protocol.topology.ShardTopology;
import io.shardeddb.protocol.topology.Topology;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The database layout the assignment's admin endpoints manipulate: the schema, the shards and which
 * named servers hold which shards. A server listed for a shard is one replica of that shard, so a
 * shard's replica count is the number of servers listing it.
 */
public record Layout(TableSchema schema, List<ShardDoc> shards, Map<String, List<String>> servers) {

  public Layout {
    shards = List.copyOf(shards);
    servers = copy(servers);
  }

  /** The layout a topology describes. */
  public static Layout of(Topology topology) {
    List<ShardDoc> shards = new ArrayList<>();
    for (ShardTopology s : topology.shards()) {
      shards.add(new ShardDoc(s.low(), s.id(), s.size()));
    }
    return new Layout(topology.schema(), shards, topology.servers());
  }

  /**
   * The {@code /status} view of a topology. A database created with {@code kubectl apply} (not
   * {@code /init}) has no server names: then each replica is shown as a server holding its shard,
   * named after its pod, so {@code N} counts the shard-servers that really run.
   */
  public static DatabaseConfig statusOf(Topology topology) {
    Layout layout = of(topology);
    if (!layout.servers().isEmpty()) {
      return layout.toConfig();
    }
    Map<String, List<String>> byReplica = new LinkedHashMap<>();
    for (ShardTopology s : topology.shards()) {
      s.replicas()
          .forEach(r -> byReplica.computeIfAbsent(r.name(), k -> new ArrayList<>()).add(s.id()));
    }
    return new Layout(layout.schema(), layout.shards(), byReplica).toConfig();
  }

  /** How many servers list {@code shardId}. */
  public int replicasOf(String shardId) {
    int n = 0;
    for (List<String> held : servers.values()) {
      if (held.contains(shardId)) {
        n++;
      }
    }
    return n;
  }

  /** The assignment's {@code /status} view. */
  public DatabaseConfig toConfig() {
    return new DatabaseConfig(
        servers.size(), schema == null ? null : schema.toContract(), shards, servers);
  }

  /** The servers (in order) that hold {@code shardId}. */
  public List<String> serversOf(String shardId) {
    List<String> out = new ArrayList<>();
    servers.forEach(
        (name, held) -> {
          if (held.contains(shardId)) {
            out.add(name);
          }
        });
    return out;
  }

  static Map<String, List<String>> copy(Map<String, List<String>> servers) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    if (servers != null) {
      servers.forEach((k, v) -> out.put(k, v == null ? List.of() : List.copyOf(v)));
    }
    return out;
  }
}
