package io.shardeddb.router.topology;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.shardeddb.protocol.schema.Column;
import io.shardeddb.protocol.schema.ColumnType;
import io.shardeddb.protocol.schema.TableSchema;
import io.shardeddb.protocol.topology.Replica;
import io.shardeddb.protocol.topology.Role;
import io.shardeddb.protocol.topology.ShardTopology;
import io.shardeddb.protocol.topology.Topology;
import io.shardeddb.protocol.topology.WriteQuorum;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a {@code ShardedDatabase} resource into a {@link Topology}, using only the JSON paths that
 * docs/architecture.md lists as the operator–router contract. Pure, so it is tested without a
 * cluster.
 */
public final class ShardedDatabaseTopology {
  /** The ShardedDatabase resource type. */
  public static final ResourceDefinitionContext CONTEXT =
      new ResourceDefinitionContext.Builder()
          .withGroup("shardeddb.io")
          .withVersion("v1alpha1")
          .withKind("ShardedDatabase")
          .withPlural("shardeddatabases")
          .withNamespaced(true)
          .build();

  private ShardedDatabaseTopology() {}

  /** The topology the resource describes; {@code version} is assigned by the holder. */
  public static Topology from(GenericKubernetesResource resource) {
    Map<String, Object> spec = map(resource.getAdditionalProperties().get("spec"));
    Map<String, Object> status = map(resource.getAdditionalProperties().get("status"));
    TableSchema schema = schema(map(spec.get("schema")));
    Map<String, Map<String, Object>> statusShards = new LinkedHashMap<>();
    for (Object o : list(status.get("shards"))) {
      Map<String, Object> s = map(o);
      if (s.get("id") != null) {
        statusShards.put(String.valueOf(s.get("id")), s);
      }
    }
    List<ShardTopology> shards = new ArrayList<>();
    for (Object o : list(spec.get("shards"))) {
      Map<String, Object> s = map(o);
      String id = String.valueOf(s.get("id"));
      Map<String, Object> st = statusShards.getOrDefault(id, Map.of());
      List<Replica> replicas = new ArrayList<>();
      for (Object r : list(st.get("replicas"))) {
        Map<String, Object> rep = map(r);
        if (rep.get("pod") != null && rep.get("url") != null) {
          replicas.add(
              new Replica(
                  String.valueOf(rep.get("pod")),
                  String.valueOf(rep.get("url")),
                  role(rep.get("role"))));
        }
      }
      shards.add(
          new ShardTopology(
              id,
              number(s.get("low")),
              number(s.get("size")),
              number(st.get("epoch")),
              st.get("primary") == null ? null : String.valueOf(st.get("primary")),
              replicas));
    }
    Map<String, List<String>> servers = new LinkedHashMap<>();
    map(spec.get("servers"))
        .forEach((k, v) -> servers.put(k, list(v).stream().map(String::valueOf).toList()));
    WriteQuorum quorum =
        spec.get("writeQuorum") == null
            ? WriteQuorum.Majority
            : WriteQuorum.valueOf(String.valueOf(spec.get("writeQuorum")));
    return new Topology(resource.getMetadata().getName(), 0, schema, quorum, shards, servers);
  }

  /** Whether status reports condition Ready=True for at least {@code generation}. */
  public static boolean readyFor(GenericKubernetesResource resource, long generation) {
    Map<String, Object> status = map(resource.getAdditionalProperties().get("status"));
    if (number(status.get("observedGeneration")) < generation) {
      return false;
    }
    for (Object o : list(status.get("conditions"))) {
      Map<String, Object> c = map(o);
      if ("Ready".equals(c.get("type")) && "True".equals(String.valueOf(c.get("status")))) {
        return true;
      }
    }
    return false;
  }

  private static TableSchema schema(Map<String, Object> s) {
    if (s.isEmpty() || s.get("columns") == null) {
      return null;
    }
    List<Column> columns = new ArrayList<>();
    for (Object o : list(s.get("columns"))) {
      Map<String, Object> c = map(o);
      columns.add(
          new Column(
              String.valueOf(c.get("name")), ColumnType.parse(String.valueOf(c.get("type")))));
    }
    String key = s.get("shardKey") == null ? null : String.valueOf(s.get("shardKey"));
    if (key == null && !columns.isEmpty()) {
      key = columns.get(0).name();
    }
    return new TableSchema(String.valueOf(s.getOrDefault("table", "data")), key, columns);
  }

  private static Role role(Object o) {
    if (o == null) {
      return Role.None;
    }
    for (Role r : Role.values()) {
      if (r.name().equalsIgnoreCase(String.valueOf(o))) {
        return r;
      }
    }
    return Role.None;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o) {
    return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }

  private static List<?> list(Object o) {
    return o instanceof List<?> l ? l : List.of();
  }

  private static long number(Object o) {
    if (o instanceof Number n) {
      return n.longValue();
    }
    if (o instanceof String s && !s.isBlank()) {
      try {
        return Long.parseLong(s.trim());
      } catch (NumberFormatException e) {
        return 0;
      }
    }
    return 0;
  }
}
