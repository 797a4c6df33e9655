package io.shardeddb.operator.dependent;

import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.shardeddb.api.Labels;
import io.shardeddb.api.ShardedDatabaseResources;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.operator.model.DesiredShard;
import io.shardeddb.operator.model.ShardModel;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One StatefulSet per shard. A StatefulSet being re-created with a new claim template ({@link
 * DesiredShard#statefulSetHeld()}, docs/operator.md "Growing the volumes") is left out of both the
 * desired and the live set: the workflow neither creates, updates nor deletes it until the old one
 * is gone, and then creates it with the new template.
 */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.SELECT_SHARD))
public class ShardStatefulSetDependent extends PerShardDependent<StatefulSet> {
  public ShardStatefulSetDependent() {
    super(StatefulSet.class, ShardModel::statefulSet);
  }

  @Override
  public Map<ResourceID, StatefulSet> desiredResources(
      ShardedDatabase primary, Context<ShardedDatabase> context) {
    return withoutHeld(super.desiredResources(primary, context), primary, context);
  }

  @Override
  public Map<ResourceID, StatefulSet> getSecondaryResources(
      ShardedDatabase primary, Context<ShardedDatabase> context) {
    return withoutHeld(super.getSecondaryResources(primary, context), primary, context);
  }

  private static Map<ResourceID, StatefulSet> withoutHeld(
      Map<ResourceID, StatefulSet> all, ShardedDatabase primary, Context<ShardedDatabase> context) {
    String db = primary.getMetadata().getName();
    Set<String> held =
        Models.find(context)
            .map(m -> m.shards().stream())
            .orElseGet(java.util.stream.Stream::empty)
            .filter(DesiredShard::statefulSetHeld)
            .map(s -> ShardedDatabaseResources.shardStatefulSetName(db, s.id()))
            .collect(Collectors.toSet());
    if (held.isEmpty()) {
      return all;
    }
    Map<ResourceID, StatefulSet> out = new LinkedHashMap<>();
    all.forEach(
        (id, sts) -> {
          if (!held.contains(id.getName())) {
            out.put(id, sts);
          }
        });
    return out;
  }
}
