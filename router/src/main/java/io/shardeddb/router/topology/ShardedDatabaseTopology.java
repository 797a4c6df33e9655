package io.shardeddb.router.topology;

import io.shardeddb.api.ShardedDatabaseResources;
import io.shardeddb.api.v1alpha1.AppliedSpec;
import io.shardeddb.api.v1alpha1.ColumnSpec;
import io.shardeddb.api.v1alpha1.ReplicaStatus;
import io.shardeddb.api.v1alpha1.SchemaSpec;
import io.shardeddb.api.v1alpha1.ShardStatus;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.api.v1alpha1.ShardedDatabaseSpec;
import io.shardeddb.api.v1alpha1.ShardedDatabaseStatus;
import io.shardeddb.protocol.schema.Column;
import io.shardeddb.protocol.schema.TableSchema;
import io.shardeddb.protocol.shard.LogPosition;
import io.shardeddb.protocol.topology.Replica;
import io.shardeddb.protocol.topology.Role;
import io.shardeddb.protocol.topology.ShardTopology;
import io.shardeddb.protocol.topology.Topology;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a {@code ShardedDatabase} resource into a {@link Topology}, using only the fields that
 * docs/architecture.md lists as the operator–router contract. Pure, so it is tested without a
 * cluster.
 */
public final class ShardedDatabaseTopology {

  private ShardedDatabaseTopology() {}

  /**
   * The topology the resource describes; {@code version} is assigned by the holder. Shards come
   * from the published layout ({@code status.applied.shards}, docs/resharding.md) when the status
   * has one: the spec is the goal, and a shard the operator has not published yet owns nothing,
   * while one that left the spec may still own its range until its move is cut over. A resource
   * whose status records no layout yet (a new database) is routed by its spec, as before.
   */
  public static Topology from(ShardedDatabase resource) {
    ShardedDatabaseSpec spec = ShardedDatabaseResources.spec(resource);
    ShardedDatabaseStatus status = statusOf(resource);
    List<ShardTopology> shards = new ArrayList<>();
    for (Range s : layout(spec, status)) {
      ShardStatus st = status.shard(s.id()).orElse(null);
      List<Replica> replicas = new ArrayList<>();
      if (st != null) {
        for (ReplicaStatus rep : st.replicasOrEmpty()) {
          // A replica without an address yet cannot be routed to.
          if (rep.pod() != null && rep.url() != null) {
            replicas.add(
                new Replica(rep.pod(), rep.url(), rep.role() == null ? Role.None : rep.role()));
          }
        }
      }
      shards.add(
          new ShardTopology(
              s.id(),
              s.low(),
              s.size(),
              st == null ? 0 : st.epochOrZero(),
              st == null ? null : st.primary(),
              replicas,
              s.floor()));
    }
    Map<String, List<String>> servers = new LinkedHashMap<>();
    if (spec.servers() != null) {
      spec.servers().forEach((k, v) -> servers.put(k, v == null ? List.of() : List.copyOf(v)));
    }
    // The schema every shard has applied (docs/sql.md, "Changing the schema"): a column or a
    // table the spec adds is used once every shard's log holds it, never before.
    SchemaSpec tables =
        status.applied() != null && status.applied().schema() != null
            ? status.applied().schema()
            : spec.schema();
    TableSchema first = schema(tables);
    return new Topology(
        resource.getMetadata().getName(),
        0,
        first,
        spec.writeQuorumOrDefault(),
        shards,
        servers,
        // The published sharding wins: a spec that changed it is refused by the operator, and
        // routing by it would send keys to shards that do not own their points.
        status.applied() != null && status.applied().sharding() != null
            ? status.applied().sharding()
            : spec.shardingOrDefault(),
        // The same number in every router for the same published layout: session tokens carry it.
        status.applied() == null ? 0 : status.applied().layoutGenerationOrZero(),
        first == null || tables.tables() == null ? List.of() : tables.toTableSet().others());
  }

  /**
   * One shard's id and range, from the published layout or the spec, and its session floor (null:
   * none published).
   */
  private record Range(String id, long low, long size, LogPosition floor) {}

  /** The published layout when the status has one, else the spec's shards. */
  private static List<Range> layout(ShardedDatabaseSpec spec, ShardedDatabaseStatus status) {
    AppliedSpec applied = status.applied();
    if (applied != null && !applied.shardsOrEmpty().isEmpty()) {
      return applied.shardsOrEmpty().stream()
          .map(s -> new Range(s.id(), s.low(), s.size(), s.floor()))
          .toList();
    }
    return spec.shardsOrEmpty().stream()
        .map(s -> new Range(s.id(), s.low(), s.size(), null))
        .toList();
  }

  /** Whether status reports condition Ready=True for at least {@code generation}. */
  public static boolean readyFor(ShardedDatabase resource, long generation) {
    ShardedDatabaseStatus status = statusOf(resource);
    if (status.observedGeneration() == null || status.observedGeneration() < generation) {
      return false;
    }
    return status.condition("Ready").map(c -> "True".equals(c.getStatus())).orElse(false);
  }

  private static ShardedDatabaseStatus statusOf(ShardedDatabase resource) {
    return resource.getStatus() != null
        ? resource.getStatus()
        : ShardedDatabaseStatus.builder().build();
  }

  private static TableSchema schema(SchemaSpec s) {
    if (s == null || s.columns() == null) {
      return null;
    }
    List<Column> columns = new ArrayList<>();
    for (ColumnSpec c : s.columns()) {
      columns.add(c.toColumn());
    }
    String key = s.shardKey();
    if (key == null && !columns.isEmpty()) {
      key = columns.get(0).name();
    }
    List<io.shardeddb.protocol.schema.Index> indexes =
        s.indexes() == null
            ? List.of()
            : s.indexes().stream().map(io.shardeddb.api.v1alpha1.IndexSpec::toIndex).toList();
    return new TableSchema(
        s.table() == null ? "data" : s.table(), key, columns, indexes, s.primaryKey());
  }
}
