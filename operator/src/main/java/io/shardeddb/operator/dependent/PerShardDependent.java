package io.shardeddb.operator.dependent;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.GarbageCollected;
import io.javaoperatorsdk.operator.processing.dependent.CRUDKubernetesBulkDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.KubernetesBulkDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.Matcher;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.shardeddb.api.Labels;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.operator.model.DatabaseModel;
import io.shardeddb.operator.model.DesiredShard;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * A bulk dependent with one resource per shard, built by a pure model function. Subclasses only
 * name the kind and the builder (and carry the {@code @KubernetesDependent} informer settings).
 */
abstract class PerShardDependent<R extends HasMetadata>
    extends KubernetesDependentResource<R, ShardedDatabase>
    implements CRUDKubernetesBulkDependentResource<R, ShardedDatabase>,
        KubernetesBulkDependentResource<R, ShardedDatabase>,
        GarbageCollected<ShardedDatabase> {

  private final BiFunction<DatabaseModel, DesiredShard, R> builder;

  PerShardDependent(Class<R> kind, BiFunction<DatabaseModel, DesiredShard, R> builder) {
    super(kind);
    this.builder = builder;
  }

  @Override
  public Map<ResourceID, R> desiredResources(
      ShardedDatabase primary, Context<ShardedDatabase> context) {
    DatabaseModel model = Models.of(context);
    Map<ResourceID, R> desired = new LinkedHashMap<>();
    for (DesiredShard shard : model.shards()) {
      R resource = builder.apply(model, shard);
      desired.put(ResourceID.fromResource(resource), resource);
    }
    return desired;
  }

  /** Only this shard component's resources: the router's of the same kind are not ours. */
  @Override
  public Map<ResourceID, R> getSecondaryResources(
      ShardedDatabase primary, Context<ShardedDatabase> context) {
    Map<ResourceID, R> found = new LinkedHashMap<>();
    eventSource().map(source -> source.getSecondaryResources(primary)).orElse(Set.of()).stream()
        .filter(r -> r.getMetadata().getLabels() != null)
        .filter(
            r -> Labels.COMPONENT_SHARD.equals(r.getMetadata().getLabels().get(Labels.COMPONENT)))
        .forEach(r -> found.put(ResourceID.fromResource(r), r));
    return found;
  }

  /** Writes only when the live object lacks something desired; server defaults do not count. */
  @Override
  public Matcher.Result<R> match(
      R actual, R desired, ShardedDatabase primary, Context<ShardedDatabase> context) {
    return DesiredStateDependent.matchDesired(actual, desired, context);
  }
}
