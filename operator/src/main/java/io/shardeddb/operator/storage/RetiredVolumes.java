package io.shardeddb.operator.storage;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.shardeddb.api.Labels;
import io.shardeddb.api.ShardedDatabaseResources;
import io.shardeddb.api.v1alpha1.AppliedSpec;
import io.shardeddb.api.v1alpha1.MoveStatus;
import io.shardeddb.api.v1alpha1.ShardSpec;
import io.shardeddb.api.v1alpha1.ShardedDatabaseSpec;
import io.shardeddb.api.v1alpha1.ShardedDatabaseStatus;
import io.shardeddb.operator.model.ShardModel;
import io.shardeddb.operator.status.EventReason;
import io.shardeddb.operator.status.ShardEvent;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Decides which PersistentVolumeClaims of shards merged away are deleted (docs/operator.md,
 * "Volumes of a shard merged away"). A StatefulSet's claims outlive it (Kubernetes 1.20 has no
 * claim retention policy); a merged-away shard's rows were moved and purged at the cut-over, and
 * its id is never given to a shard again ({@code SpecValidator.retiredIdsReused}), so nothing would
 * ever use them. Pure: from the status, the spec, what lives this pass and the claims listed.
 */
public final class RetiredVolumes {

  /**
   * What lives this pass: the shards the workflow runs (by id), the database's shard StatefulSets
   * (by name) and the shards that still have a pod (by id).
   */
  public record Live(Set<String> running, Set<String> statefulSets, Set<String> withPods) {}

  /** The claims of the merged-away shard {@code shard} to delete, by name, sorted. */
  public record Removal(String shard, List<String> claims) {

    /** The Event saying that {@code deleted} (those of {@link #claims} the server had) are gone. */
    public ShardEvent event(List<String> deleted) {
      return new ShardEvent(
          EventReason.VolumesDeleted,
          "shard "
              + shard
              + " was merged away and its StatefulSet and pods are gone: deleted its volume"
              + " claims "
              + String.join(", ", deleted)
              + " (its rows were moved and purged at the cut-over; its id is never given again)");
    }
  }

  private RetiredVolumes() {}

  /**
   * The retired shards (status.applied.retiredShards) whose claims may go, sorted: every one that
   * is in neither the spec nor the published layout nor the move in flight, that the workflow does
   * not run, and that has no StatefulSet and no pod left. Empty when none: nothing to list.
   */
  public static List<String> candidates(
      String db, ShardedDatabaseSpec spec, ShardedDatabaseStatus status, Live live) {
    AppliedSpec applied = status.applied();
    if (applied == null || applied.retiredShardsOrEmpty().isEmpty()) {
      return List.of();
    }
    Set<String> kept = new HashSet<>(live.running());
    spec.shardsOrEmpty().stream().map(ShardSpec::id).forEach(kept::add);
    applied.shardsOrEmpty().stream().map(AppliedSpec.AppliedShard::id).forEach(kept::add);
    MoveStatus move = status.reshardingOrEmpty().inFlight().orElse(null);
    if (move != null) {
      kept.add(move.source());
      kept.add(move.destination());
    }
    kept.addAll(live.withPods());
    TreeSet<String> out = new TreeSet<>();
    for (String id : applied.retiredShardsOrEmpty()) {
      if (!kept.contains(id)
          && !live.statefulSets().contains(ShardedDatabaseResources.shardStatefulSetName(db, id))) {
        out.add(id);
      }
    }
    return List.copyOf(out);
  }

  /**
   * The claims to delete, one removal per candidate shard ({@link #candidates}) that has any,
   * sorted by shard: a claim goes only if it is in the database's namespace, not already being
   * deleted, carries exactly the labels the shard's StatefulSet gives its claims (its selector:
   * this database, the shard component, that shard) and has the name the StatefulSet gives them
   * ({@code data-<db>-<shard>-<ordinal>}). Any other claim is left alone.
   */
  public static List<Removal> decide(
      String namespace,
      String db,
      ShardedDatabaseSpec spec,
      ShardedDatabaseStatus status,
      Live live,
      List<PersistentVolumeClaim> claims) {
    Map<String, TreeSet<String>> byShard = new TreeMap<>();
    for (String id : candidates(db, spec, status, live)) {
      for (PersistentVolumeClaim c : claims) {
        if (belongsTo(c, namespace, db, id)) {
          byShard.computeIfAbsent(id, k -> new TreeSet<>()).add(c.getMetadata().getName());
        }
      }
    }
    List<Removal> out = new ArrayList<>();
    byShard.forEach((id, names) -> out.add(new Removal(id, List.copyOf(names))));
    return out;
  }

  /** Whether {@code c} is a claim the StatefulSet of shard {@code id} of {@code db} made. */
  static boolean belongsTo(PersistentVolumeClaim c, String namespace, String db, String id) {
    if (c.getMetadata() == null
        || !namespace.equals(c.getMetadata().getNamespace())
        || c.getMetadata().getDeletionTimestamp() != null) {
      return false;
    }
    Map<String, String> labels = c.getMetadata().getLabels();
    if (labels == null) {
      return false;
    }
    for (Map.Entry<String, String> l : Labels.shardSelector(db, id).entrySet()) {
      if (!Objects.equals(labels.get(l.getKey()), l.getValue())) {
        return false;
      }
    }
    String prefix = ShardModel.dataClaimName(ShardedDatabaseResources.shardStatefulSetName(db, id));
    String name = c.getMetadata().getName();
    if (name == null || !name.startsWith(prefix + "-")) {
      return false;
    }
    String ordinal = name.substring(prefix.length() + 1);
    return !ordinal.isEmpty() && ordinal.chars().allMatch(ch -> ch >= '0' && ch <= '9');
  }
}
