package io.shardeddb.operator.reshard;

import io.shardeddb.api.v1alpha1.AppliedSpec;
import io.shardeddb.api.v1alpha1.ShardSpec;
import io.shardeddb.protocol.topology.PointRange;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Conversions between the resource's shard lists and layouts (shard id → owned range). */
public final class Layouts {

  private Layouts() {}

  /** The spec's layout, in spec order. */
  public static Map<String, PointRange> ofSpec(List<ShardSpec> shards) {
    Map<String, PointRange> out = new LinkedHashMap<>();
    shards.stream()
        .filter(s -> s.size() > 0)
        .forEach(s -> out.put(s.id(), new PointRange(s.low(), s.size())));
    return out;
  }

  /** A published layout as recorded in {@code status.applied.shards}. */
  public static Map<String, PointRange> ofApplied(List<AppliedSpec.AppliedShard> shards) {
    Map<String, PointRange> out = new LinkedHashMap<>();
    shards.stream()
        .filter(s -> s.size() > 0)
        .forEach(s -> out.put(s.id(), new PointRange(s.low(), s.size())));
    return out;
  }

  /**
   * The published layout recorded in {@code applied}; a database that never published one (new, or
   * from before status.applied) publishes {@code target} as it is: nothing was placed otherwise.
   */
  public static Map<String, PointRange> published(
      AppliedSpec applied, Map<String, PointRange> target) {
    if (applied == null || applied.shardsOrEmpty().isEmpty()) {
      return target;
    }
    return ofApplied(applied.shardsOrEmpty());
  }

  /** A layout as {@code status.applied.shards}, by low bound. */
  public static List<AppliedSpec.AppliedShard> toApplied(Map<String, PointRange> layout) {
    return layout.entrySet().stream()
        .sorted(Comparator.comparingLong(e -> e.getValue().low()))
        .map(e -> new AppliedSpec.AppliedShard(e.getKey(), e.getValue().low(), e.getValue().size()))
        .toList();
  }
}
